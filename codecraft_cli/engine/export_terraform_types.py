"""Terraform blocks for each resource type, read from the handler's own plan (its API calls'
parameters: the same names, settings, policies and tags codecraft would use).

Each translator gets the :class:`Doc` being built, the resource and its plan (computed with the
references already written as Terraform expressions) and returns its blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..resources.base import Call, Step
from ..workshop.model import REF_RE, ResourceSpec
from .export_hcl import Block, Expr, Nested, ident, jsonencode

REGION = "${data.aws_region.current.name}"
ACCOUNT = "${data.aws_caller_identity.current.account_id}"

# type -> (Terraform type, {codecraft output: Terraform attribute}); data sources start with "data."
ADDRESSES: dict[str, tuple[str, dict[str, str]]] = {
    "dynamodb.table": ("aws_dynamodb_table", {"name": "name", "arn": "arn", "stream_arn": "stream_arn"}),
    "dynamodb.table_stream": ("data.aws_dynamodb_table", {"table": "name", "stream_arn": "stream_arn"}),
    "sns.topic": ("aws_sns_topic", {"name": "name", "arn": "arn"}),
    "sns.subscription": ("aws_sns_topic_subscription", {"arn": "arn", "id": "arn"}),
    "sqs.queue": ("aws_sqs_queue", {"name": "name", "arn": "arn", "url": "url"}),
    "logs.log_group": ("aws_cloudwatch_log_group", {"name": "name", "arn": "arn"}),
    "iam.role": ("aws_iam_role", {"name": "name", "arn": "arn"}),
    "lambda.function": ("aws_lambda_function", {"name": "function_name", "arn": "arn"}),
    "lambda.event_source_mapping": ("aws_lambda_event_source_mapping", {"id": "uuid", "uuid": "uuid"}),
    "lambda.permission": ("aws_lambda_permission", {"id": "statement_id"}),
    "apigateway.rest_api": ("aws_api_gateway_rest_api", {"name": "name", "id": "id", "arn": "arn"}),
    "apigateway.authorizer": ("aws_api_gateway_authorizer", {"id": "id", "name": "name"}),
    "apigateway.route": ("aws_api_gateway_method", {"fingerprint": "id", "id": "id"}),
    "apigateway.deployment": ("aws_api_gateway_deployment", {"id": "id"}),
    "s3.bucket": ("aws_s3_bucket", {"name": "bucket", "arn": "arn"}),
    "s3.notification": ("aws_s3_bucket_notification", {"id": "id", "bucket": "bucket"}),
    "ec2.default_vpc": ("data.aws_vpc", {"vpc_id": "id"}),
    "ec2.security_group": ("aws_security_group", {"id": "id", "name": "name"}),
    "ec2.vpc_endpoint": ("aws_vpc_endpoint", {"id": "id"}),
    "rds.db_instance": ("aws_db_instance", {"name": "identifier", "id": "identifier", "address": "address",
                                            "port": "port", "database": "db_name", "arn": "arn",
                                            "secret_arn": "master_user_secret[0].secret_arn"}),
    "mysql.schema": ("aws_lambda_invocation", {"id": "id"}),
    "cognito.user_pool": ("aws_cognito_user_pool", {"id": "id", "arn": "arn", "name": "name"}),
    "cognito.user_pool_client": ("aws_cognito_user_pool_client", {"id": "id", "name": "name"}),
    "cognito.user": ("aws_cognito_user", {"username": "username"}),
    "secretsmanager.secret": ("aws_secretsmanager_secret", {"arn": "arn", "name": "name"}),
}
LIST_OUTPUTS = ("subnet_ids", "endpoint_subnets")


@dataclass
class Doc:
    """The export being built: every resource of the workshop, the blocks so far, the files."""

    resources: Mapping[str, ResourceSpec]
    student: str | None
    artifact: Callable[[str], Any]  # packaging.build
    local_gateway: str | None = None
    blocks: list[Block] = field(default_factory=list)
    files: dict[str, bytes | str] = field(default_factory=dict)
    paths: dict[str, dict[str, str]] = field(default_factory=dict)  # API expression -> path -> resource id expr
    routes: dict[str, list[str]] = field(default_factory=dict)  # route id -> its method and integration
    remote: set[str] = field(default_factory=set)  # prerequisite workshops read through their state
    outputs: dict[str, tuple[Any, str]] = field(default_factory=dict)  # name -> (value, description)

    def address(self, res_id: str) -> str:
        kind, _attrs = ADDRESSES[self.resources[res_id].type]
        return f"{kind}.{res_id}"

    def expr(self, workshop: str | None, res_id: str, attr: str) -> str:
        """The Terraform expression of ``${[workshop:]res_id.attr}`` (without ``${}``)."""
        if workshop:
            self.remote.add(workshop)
            return f"data.terraform_remote_state.{ident(workshop)}.outputs.{res_id}_{attr}"
        res = self.resources[res_id]
        if res.type == "ec2.default_vpc" and attr in LIST_OUTPUTS:
            ids = f"data.aws_subnets.{res_id}.ids"
            return ids if attr == "subnet_ids" else f"slice(sort({ids}), 0, min(2, length({ids})))"
        if res.type == "s3.bucket" and attr == "account":
            return ACCOUNT[2:-1]
        if res.type == "apigateway.route" and attr == "execute_arn":
            return self.execute_arn(res)
        kind, attrs = ADDRESSES[res.type]
        return f"{kind}.{res_id}.{attrs.get(attr, attr)}"

    def execute_arn(self, route: ResourceSpec) -> str:
        """The route's ``arn:aws:execute-api:region:account:api-id/*/METHOD/path`` (apigateway.execute_arn)."""
        api = str(route.properties["api"])
        parts = ["*" if p.startswith("{") else p for p in str(route.properties["path"]).strip("/").split("/") if p]
        tail = f"/*/{str(route.properties['method']).upper()}/{'/'.join(parts)}"
        # built from the account (not the API's execution_arn: the provider leaves its account out when
        # told not to look the account up, as on the emulator)
        m = REF_RE.fullmatch(api)
        api_id = self.expr(m.group(1), m.group(2), m.group(3)) if m else json.dumps(api)
        return (f'format("arn:aws:execute-api:%s:%s:%s{tail}", {REGION[2:-1]}, {ACCOUNT[2:-1]}, {api_id})')

    def convert(self, value: Any) -> Any:
        """Workshop properties with their references as Terraform expressions."""
        if isinstance(value, str):
            whole = REF_RE.fullmatch(value)
            if whole and whole.group(3) in LIST_OUTPUTS:
                return ["${*" + self.expr(whole.group(1), whole.group(2), whole.group(3)) + "}"]
            return REF_RE.sub(lambda m: "${" + self.expr(m.group(1), m.group(2), m.group(3)) + "}", value)
        if isinstance(value, Mapping):
            return {k: self.convert(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            out: list[Any] = []
            for item in value:
                got = self.convert(item)
                out += got if isinstance(item, str) and isinstance(got, list) else [got]
            return out
        return value

    def needs(self, res: ResourceSpec) -> list[Expr]:
        """``depends_on`` from the workshop's own ``depends_on``."""
        return [Expr(self.address(d)) for d in res.depends_on if d in self.resources
                and not self.address(d).startswith("data.")]


def params(plan: Sequence[Step], method: str) -> dict[str, Any]:
    for step in plan:
        if isinstance(step, Call) and step.method == method:
            return dict(step.params)
    return {}


def tags(value: Any) -> dict[str, str] | None:
    """The plan's tags without codecraft's ownership tags (what Terraform builds is Terraform's)."""
    pairs = {t["Key"]: t["Value"] for t in value} if isinstance(value, list) else dict(value or {})
    kept = {k: str(v) for k, v in pairs.items() if not str(k).startswith("codecraft:")}
    return kept or None


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None and v != []}


def resource(kind: str, label: str, body: dict[str, Any], comment: str = "") -> Block:
    return Block("resource", (kind, label), _clean(body), comment)


Translator = Callable[[Doc, ResourceSpec, Sequence[Step]], list[Block]]
TRANSLATORS: dict[str, Translator] = {}


def translates(kind: str) -> Callable[[Translator], Translator]:
    def register(fn: Translator) -> Translator:
        TRANSLATORS[kind] = fn
        return fn
    return register


@translates("dynamodb.table")
def _table(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_table")
    keys = {k["KeyType"]: k["AttributeName"] for k in p["KeySchema"]}
    stream = p.get("StreamSpecification") or {}
    throughput = p.get("ProvisionedThroughput") or {}
    indexes = [Nested(_clean({
        "name": g["IndexName"], "projection_type": g["Projection"]["ProjectionType"],
        "hash_key": next(k["AttributeName"] for k in g["KeySchema"] if k["KeyType"] == "HASH"),
        "range_key": next((k["AttributeName"] for k in g["KeySchema"] if k["KeyType"] == "RANGE"), None),
        "non_key_attributes": g["Projection"].get("NonKeyAttributes")}))
        for g in p.get("GlobalSecondaryIndexes") or []]
    return [resource("aws_dynamodb_table", res.id, {
        "name": p["TableName"], "billing_mode": p.get("BillingMode", "PROVISIONED"),
        "hash_key": keys["HASH"], "range_key": keys.get("RANGE"),
        "read_capacity": throughput.get("ReadCapacityUnits"), "write_capacity": throughput.get("WriteCapacityUnits"),
        "stream_enabled": True if stream.get("StreamEnabled") else None,
        "stream_view_type": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        "attribute": [Nested({"name": a["AttributeName"], "type": a["AttributeType"]})
                      for a in p["AttributeDefinitions"]],
        "global_secondary_index": indexes, "tags": tags(p.get("Tags"))})]


@translates("sns.topic")
def _topic(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_topic")
    attrs = p.get("Attributes") or {}
    return [resource("aws_sns_topic", res.id, {
        "name": p["Name"], "fifo_topic": True if attrs.get("FifoTopic") == "true" else None,
        "tags": tags(p.get("Tags"))})]


@translates("sns.subscription")
def _subscription(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "subscribe")
    attrs = p.get("Attributes") or {}
    return [resource("aws_sns_topic_subscription", res.id, {
        "topic_arn": p["TopicArn"], "protocol": p["Protocol"], "endpoint": p["Endpoint"],
        "raw_message_delivery": True if attrs.get("RawMessageDelivery") == "true" else None,
        "filter_policy": jsonencode(attrs["FilterPolicy"]) if attrs.get("FilterPolicy") else None})]


_QUEUE_ATTRS = {"VisibilityTimeout": "visibility_timeout_seconds", "MessageRetentionPeriod": "message_retention_seconds",
                "DelaySeconds": "delay_seconds", "ReceiveMessageWaitTimeSeconds": "receive_wait_time_seconds",
                "MaximumMessageSize": "max_message_size"}


@translates("sqs.queue")
def _queue(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_queue")
    attrs = p.get("Attributes") or {}
    body: dict[str, Any] = {"name": p["QueueName"]}
    body.update({tf: int(attrs[aws]) for aws, tf in _QUEUE_ATTRS.items() if aws in attrs})
    if attrs.get("FifoQueue") == "true":
        body["fifo_queue"] = True
    if attrs.get("RedrivePolicy"):
        body["redrive_policy"] = jsonencode(attrs["RedrivePolicy"])
    if attrs.get("Policy"):
        # the queue's access policy (who may send to it), in the queue itself as codecraft sends it
        # (its ARN built from the region and account): one attribute change for Terraform to wait for
        body["policy"] = jsonencode(attrs["Policy"])
    body["tags"] = tags(p.get("tags"))
    return [resource("aws_sqs_queue", res.id, body)]


@translates("logs.log_group")
def _log_group(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_log_group")
    retention = params(plan, "put_retention_policy").get("retentionInDays")
    return [resource("aws_cloudwatch_log_group", res.id, {
        "name": p["logGroupName"], "retention_in_days": retention, "tags": tags(p.get("tags"))})]


@translates("iam.role")
def _role(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_role")
    blocks = [resource("aws_iam_role", res.id, {
        "name": p["RoleName"], "description": p.get("Description"),
        "assume_role_policy": jsonencode(p["AssumeRolePolicyDocument"]), "tags": tags(p.get("Tags"))})]
    for step in plan:
        if isinstance(step, Call) and step.method == "put_role_policy":
            blocks.append(resource("aws_iam_role_policy", res.id, {
                "name": step.params["PolicyName"], "role": Expr(f"aws_iam_role.{res.id}.id"),
                "policy": jsonencode(step.params["PolicyDocument"])}))
        elif isinstance(step, Call) and step.method == "attach_role_policy":
            label = ident(f"{res.id}_{str(step.params['PolicyArn']).rsplit('/', 1)[-1]}")
            blocks.append(resource("aws_iam_role_policy_attachment", label, {
                "role": Expr(f"aws_iam_role.{res.id}.name"), "policy_arn": step.params["PolicyArn"]}))
    return blocks
