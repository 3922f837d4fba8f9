"""Lambda functions and resource-based permissions.

YAML::

    - id: process_order
      type: lambda.function
      name: ProcessOrder
      properties:
        source: process_order          # folder under lambda_src/ (zip built and cached by content)
        handler: app.lambda_handler
        runtime: python3.12
        timeout: 10
        role: ${role.arn}
        environment: {TABLE_NAME: "${orders_table.name}"}
        log_format: JSON               # optional: structured logs (lambda_logging.py)

    - id: invoke_permission            # "API Gateway may invoke this function"
      type: lambda.permission
      properties:
        function: ${process_order.name}
        principal: apigateway.amazonaws.com
        source_arn: ${post_orders.execute_arn}

A new role is not assumable by Lambda for several seconds: ``create_function`` is retried
(``retry=IAM_PROPAGATION``) rather than trusting the ``role_exists`` waiter. Event source mappings
survive ``delete_function``: teardown deletes them first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..aws.errors import if_exists
from ..aws.retry import IAM_PROPAGATION
from ..i18n import N_, _
from ..workshop.model import ResourceSpec, Unresolved, has_unresolved
from .base import Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Wait, created, register
from .lambda_logging import LOG_FORMATS, logging_config, observed_logging
from .base import STUDENT_PREFIX, Text, short

# nodejs20.x: AWS blocks creating it since 2026-06-01 (local/rules/lambda_.py); the variants use nodejs22.x
RUNTIMES = ("python3.12", "python3.13", "nodejs20.x", "nodejs22.x")
_GONE = ("ResourceNotFoundException",)


@register
class Function(Handler):
    # FunctionName (a name, not an ARN): 1-64 of [a-zA-Z0-9-_] (Lambda API reference, CreateFunction)
    info = TypeInfo("lambda.function", "lambda", N_("Lambda › Functions"),
                    gone=_GONE, sweep_rank=10, arn_service="lambda",
                    name_text=Text(r"[a-zA-Z0-9_-]+", 64, N_("letters, digits, hyphens and underscores only"),
                                   reserve=STUDENT_PREFIX))
    schema = {
        "source": Prop(str, required=True),
        "handler": Prop(str, required=True),
        "runtime": Prop(str, choices=RUNTIMES),
        "timeout": Prop(int),
        "memory": Prop(int),
        "role": Prop(str, required=True),
        "environment": Prop(dict),
        "description": Prop(str),
        "vpc": Prop(dict),  # {subnets: [...], security_groups: [...]}: reach RDS in the VPC
        "variants": Prop(dict),  # the same function in another language (workshop/variants.py)
        "log_format": Prop(str, choices=LOG_FORMATS),  # LoggingConfig.LogFormat (lambda_logging.py)
    }
    outputs = ("name", "arn")
    # seed 004: "Créer une nouvelle fonction « ProcessOrder »", "Choisir Python 3.9": the name and the
    # language; seeds 000/003 leave the language open ("Python 3.x ou Node.js"): their YAML says so
    prescribed = ("name", "runtime")
    permissions = ("lambda:CreateFunction", "lambda:GetFunction", "lambda:UpdateFunctionCode",
                   "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction",
                   "lambda:TagResource", "lambda:ListEventSourceMappings",
                   "lambda:DeleteEventSourceMapping", "iam:PassRole")

    def validate(self, res: ResourceSpec) -> list[str]:
        from .lambda_checks import variant_problems

        return super().validate(res) + variant_problems(res.properties.get("variants"))

    def prepare(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> None:
        ctx.artifact(str(props["source"]))

    def _config(self, props: Mapping[str, Any]) -> dict[str, Any]:
        config = {
            "Runtime": props.get("runtime", "python3.12"),
            "Handler": props["handler"],
            "Role": props["role"],
            "Timeout": int(props.get("timeout", 10)),
            "MemorySize": int(props.get("memory", 128)),
            "Environment": {"Variables": {k: str(v) for k, v in (props.get("environment") or {}).items()}},
        }
        if props.get("vpc"):
            config["VpcConfig"] = _vpc_config(props["vpc"])
        return {**config, **logging_config(props)}

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        got = self.fetch(lambda: ctx.client("lambda").get_function(FunctionName=self.name(ctx, res)))
        if got is None:
            return Observed(False)
        conf = got["Configuration"]
        attrs = {
            "arn": conf["FunctionArn"],
            "CodeSha256": conf.get("CodeSha256"),
            "Runtime": conf.get("Runtime"),
            "Handler": conf.get("Handler"),
            "Role": conf.get("Role"),
            "Timeout": conf.get("Timeout"),
            "MemorySize": conf.get("MemorySize"),
            "Environment": {"Variables": (conf.get("Environment") or {}).get("Variables", {})},
            "VpcConfig": {"SubnetIds": sorted((conf.get("VpcConfig") or {}).get("SubnetIds") or []),
                          "SecurityGroupIds": sorted((conf.get("VpcConfig") or {}).get("SecurityGroupIds") or [])},
            "State": conf.get("State"), "LoggingConfig": observed_logging(conf),
        }
        return Observed(True, attrs, dict(got.get("Tags") or {}))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        name = self.name(ctx, res)
        artifact = ctx.artifact(str(props["source"]))
        config = self._config(props)
        if not observed.exists:
            return [
                Call("lambda", "create_function", {
                    "FunctionName": name, **config,
                    "Code": {"ZipFile": artifact.zip_bytes}, "Architectures": ["x86_64"],
                    "Description": str(props.get("description") or f"codecraft: {res.step}"),
                    "Tags": ctx.tags,
                }, output="created", records=True, retry=IAM_PROPAGATION),
                Wait("lambda", "function_active_v2", {"FunctionName": name}),
            ]
        calls: list[Step] = []
        if observed.attrs.get("CodeSha256") != artifact.code_sha256:
            calls += [
                Call("lambda", "update_function_code", {"FunctionName": name, "ZipFile": artifact.zip_bytes}),
                Wait("lambda", "function_updated_v2", {"FunctionName": name}),
            ]
        changed = {k: v for k, v in config.items() if observed.attrs.get(k) != v}
        if "VpcConfig" not in config and (observed.attrs.get("VpcConfig") or {}).get("SubnetIds"):
            changed["VpcConfig"] = _vpc_config(None)  # detach from a VPC the workshop does not use
        if changed:
            calls += [
                Call("lambda", "update_function_configuration", {"FunctionName": name, **changed},
                     retry=IAM_PROPAGATION),
                Wait("lambda", "function_updated_v2", {"FunctionName": name}),
            ]
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """The seed prescribes the name and the runtime's language; by hand, the handler, file,
        role, code and environment variable names are the student's (lambda_checks.py)."""
        from .lambda_checks import function_findings, written_in

        if by_hand and "runtime" not in self.prescribed_for(res):  # "Python 3.x ou Node.js"
            props = written_in(props, observed.attrs.get("Runtime"))
        code_sha = None if by_hand else ctx.artifact(str(props["source"])).code_sha256
        return list(function_findings(ctx, self.name(ctx, res), self._config(props), observed.attrs, by_hand,
                                      code_sha, str(props["source"])))

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        name = self.name(ctx, res)
        return {"name": name, "arn": f"arn:aws:lambda:{ctx.region}:{ctx.account_id}:function:{name}",
                "vpc": bool(props.get("vpc"))}

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        client = ctx.client("lambda")
        name = record["outputs"]["name"]
        # deleted by hand: its event source mappings may still be there
        exists = self.fetch(lambda: client.get_function(FunctionName=name)) is not None
        pages = client.get_paginator("list_event_source_mappings").paginate(FunctionName=name)
        uuids = self.fetch(lambda: [m["UUID"] for page in pages for m in page.get("EventSourceMappings", [])])
        return {"mappings": uuids or [], "gone": not exists}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        gone = self.info.gone
        name = record["outputs"]["name"]
        calls: list[Step] = [Call("lambda", "delete_event_source_mapping", {"UUID": uuid}, gone_ok=gone)
                 for uuid in (found or {}).get("mappings", [])]
        if (found or {}).get("gone"):
            return calls
        if record["outputs"].get("vpc"):
            # Detach the VPC first, so Lambda starts releasing its network interfaces now:
            # the security groups cannot be deleted while those interfaces exist.
            calls += [Call("lambda", "update_function_configuration", {
                "FunctionName": name, "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}, gone_ok=gone),
                Wait("lambda", "function_updated_v2", {"FunctionName": name})]
        calls.append(Call("lambda", "delete_function", {"FunctionName": record["outputs"]["name"]},
                          gone_ok=gone))
        return calls

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        if not resource.startswith("function:"):
            return None
        name = resource.split(":")[1]
        conf = ctx.client("lambda").get_function_configuration(FunctionName=name)
        return {"name": name, "vpc": bool((conf.get("VpcConfig") or {}).get("SubnetIds"))}


def _vpc_config(vpc: Mapping[str, Any] | None) -> dict[str, list[str]]:
    if not vpc:
        return {"SubnetIds": [], "SecurityGroupIds": []}
    def ids(value: Any) -> Any:  # a dry run before the network exists keeps its placeholder
        return value if isinstance(value, Unresolved) else sorted(map(str, value or []))

    return {"SubnetIds": ids(vpc.get("subnets")), "SecurityGroupIds": ids(vpc.get("security_groups"))}


def _statements(client: Any, function: str) -> list[dict[str, Any]]:
    got = if_exists(lambda: client.get_policy(FunctionName=function), _GONE)
    return list(json.loads(got["Policy"]).get("Statement", [])) if got else []


def statement_source_arn(statement: Mapping[str, Any]) -> str | None:
    condition = statement.get("Condition") or {}
    for op in ("ArnLike", "ArnEquals"):
        value = (condition.get(op) or {}).get("AWS:SourceArn")
        if value:
            return str(value)
    return None


def _allows(statement: Mapping[str, Any], principal: str, source_arn: str) -> bool:
    """The statement lets ``principal`` invoke the function from ``source_arn``, whatever its
    form: the console's ``api/*/POST/orders``, a stage named (``api/prod/POST/orders``) or any
    (``api/*/*``, Terraform's ``${execution_arn}/*/*``), no condition at all (Lambda Developer
    Guide, "Granting function access to other AWS services": the SourceArn is optional)."""
    from .teaching import allows_from, source_patterns

    patterns = source_patterns(statement) or []
    arns = {_concrete(source_arn, pattern) for pattern in patterns} or {source_arn}
    return any(allows_from(statement, principal, "lambda:InvokeFunction", arn) for arn in arns)


def _concrete(source_arn: str, pattern: str) -> str:
    """The execute-api ARN of one real request on the route: the stage the pattern names (the
    stage name is the student's), else "prod"; a path parameter as one value."""
    if ":execute-api:" not in source_arn:
        return source_arn
    head, _, rest = source_arn.partition("/")
    parts = rest.split("/")
    named = pattern.partition("/")[2].split("/")[0]
    stage = named if named and not any(c in named for c in "*?") else "prod"
    return head + "/" + "/".join([stage if parts[0] == "*" else parts[0]] +
                                 ["x" if part == "*" else part for part in parts[1:]])


@register
class Permission(Handler):
    info = TypeInfo("lambda.permission", "lambda", N_("Lambda › Configuration › Permissions"), gone=_GONE, named=False,
                    taggable=False)
    schema = {"function": Prop(str, required=True), "principal": Prop(str, required=True),
              "source_arn": Prop(str, required=True), "source_account": Prop(str)}
    outputs = ("id",)
    permissions = ("lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return f"{short(props.get('function'))} ← {props.get('principal', '?')}"

    def _sid(self, res: ResourceSpec) -> str:
        return f"codecraft-{res.id}"

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        statements = _statements(ctx.client("lambda"), str(props["function"]))
        for st in statements:
            if st.get("Sid") == self._sid(res):
                return Observed(True, {"source_arn": statement_source_arn(st)})
        if by_hand:  # added in the console, by Terraform...: any statement id, same effect
            for st in statements:
                if _allows(st, str(props["principal"]), str(props["source_arn"])):
                    return Observed(True, {"source_arn": props["source_arn"]})
        return Observed(False)

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("Lambda › Functions › {function} › Configuration › Permissions › Resource-based policy "
                 "statements › Add permissions: {principal} may invoke it (the console adds it when you pick "
                 "the function in the integration)").format(function=props["function"], principal=props["principal"])

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        function, sid = str(props["function"]), self._sid(res)
        add: dict[str, Any] = {
            "FunctionName": function, "StatementId": sid, "Action": "lambda:InvokeFunction",
            "Principal": props["principal"], "SourceArn": props["source_arn"],
        }
        if props.get("source_account"):
            add["SourceAccount"] = props["source_account"]
        if not observed.exists:
            return [Call("lambda", "add_permission", add, records=True)]
        if observed.attrs.get("source_arn") != props["source_arn"]:
            return [Call("lambda", "remove_permission", {"FunctionName": function, "StatementId": sid}),
                    Call("lambda", "add_permission", add)]
        return []

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": self._sid(res), "function": str(props["function"])}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        return [Call("lambda", "remove_permission",
                     {"FunctionName": out["function"], "StatementId": out["id"]}, gone_ok=self.info.gone)]


@register
class EventSourceMapping(Handler):
    """A trigger: Lambda polls the source (an SQS queue) and invokes the function with batches.

    YAML::

        - id: notifications_trigger
          type: lambda.event_source_mapping
          properties:
            function: ${manage_projects.name}
            source: ${notifications_queue.arn}
            batch_size: 10
    """

    info = TypeInfo("lambda.event_source_mapping", "lambda", N_("Lambda › Configuration › Triggers"), gone=_GONE,
                    named=False, taggable=False, id_output="id")
    schema = {"function": Prop(str, required=True), "source": Prop(str, required=True),
              "batch_size": Prop(int), "enabled": Prop(bool), "report_batch_item_failures": Prop(bool),
              # DynamoDB streams only
              "starting_position": Prop(str, choices=("TRIM_HORIZON", "LATEST")),
              "bisect_on_error": Prop(bool), "max_retry_attempts": Prop(int)}
    outputs = ("id",)
    # workshop2: "Triggers › SQS › ProjectNotificationsQueue": the trigger itself, and that it runs
    prescribed = ("function", "source", "enabled")
    permissions = ("lambda:CreateEventSourceMapping", "lambda:ListEventSourceMappings",
                   "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return f"{short(props.get('source'))} → {short(props.get('function'))}"

    def _want(self, props: Mapping[str, Any]) -> dict[str, Any]:
        want: dict[str, Any] = {"BatchSize": int(props.get("batch_size", 10)),
                                "Enabled": bool(props.get("enabled", True))}
        if "/stream/" in str(props["source"]):
            want.update({"BisectBatchOnFunctionError": bool(props.get("bisect_on_error", True)),
                         "MaximumRetryAttempts": int(props.get("max_retry_attempts", 2))})
        else:
            want["FunctionResponseTypes"] = (["ReportBatchItemFailures"]
                                             if props.get("report_batch_item_failures", True) else [])
        return want

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props):
            return Observed(False)
        got = self.fetch(lambda: ctx.client("lambda").list_event_source_mappings(
            FunctionName=props["function"], EventSourceArn=props["source"]))
        mappings = (got or {}).get("EventSourceMappings", [])
        if not mappings:
            return Observed(False)
        esm = mappings[0]
        return Observed(True, {"id": esm["UUID"], "BatchSize": esm.get("BatchSize"),
                               "Enabled": esm.get("State") in ("Enabled", "Enabling", "Creating"),
                               "FunctionResponseTypes": list(esm.get("FunctionResponseTypes") or []),
                               "BisectBatchOnFunctionError": esm.get("BisectBatchOnFunctionError"),
                               "MaximumRetryAttempts": esm.get("MaximumRetryAttempts")})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        want = self._want(props)
        if not observed.exists:
            extra = {}
            if "/stream/" in str(props["source"]):  # where to start reading: fixed at creation
                extra["StartingPosition"] = props.get("starting_position", "TRIM_HORIZON")
            return [Call("lambda", "create_event_source_mapping", {
                "FunctionName": props["function"], "EventSourceArn": props["source"], **want, **extra},
                output="created", records=True, retry=IAM_PROPAGATION)]
        changed = {k: v for k, v in want.items() if observed.attrs.get(k) != v}
        if changed:
            return [Call("lambda", "update_event_source_mapping", {"UUID": observed.attrs["id"], **changed})]
        return []

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        from .lambda_checks import mapping_findings

        return list(mapping_findings(ctx, str(props["function"]), self._want(props), observed.attrs))

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        kind = "DynamoDB" if "/stream/" in str(props["source"]) else "SQS"
        source = str(props["source"]).split(":")[5].split("/")[0 if kind == "SQS" else 1]
        return _("Lambda › {function} › Add trigger › {kind}: {source}").format(
            function=props["function"], kind=kind, source=source)

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        uuid = created(results, observed, "id", "UUID")
        return {"id": uuid, "function": props["function"], "source": props["source"]}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("lambda", "delete_event_source_mapping", {"UUID": record["outputs"]["id"]},
                     gone_ok=self.info.gone)]
