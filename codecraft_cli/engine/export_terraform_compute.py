"""Terraform blocks for functions, APIs, buckets, networks, databases and Cognito (the rest of
export_terraform_types): each from the handler's own plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..i18n import _
from ..resources.base import Call, Step
from ..workshop.model import REF_RE, ResourceSpec
from .export_hcl import Block, Expr, Nested, ident, jsonencode
from .export_terraform_types import ACCOUNT, REGION, Doc, params, resource, tags, translates


def _role_policies(doc: Doc, value: str) -> list[Expr]:
    """The inline policy of the role a function uses: AWS checks it when a trigger is created."""
    found = [rid for rid, r in doc.resources.items() if r.type == "iam.role" and f"aws_iam_role.{rid}." in value]
    return [Expr(f"aws_iam_role_policy.{rid}") for rid in found
            if any(b.labels == ("aws_iam_role_policy", rid) for b in doc.blocks)]


@translates("lambda.function")
def _function(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_function")
    artifact = doc.artifact(str(res.properties["source"]))
    zip_name = f"lambda/{p['FunctionName']}.zip"
    doc.files[zip_name] = artifact.zip_bytes
    vpc = p.get("VpcConfig")
    variables = (p.get("Environment") or {}).get("Variables")
    return [resource("aws_lambda_function", res.id, {
        "function_name": p["FunctionName"], "description": p.get("Description"),
        "role": p["Role"], "runtime": p["Runtime"], "handler": p["Handler"],
        "architectures": p.get("Architectures"), "timeout": p.get("Timeout"), "memory_size": p.get("MemorySize"),
        "filename": Expr(f'"${{path.module}}/{zip_name}"'),
        # base64(sha256(zip)): the CodeSha256 Lambda reports for the same reproducible package
        "source_code_hash": artifact.code_sha256,
        "environment": Nested({"variables": variables}) if variables else None,
        "vpc_config": Nested({"subnet_ids": vpc.get("SubnetIds"), "security_group_ids": vpc.get("SecurityGroupIds")})
        if vpc else None,
        # LoggingConfig (resources/lambda_logging.py): aws_lambda_function's logging_config block
        "logging_config": Nested({"log_format": p["LoggingConfig"]["LogFormat"]}) if p.get("LoggingConfig") else None,
        "tags": tags(p.get("Tags")),
        "depends_on": doc.needs(res) + _role_policies(doc, str(p["Role"])) or None,
    }, comment=_("{function}: the package of lambda_src/{source}, built as codecraft setup builds it.").format(
        function=p["FunctionName"], source=res.properties["source"]))]


@translates("lambda.event_source_mapping")
def _mapping(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_event_source_mapping")
    source = str(res.properties.get("source", ""))
    stream = ".stream_arn}" in str(p.get("EventSourceArn")) or "/stream/" in source
    return [resource("aws_lambda_event_source_mapping", res.id, {
        "function_name": p["FunctionName"], "event_source_arn": p["EventSourceArn"],
        "batch_size": p.get("BatchSize"), "enabled": p.get("Enabled"),
        "maximum_batching_window_in_seconds": p.get("MaximumBatchingWindowInSeconds"),
        "function_response_types": p.get("FunctionResponseTypes"),
        # where a stream is read from: fixed at creation (lambda_.py's default)
        "starting_position": (p.get("StartingPosition") or res.properties.get("starting_position", "TRIM_HORIZON"))
        if stream else None,
        "depends_on": doc.needs(res) or None})]


@translates("lambda.permission")
def _permission(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "add_permission")
    return [resource("aws_lambda_permission", res.id, {
        "statement_id": p["StatementId"], "action": p["Action"], "function_name": p["FunctionName"],
        "principal": p["Principal"], "source_arn": p.get("SourceArn"), "source_account": p.get("SourceAccount"),
        "depends_on": doc.needs(res) or None})]


@translates("apigateway.rest_api")
def _rest_api(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_rest_api")
    return [resource("aws_api_gateway_rest_api", res.id, {
        "name": p["name"], "description": p.get("description"),
        "endpoint_configuration": Nested({"types": (p.get("endpointConfiguration") or {}).get("types", ["REGIONAL"])}),
        "tags": tags(p.get("tags"))})]


@translates("apigateway.authorizer")
def _authorizer(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_authorizer")
    return [resource("aws_api_gateway_authorizer", res.id, {
        "name": p["name"], "rest_api_id": p["restApiId"], "type": p["type"],
        "provider_arns": p.get("providerARNs"), "identity_source": p.get("identitySource")})]


def _api_resources(doc: Doc, api: str, path: str) -> tuple[str, list[Block]]:
    """The API resource of ``path`` (made once per API: routes share their parents)."""
    known = doc.paths.setdefault(api, {})
    blocks: list[Block] = []
    if "/" not in known:
        m = REF_RE.fullmatch(api)
        if m and not m.group(1):
            known["/"] = f"aws_api_gateway_rest_api.{m.group(2)}.root_resource_id"
        else:  # another workshop's API: its root resource looked up
            label = ident(f"{api}_root")
            blocks.append(Block("data", ("aws_api_gateway_resource", label),
                                {"rest_api_id": doc.convert(api), "path": "/"}))
            known["/"] = f"data.aws_api_gateway_resource.{label}.id"
    parent, parts = "/", [p for p in path.strip("/").split("/") if p]
    for i, part in enumerate(parts):
        here = "/" + "/".join(parts[: i + 1])
        if here not in known:
            api_label = REF_RE.fullmatch(api).group(2) if REF_RE.fullmatch(api) else "api"  # type: ignore[union-attr]
            label = ident(f"{api_label}_{here}")
            blocks.append(resource("aws_api_gateway_resource", label, {
                "rest_api_id": doc.convert(api), "parent_id": Expr(known[parent]), "path_part": part}))
            known[here] = f"aws_api_gateway_resource.{label}.id"
        parent = here
    return known[parent], blocks


@translates("apigateway.route")
def _route(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    method, integration = params(plan, "put_method"), params(plan, "put_integration")
    where, blocks = _api_resources(doc, str(res.properties["api"]), str(res.properties["path"]))
    api = method["restApiId"]
    blocks.append(resource("aws_api_gateway_method", res.id, {
        "rest_api_id": api, "resource_id": Expr(where), "http_method": method["httpMethod"],
        "authorization": method["authorizationType"], "authorizer_id": method.get("authorizerId"),
        "api_key_required": method.get("apiKeyRequired"), "request_parameters": method.get("requestParameters")}))
    blocks.append(resource("aws_api_gateway_integration", res.id, {
        "rest_api_id": api, "resource_id": Expr(where),
        "http_method": Expr(f"aws_api_gateway_method.{res.id}.http_method"),
        "type": integration["type"], "integration_http_method": integration.get("integrationHttpMethod"),
        "uri": integration.get("uri")}))
    doc.routes[res.id] = [f"aws_api_gateway_method.{res.id}", f"aws_api_gateway_integration.{res.id}"]
    return blocks


@translates("apigateway.deployment")
def _deployment(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_deployment")
    api, stage = p["restApiId"], p["stageName"]
    routes = [m.group(2) for r in res.properties.get("routes") or [] for m in [REF_RE.fullmatch(str(r))] if m]
    routes = [r for r in routes if r in doc.routes] or list(doc.routes)
    parts = [f"{a}.id" for r in routes for a in doc.routes[r]]
    body: dict[str, Any] = {
        "rest_api_id": api, "description": "codecraft export",
        # a new deployment whenever a route changes, as codecraft redeploys when a route's fingerprint does
        "triggers": {"redeployment": Expr(f"sha1(jsonencode([{', '.join(parts)}]))")},
        "lifecycle": Nested({"create_before_destroy": True}),
        # not on the workshop's depends_on (the permissions): create_before_destroy would spread to them
        "depends_on": [Expr(a) for r in routes for a in doc.routes[r]]}
    blocks = []
    if res.properties.get("shared_stage"):
        # the stage belongs to the workshop that made the API: this deployment only updates it
        body["stage_name"] = stage
        blocks.append(resource("aws_api_gateway_deployment", res.id, body, comment=_(
            "Redeploys the stage {stage} of another workshop's API. terraform destroy here can remove that "
            "stage: apply that workshop's export again afterwards.").format(stage=stage)))
    else:
        blocks.append(resource("aws_api_gateway_deployment", res.id, body))
        blocks.append(resource("aws_api_gateway_stage", res.id, {
            "rest_api_id": api, "deployment_id": Expr(f"aws_api_gateway_deployment.{res.id}.id"), "stage_name": stage,
            "depends_on": doc.needs(res) or None}))
    url: Any = (f"{doc.local_gateway}/{api}/{stage}" if doc.local_gateway
                else f"https://{api}.execute-api.{REGION}.amazonaws.com/{stage}")
    if not doc.local_gateway and not res.properties.get("shared_stage"):
        url = Expr(f"aws_api_gateway_stage.{res.id}.invoke_url")
    doc.outputs["invoke_url" if "invoke_url" not in doc.outputs else f"{res.id}_invoke_url"] = (
        url, "the API's invoke URL")
    return blocks


@translates("s3.bucket")
def _bucket(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    base = res.name or res.id
    student = doc.student
    # s3.bucket_name: base-<sha256(account/region/student)[:8]>, the suffix computed the same way here
    digest = f'sha256("{ACCOUNT}/{REGION}/{student or ""}")'
    name = (f'"{base}-{student}-${{substr({digest}, 0, 6)}}"' if student else f'"{base}-${{substr({digest}, 0, 8)}}"')
    blocks = [resource("aws_s3_bucket", res.id, {
        "bucket": Expr(name), "force_destroy": True,  # what the class uploaded goes with it
        "tags": tags((params(plan, "put_bucket_tagging").get("Tagging") or {}).get("TagSet"))})]
    block = params(plan, "put_public_access_block").get("PublicAccessBlockConfiguration")
    if block:
        blocks.append(resource("aws_s3_bucket_public_access_block", res.id, {
            "bucket": Expr(f"aws_s3_bucket.{res.id}.id"), "block_public_acls": block["BlockPublicAcls"],
            "ignore_public_acls": block["IgnorePublicAcls"], "block_public_policy": block["BlockPublicPolicy"],
            "restrict_public_buckets": block["RestrictPublicBuckets"]}))
    versioning = params(plan, "put_bucket_versioning").get("VersioningConfiguration")
    if versioning:
        blocks.append(resource("aws_s3_bucket_versioning", res.id, {
            "bucket": Expr(f"aws_s3_bucket.{res.id}.id"),
            "versioning_configuration": Nested({"status": versioning["Status"]})}))
    lifecycle = params(plan, "put_bucket_lifecycle_configuration")
    if lifecycle:  # glacier_after_days (resources/s3_lifecycle.py)
        blocks.append(resource("aws_s3_bucket_lifecycle_configuration", res.id, {
            "bucket": Expr(f"aws_s3_bucket.{res.id}.id"),
            "transition_default_minimum_object_size": lifecycle.get("TransitionDefaultMinimumObjectSize"),
            "rule": [Nested({"id": r["ID"], "status": r["Status"], "filter": Nested({"prefix": r["Filter"]["Prefix"]}),
                             "transition": [Nested({"days": t["Days"], "storage_class": t["StorageClass"]})
                                            for t in r["Transitions"]]})
                     for r in lifecycle["LifecycleConfiguration"]["Rules"]]}))
    return blocks


@translates("dynamodb.table_stream")
def _table_stream(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    """The table is another configuration's (Terraform changes only what it manages): its stream
    is turned on there (``stream_enabled``) or in the console; read here, checked at plan time."""
    spec = params(plan, "update_table").get("StreamSpecification") or {}
    return [Block("data", ("aws_dynamodb_table", res.id), {
        "name": doc.convert(res.properties["table"]),
        "lifecycle": Nested({"postcondition": Nested({
            "condition": Expr("self.stream_enabled"),
            "error_message": _("Turn on the table's stream first (DynamoDB › Tables › the table › Exports and streams "
                               "› Turn on: {view}), or stream_enabled = true in its own configuration.").format(
                view=spec.get("StreamViewType", "NEW_IMAGE"))})})},
        _("The stream of a table another workshop manages."))]


def _filters(config: dict[str, Any]) -> dict[str, Any]:
    rules = {r["Name"].lower(): r["Value"] for r in ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules", [])}
    return {"filter_prefix": rules.get("prefix"), "filter_suffix": rules.get("suffix")}


@translates("s3.notification")
def _notification(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "put_bucket_notification_configuration")
    config = p["NotificationConfiguration"]
    body: dict[str, Any] = {"bucket": p["Bucket"]}
    for key, block, arn in (("LambdaFunctionConfigurations", "lambda_function", "LambdaFunctionArn"),
                            ("QueueConfigurations", "queue", "QueueArn"), ("TopicConfigurations", "topic", "TopicArn")):
        body[block] = [Nested({k: v for k, v in {"id": c.get("Id"), f"{block}_arn" if block != "lambda_function"
                               else "lambda_function_arn": c[arn], "events": c["Events"], **_filters(c)}.items()
                               if v is not None}) for c in config.get(key, [])]
    body["depends_on"] = doc.needs(res) or None
    return [resource("aws_s3_bucket_notification", res.id, body)]


@translates("ec2.default_vpc")
def _default_vpc(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    return [Block("data", ("aws_vpc", res.id), {"default": True}, _("The account's default VPC (looked up).")),
            Block("data", ("aws_subnets", res.id), {"filter": Nested({
                "name": "vpc-id", "values": [Expr(f"data.aws_vpc.{res.id}.id")]})})]


@translates("ec2.security_group")
def _security_group(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_security_group")
    spec = (p.get("TagSpecifications") or [{}])[0]
    blocks = [resource("aws_security_group", res.id, {
        "name": p["GroupName"], "description": p["Description"], "vpc_id": p.get("VpcId"),
        "tags": tags(spec.get("Tags"))}),
        # AWS gives a new group this rule; Terraform's aws_security_group removes it unless declared
        resource("aws_vpc_security_group_egress_rule", f"{res.id}_all", {
            "security_group_id": Expr(f"aws_security_group.{res.id}.id"), "ip_protocol": "-1",
            "cidr_ipv4": "0.0.0.0/0"})]
    for step in plan:
        if isinstance(step, Call) and step.method == "authorize_security_group_ingress":
            for rule in step.params["IpPermissions"]:
                for pair in rule.get("UserIdGroupPairs", []):
                    blocks.append(resource("aws_vpc_security_group_ingress_rule",
                                           ident(f"{res.id}_{rule['FromPort']}_{len(blocks)}"), {
                        "security_group_id": Expr(f"aws_security_group.{res.id}.id"),
                        "ip_protocol": rule["IpProtocol"], "from_port": rule["FromPort"], "to_port": rule["ToPort"],
                        "referenced_security_group_id": pair["GroupId"]}))
    return blocks


@translates("ec2.vpc_endpoint")
def _vpc_endpoint(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_vpc_endpoint")
    spec = (p.get("TagSpecifications") or [{}])[0]
    return [resource("aws_vpc_endpoint", res.id, {
        "vpc_id": p["VpcId"], "service_name": p["ServiceName"], "vpc_endpoint_type": p.get("VpcEndpointType"),
        "subnet_ids": p.get("SubnetIds"), "security_group_ids": p.get("SecurityGroupIds"),
        "private_dns_enabled": p.get("PrivateDnsEnabled"), "tags": tags(spec.get("Tags"))})]


@translates("rds.db_instance")
def _db(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_db_instance")
    return [resource("aws_db_instance", res.id, {
        "identifier": p["DBInstanceIdentifier"], "engine": p["Engine"], "engine_version": p.get("EngineVersion"),
        "instance_class": p["DBInstanceClass"], "db_name": p.get("DBName"),
        "allocated_storage": p.get("AllocatedStorage"), "storage_type": p.get("StorageType"),
        "multi_az": p.get("MultiAZ"), "username": p["MasterUsername"],
        # the master password stays in Secrets Manager, managed by RDS (never in Terraform's state)
        "manage_master_user_password": p.get("ManageMasterUserPassword"),
        "vpc_security_group_ids": p.get("VpcSecurityGroupIds"), "publicly_accessible": p.get("PubliclyAccessible"),
        "backup_retention_period": p.get("BackupRetentionPeriod"), "copy_tags_to_snapshot": p.get("CopyTagsToSnapshot"),
        "deletion_protection": p.get("DeletionProtection"), "skip_final_snapshot": True,
        "tags": tags(p.get("Tags")), "depends_on": doc.needs(res) or None})]


@translates("mysql.schema")
def _schema(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "invoke")
    payload = p["Payload"].decode() if isinstance(p["Payload"], bytes) else str(p["Payload"])
    return [resource("aws_lambda_invocation", res.id, {
        "function_name": p["FunctionName"], "input": jsonencode(payload),
        "depends_on": doc.needs(res) or None}, comment=_("The tables, created by the admin function (one run).")
                     )]


@translates("cognito.user_pool")
def _user_pool(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_user_pool")
    policy = (p.get("Policies") or {}).get("PasswordPolicy") or {}
    names = {"MinimumLength": "minimum_length", "RequireUppercase": "require_uppercase",
             "RequireLowercase": "require_lowercase", "RequireNumbers": "require_numbers",
             "RequireSymbols": "require_symbols", "TemporaryPasswordValidityDays": "temporary_password_validity_days"}
    admin = p.get("AdminCreateUserConfig") or {}
    username = p.get("UsernameConfiguration") or {}
    return [resource("aws_cognito_user_pool", res.id, {
        "name": p["PoolName"], "deletion_protection": p.get("DeletionProtection"),
        "auto_verified_attributes": p.get("AutoVerifiedAttributes"), "username_attributes": p.get("UsernameAttributes"),
        "password_policy": Nested({tf: policy[aws] for aws, tf in names.items() if aws in policy}) if policy else None,
        "admin_create_user_config": Nested({"allow_admin_create_user_only": admin["AllowAdminCreateUserOnly"]})
        if "AllowAdminCreateUserOnly" in admin else None,
        "username_configuration": Nested({"case_sensitive": username["CaseSensitive"]})
        if "CaseSensitive" in username else None,
        "tags": tags(p.get("UserPoolTags"))})]


@translates("cognito.user_pool_client")
def _client(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_user_pool_client")
    return [resource("aws_cognito_user_pool_client", res.id, {
        "name": p["ClientName"], "user_pool_id": p["UserPoolId"], "generate_secret": p.get("GenerateSecret"),
        "explicit_auth_flows": p.get("ExplicitAuthFlows"),
        "prevent_user_existence_errors": p.get("PreventUserExistenceErrors")})]


@translates("secretsmanager.secret")
def _secret(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p, random = params(plan, "create_secret"), params(plan, "get_random_password")
    blocks = []
    value: Any = p.get("SecretString")
    if random:
        blocks.append(Block("data", ("aws_secretsmanager_random_password", res.id), {
            "password_length": random.get("PasswordLength"), "exclude_characters": random.get("ExcludeCharacters"),
            "require_each_included_type": random.get("RequireEachIncludedType")}))
        value = Expr(f"data.aws_secretsmanager_random_password.{res.id}.random_password")
    blocks.append(resource("aws_secretsmanager_secret", res.id, {
        "name": p["Name"], "description": p.get("Description"), "recovery_window_in_days": 0,
        "tags": tags(p.get("Tags"))}))
    blocks.append(resource("aws_secretsmanager_secret_version", res.id, {
        "secret_id": Expr(f"aws_secretsmanager_secret.{res.id}.id"), "secret_string": value,
        # drawn once: a new random value on every plan would otherwise replace it
        "lifecycle": Nested({"ignore_changes": [Expr("secret_string")]})}))
    return blocks


@translates("cognito.user")
def _user(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "admin_create_user")
    m = REF_RE.fullmatch(str(res.properties.get("password_secret", "")))
    password = Expr(f"aws_secretsmanager_secret_version.{m.group(2)}.secret_string") if m and not m.group(1) else None
    return [resource("aws_cognito_user", res.id, {
        "user_pool_id": p["UserPoolId"], "username": p["Username"], "message_action": p.get("MessageAction"),
        "attributes": {a["Name"]: a["Value"] for a in p.get("UserAttributes") or []} or None,
        "password": password})]
