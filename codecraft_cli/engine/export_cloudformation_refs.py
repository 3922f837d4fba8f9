"""The references of a CloudFormation export: a workshop's ``${resource.attr}`` as ``Ref``,
``Fn::GetAtt`` or ``Fn::Sub`` (see export_cloudformation.py), and the template being built."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..resources import handler_for
from ..resources.base import Observed, Step
from ..workshop.model import REF_RE, ResourceSpec, Workshop
from .narrate import OfflineContext
from .packaging import Artifact

MARK_OPEN, MARK_CLOSE = "\ue010", "\ue011"
_MARK = re.compile(f"{MARK_OPEN}(?:([a-z0-9-]+):)?([A-Za-z_][A-Za-z0-9_]*)\\.([a-z_]+)(?:\\|[^{MARK_CLOSE}]*)?{MARK_CLOSE}")
# what a handler looks for in a value (the source of a trigger: "/stream/" for a DynamoDB stream)
HINTS = {"stream_arn": "|/stream/"}
_PSEUDO = re.compile(r"\$\{AWS::[A-Za-z]+\}")
LIST_ATTRS = ("subnet_ids", "endpoint_subnets")
REGION, ACCOUNT = "${AWS::Region}", "${AWS::AccountId}"

# (type, attr) -> ("Ref",) or ("GetAtt", attribute) or ("Sub", template with {L} = the logical id)
ATTRS: dict[tuple[str, str], tuple[str, ...]] = {
    ("dynamodb.table", "name"): ("Ref",), ("dynamodb.table", "arn"): ("GetAtt", "Arn"),
    ("dynamodb.table", "stream_arn"): ("GetAtt", "StreamArn"),
    ("dynamodb.table_stream", "stream_arn"): ("Ref",),  # a parameter (export_cloudformation_types._table_stream)
    ("sns.topic", "arn"): ("Ref",), ("sns.topic", "name"): ("GetAtt", "TopicName"),
    ("sqs.queue", "arn"): ("GetAtt", "Arn"), ("sqs.queue", "url"): ("Ref",),
    ("sqs.queue", "name"): ("GetAtt", "QueueName"),
    ("logs.log_group", "name"): ("Ref",),
    ("logs.log_group", "arn"): ("Sub", "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${%s}"),
    ("iam.role", "arn"): ("GetAtt", "Arn"), ("iam.role", "name"): ("Ref",),
    ("lambda.function", "arn"): ("GetAtt", "Arn"), ("lambda.function", "name"): ("Ref",),
    ("apigateway.rest_api", "id"): ("Ref",), ("apigateway.rest_api", "root_id"): ("GetAtt", "RootResourceId"),
    ("apigateway.authorizer", "id"): ("Ref",),
    ("s3.bucket", "name"): ("Ref",), ("s3.bucket", "arn"): ("GetAtt", "Arn"),
    ("ec2.security_group", "id"): ("GetAtt", "GroupId"),
    ("rds.db_instance", "address"): ("GetAtt", "Endpoint.Address"),
    ("rds.db_instance", "port"): ("GetAtt", "Endpoint.Port"),
    ("rds.db_instance", "secret_arn"): ("GetAtt", "MasterUserSecret.SecretArn"),
    ("cognito.user_pool", "id"): ("Ref",), ("cognito.user_pool", "arn"): ("GetAtt", "Arn"),
    ("cognito.user_pool_client", "id"): ("Ref",),
    ("secretsmanager.secret", "arn"): ("Ref",),
}


def logical_id(*parts: str) -> str:
    """``orders_table`` -> ``OrdersTable`` (CloudFormation: alphanumeric logical ids)."""
    words = re.split(r"[^A-Za-z0-9]+", " ".join(parts))
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def marker(res: str, attr: str, workshop: str | None = None) -> str:
    return f"{MARK_OPEN}{workshop + ':' if workshop else ''}{res}.{attr}{HINTS.get(attr, '')}{MARK_CLOSE}"


class ExportContext(OfflineContext):
    """The offline context of an export: pseudo parameters for region and account, the student's
    names, codecraft's identity tags (the deployment's id only when the region is known)."""

    def __init__(self, workshop: str, student: str | None, target: str, region: str | None) -> None:
        super().__init__(region=REGION, account_id=ACCOUNT, student=student, is_local=target == "local")
        self.workshop, self.target, self.known_region = workshop, target, region

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base

    @property
    def tags(self) -> dict[str, str]:
        from .identity import DeploymentKey

        if self.known_region:
            return DeploymentKey(self.target, self.known_region, self.workshop, self.student).tags
        return {"codecraft:workshop": self.workshop, "codecraft:student": self.student or "-"}

    @property
    def identity_tags(self) -> dict[str, str]:
        return {"codecraft:deployment": "-", **self.tags}


@dataclass
class Template:
    """The template being built, and what the translators of export_cloudformation_types need."""

    workshop: Workshop
    ctx: ExportContext
    account_id: str | None
    region: str | None
    build: Callable[[str], Artifact]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes | str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    literal_buckets: set[str] = field(default_factory=set)  # buckets named by text (no cycle)

    @property
    def by_id(self) -> dict[str, ResourceSpec]:
        return {r.id: r for r in self.workshop.resources}

    def marked(self, value: Any) -> Any:
        """A resource's properties with each reference as a marker (a list output: a one-marker list)."""
        if isinstance(value, str):
            whole = REF_RE.fullmatch(value)
            if whole and whole.group(3) in LIST_ATTRS:
                return [marker(whole.group(2), whole.group(3), whole.group(1))]
            return REF_RE.sub(lambda m: marker(m.group(2), m.group(3), m.group(1)), value)
        if isinstance(value, Mapping):
            return {k: self.marked(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.marked(v) for v in value]
        return value

    def plan(self, res: ResourceSpec) -> list[Step]:
        observed = Observed(False, {"resources": {}})
        return list(handler_for(res.type).plan(self.ctx, res, self.marked(res.properties), observed))

    def add(self, logical: str, kind: str, props: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"Type": kind, "Properties": self.cfn(dict(props))}
        body.update({k: v for k, v in extra.items() if v})
        self.resources[logical] = body
        return body

    def tags(self, extra: Mapping[str, str] | None = None) -> list[dict[str, str]]:
        return [{"Key": k, "Value": v} for k, v in {**self.ctx.tags, **(extra or {})}.items()]

    # -- references ---------------------------------------------------------------------------
    def intrinsic(self, workshop: str | None, res_id: str, attr: str) -> Any:
        """The CloudFormation expression of ``${[workshop:]res_id.attr}``."""
        if workshop and workshop != self.workshop.id:
            return {"Ref": self.external(workshop, res_id, attr)}
        spec = self.by_id[res_id]
        if spec.type == "ec2.default_vpc":
            return {"Ref": self.vpc_parameter(logical_id(res_id, attr), attr)}
        if spec.type == "s3.bucket" and res_id in self.literal_buckets and attr in ("name", "arn"):
            name = self.bucket_name(spec)
            if attr == "name":
                return name
            if isinstance(name, str):
                return self.cfn(f"arn:aws:s3:::{name}")
            return {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + str(name["Fn::Sub"])}
        how = ATTRS.get((spec.type, attr))
        logical = logical_id(res_id)
        if how is None:  # computed by the handler (an execute-api ARN, an account, a database name)
            outputs = handler_for(spec.type).resolve_outputs(self.ctx, spec, self.marked(spec.properties),
                                                             Observed(False, {"resources": {}}), {})
            return self.cfn(outputs[attr])
        if how[0] == "Ref":
            return {"Ref": logical}
        if how[0] == "GetAtt":
            return {"Fn::GetAtt": [logical, how[1]]}
        return {"Fn::Sub": how[1] % logical}

    def vpc_parameter(self, name: str, attr: str) -> str:
        kinds = {"vpc_id": "AWS::EC2::VPC::Id"}
        self.parameters.setdefault(name, {
            "Type": kinds.get(attr, "List<AWS::EC2::Subnet::Id>"),
            "Description": {"vpc_id": "The VPC (codecraft uses the default VPC)",
                            "subnet_ids": "The subnets of the functions (the default VPC's)",
                            "endpoint_subnets": "The subnets of the VPC endpoints (two of the default VPC's)",
                            }.get(attr, attr)})
        return name

    def external(self, workshop: str, res_id: str, attr: str) -> str:
        """A parameter for a value of a prerequisite's stack (named after its output)."""
        output = logical_id(res_id, attr)
        name = logical_id(workshop) + output
        kind = "List<AWS::EC2::Subnet::Id>" if attr in LIST_ATTRS else "String"
        if attr == "vpc_id":
            kind = "AWS::EC2::VPC::Id"
        self.parameters.setdefault(name, {"Type": kind, "Description": f"Output {output} of the stack of {workshop}"})
        return name

    def bucket_name(self, spec: ResourceSpec) -> Any:
        if self.account_id and self.region:
            from ..resources.s3 import bucket_name

            return bucket_name(self.ctx.physical_name(spec.name or spec.id), self.account_id, self.region,
                               self.ctx.student)
        return {"Fn::Sub": self.ctx.physical_name(spec.name or spec.id) + "-${AWS::AccountId}-${AWS::Region}"}

    def cfn(self, value: Any) -> Any:
        """A plan's value with its markers and pseudo parameters as intrinsic functions."""
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, Mapping):
            if len(value) == 1 and next(iter(value)) in ("Ref", "Fn::Sub", "Fn::GetAtt"):
                return dict(value)  # already an intrinsic function
            return {k: self.cfn(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            if len(value) == 1 and isinstance(value[0], str):
                m = _MARK.fullmatch(value[0])
                if m and m.group(3) in LIST_ATTRS:
                    return self.intrinsic(m.group(1), m.group(2), m.group(3))
            return [self.cfn(v) for v in value]
        return value

    def _text(self, value: str) -> Any:
        whole = _MARK.fullmatch(value)
        if whole:
            return self.intrinsic(whole.group(1), whole.group(2), whole.group(3))
        if _PSEUDO.fullmatch(value):
            return {"Ref": value[2:-1]}
        if not _MARK.search(value) and not _PSEUDO.search(value) and not value.startswith("arn:aws:"):
            return value
        variables: dict[str, Any] = {}

        def one(m: re.Match[str]) -> str:
            expr = self.intrinsic(m.group(1), m.group(2), m.group(3))
            if isinstance(expr, str):
                return expr
            if "Ref" in expr:
                return "${" + str(expr["Ref"]) + "}"
            if "Fn::GetAtt" in expr:
                return "${" + ".".join(expr["Fn::GetAtt"]) + "}"
            if isinstance(expr.get("Fn::Sub"), str):
                return str(expr["Fn::Sub"])
            name = f"V{len(variables)}"
            variables[name] = expr
            return "${" + name + "}"

        text = value.replace("arn:aws:", "arn:${AWS::Partition}:", 1) if value.startswith("arn:aws:") else value
        text = _MARK.sub(one, text)
        return {"Fn::Sub": [text, variables] if variables else text}
