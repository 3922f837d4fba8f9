"""Find codecraft's resources without the state file, and delete exactly those.

Ownership is proven by tags only: ``codecraft:workshop`` (and ``codecraft:student``) must
match what is swept. Candidates come from the tagging API, and, for the types it does not list
everywhere (IAM roles, REST APIs, Cognito pools, log groups), from listing the service and
reading each resource's tags. A resource with a workshop's name but without its tags — built by
hand, or by someone else — is never a candidate. Each found resource is deleted with its
handler's own deletion plan, dependants first (functions before roles, the database before its
security groups).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..resources.base import TAG_STUDENT, TAG_WORKSHOP, tags_from_list
from .context import DeployContext

ORDER = ["lambda.function", "apigateway.rest_api", "cognito.user_pool", "s3.bucket", "dynamodb.table",
         "sns.topic", "sqs.queue", "secretsmanager.secret", "logs.log_group", "rds.db_instance", "iam.role",
         "ec2.vpc_endpoint", "ec2.security_group"]


@dataclass
class Found:
    type: str
    arn: str
    tags: dict[str, str]
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.type} {self.outputs.get('name') or self.outputs.get('id') or self.arn}"


def _wanted(tags: Mapping[str, str], workshop: str | None, student: str | None) -> bool:
    if TAG_WORKSHOP not in tags:
        return False
    if workshop and tags.get(TAG_WORKSHOP) != workshop:
        return False
    if student is not None and tags.get(TAG_STUDENT) != student:
        return False
    return True


def _from_arn(arn: str, ctx: DeployContext) -> Found | None:
    parts = arn.split(":", 5)
    service, rest = parts[2], parts[5] if len(parts) > 5 else ""
    if service == "dynamodb" and rest.startswith("table/") and "/stream/" not in rest:
        return Found("dynamodb.table", arn, {}, {"name": rest.split("/", 1)[1]})
    if service == "sns" and ":" not in rest:
        return Found("sns.topic", arn, {}, {"arn": arn, "name": rest})
    if service == "sqs":
        url = ctx.client("sqs").get_queue_url(QueueName=rest)["QueueUrl"]
        return Found("sqs.queue", arn, {}, {"name": rest, "url": url})
    if service == "lambda" and rest.startswith("function:"):
        name = rest.split(":")[1]
        conf = ctx.client("lambda").get_function_configuration(FunctionName=name)
        return Found("lambda.function", arn, {}, {"name": name, "vpc": bool((conf.get("VpcConfig") or {}).get("SubnetIds"))})
    if service == "s3":
        return Found("s3.bucket", arn, {}, {"name": rest})
    if service == "secretsmanager":
        return Found("secretsmanager.secret", arn, {}, {"arn": arn})
    if service == "rds" and rest.startswith("db:"):
        return Found("rds.db_instance", arn, {}, {"id": rest[3:], "name": rest[3:]})
    if service == "ec2" and rest.startswith("security-group/"):
        return Found("ec2.security_group", arn, {}, {"id": rest.split("/", 1)[1]})
    if service == "ec2" and rest.startswith("vpc-endpoint/"):
        return Found("ec2.vpc_endpoint", arn, {}, {"id": rest.split("/", 1)[1]})
    return None


def find(ctx: DeployContext, workshop: str | None, student: str | None) -> list[Found]:
    """Every resource whose tags say it is codecraft's (for this workshop / student)."""
    found: dict[str, Found] = {}
    filters = [{"Key": TAG_WORKSHOP, "Values": [workshop]} if workshop else {"Key": TAG_WORKSHOP}]
    pages = ctx.client("resourcegroupstaggingapi").get_paginator("get_resources").paginate(TagFilters=filters)
    for page in pages:
        for item in page.get("ResourceTagMappingList", []):
            tags = tags_from_list(item.get("Tags"))
            if not _wanted(tags, workshop, student):
                continue
            got = _from_arn(item["ResourceARN"], ctx)
            if got:
                got.tags = tags
                found[got.arn] = got
    for got in _listed(ctx):
        if _wanted(got.tags, workshop, student):
            found.setdefault(got.arn, got)
    return sorted(found.values(), key=lambda f: (ORDER.index(f.type), f.arn))


def _listed(ctx: DeployContext) -> list[Found]:
    """Types the tagging API does not list everywhere: list them and read their tags."""
    out: list[Found] = []
    iam = ctx.client("iam")
    for page in iam.get_paginator("list_roles").paginate():
        for role in page.get("Roles", []):
            if role.get("Path", "/").startswith("/aws-service-role/"):
                continue
            tags = tags_from_list(iam.list_role_tags(RoleName=role["RoleName"]).get("Tags"))
            out.append(Found("iam.role", role["Arn"], tags, {"name": role["RoleName"]}))
    for page in ctx.client("apigateway").get_paginator("get_rest_apis").paginate():
        for api in page.get("items", []):
            out.append(Found("apigateway.rest_api", f"arn:aws:apigateway:{ctx.region}::/restapis/{api['id']}",
                             dict(api.get("tags") or {}), {"id": api["id"], "name": api.get("name")}))
    cognito = ctx.client("cognito-idp")
    for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page.get("UserPools", []):
            described = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
            out.append(Found("cognito.user_pool", described.get("Arn") or pool["Id"],
                             dict(described.get("UserPoolTags") or {}), {"id": pool["Id"], "name": pool.get("Name")}))
    logs = ctx.client("logs")
    for page in logs.get_paginator("describe_log_groups").paginate():
        for group in page.get("logGroups", []):
            arn = group["arn"].removesuffix(":*")
            tags = logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
            out.append(Found("logs.log_group", arn, dict(tags), {"name": group["logGroupName"]}))
    return out


def delete(ctx: DeployContext, found: list[Found], executor: Any) -> list[Found]:
    """Delete in dependency order, each with its handler's plan; "already gone" is done."""
    from ..resources.base import handler_for

    done = []
    for item in found:
        handler = handler_for(item.type)
        record = {"type": item.type, "outputs": item.outputs}
        plan = handler.plan_delete(record, handler.observe_for_delete(ctx, record))
        executor.run(plan)
        done.append(item)
    return done
