"""Networking for functions that reach RDS: the default VPC (looked up, never created or
deleted), security groups, and interface VPC endpoints.

YAML::

    - id: network
      type: ec2.default_vpc

    - id: db_sg
      type: ec2.security_group
      name: ProjetOpenSourceDB-mysql
      properties:
        vpc: ${network.vpc_id}
        description: MySQL from the functions of the workshop only
        ingress: [{port: 3306, from_group: ${lambda_sg.id}}]

    - id: secrets_endpoint
      type: ec2.vpc_endpoint
      properties:
        vpc: ${network.vpc_id}
        service: secretsmanager
        subnets: ${network.endpoint_subnets}
        security_groups: [${endpoint_sg.id}]

A security group still used by the network interfaces Lambda attached to a VPC function
cannot be deleted for many minutes (``DependencyViolation``): its deletion is retried
(``retry=DEPENDENCY``) after the function's VPC configuration has been detached.

An interface endpoint with private DNS is one per service per VPC (a second one is refused:
``InvalidParameter`` "private-dns-enabled cannot be set because there is already a conflicting
DNS domain for ... in the VPC"; AWS PrivateLink guide, "Access an AWS service using an interface
VPC endpoint" › DNS). So a deployment shares the endpoint another deployment (another student,
a teacher's hand-built one) already has there: it adds its security group to it and a
``codecraft:uses:<deployment>`` tag naming the groups it added. Teardown takes its own groups and
tag away, and deletes the endpoint only when no other deployment uses it and codecraft created
it (a hand-built endpoint is never deleted). One still being deleted: the creation waits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..aws.retry import DEPENDENCY, RetryPolicy
from ..errors import AwsFailure
from ..i18n import N_, _
from ..workshop.model import ResourceSpec, as_list, has_unresolved
from .base import (TAG_DEPLOYMENT, TAG_WORKSHOP, Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Var,
                   created, register, tag_list, tags_from_list)
from .base import STUDENT_PREFIX, Text
from .pricing import ENDPOINT_PER_AZ_HOUR, price


def _tag_spec(kind: str, tags: Mapping[str, str], name: str | None = None) -> list[dict[str, Any]]:
    items = tag_list(tags)
    if name:
        items.append({"Key": "Name", "Value": name})
    return [{"ResourceType": kind, "Tags": items}]


# Availability zones (zone ids: the same place in every account) where Lambda cannot attach a
# function to a VPC (Lambda developer guide, "Giving Lambda functions access to resources in an
# Amazon VPC": "Lambda doesn't support running functions in ... use1-az3").
LAMBDA_UNSUPPORTED_AZ_IDS = frozenset({"use1-az3"})


@register
class DefaultVpc(Handler):
    """A look-up: the account's default VPC and its subnets. Nothing is created or deleted.

    ``subnet_ids`` (for functions): the subnets in zones where Lambda runs VPC functions.
    ``endpoint_subnets``: two of those, in zones where every service of ``endpoint_services``
    offers an interface endpoint (``DescribeVpcEndpointServices`` lists each one's zones).
    """

    info = TypeInfo("ec2.default_vpc", "ec2", N_("VPC › Your VPCs"), named=False, taggable=False, lookup=True)
    schema = {"endpoint_services": Prop(list)}
    outputs = ("vpc_id", "subnet_ids", "endpoint_subnets")
    permissions = ("ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeVpcEndpointServices")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("ec2")
        vpcs = client.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}]).get("Vpcs", [])
        if not vpcs:
            raise AwsFailure(_("The region {region} has no default VPC.").format(region=ctx.region),
                             hint=_("Create it with `aws ec2 create-default-vpc`, then rerun."))
        vpc_id = vpcs[0]["VpcId"]
        subnets = client.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                   {"Name": "default-for-az", "Values": ["true"]}]).get("Subnets", [])
        ordered = [s for s in sorted(subnets, key=lambda s: s["AvailabilityZone"])
                   if s.get("AvailabilityZoneId") not in LAMBDA_UNSUPPORTED_AZ_IDS]
        services = [f"com.amazonaws.{ctx.region}.{name}" for name in props.get("endpoint_services") or ()]
        endpoint_subnets = [s["SubnetId"] for s in ordered]
        if services:
            details = client.describe_vpc_endpoint_services(ServiceNames=services).get("ServiceDetails", [])
            zones = [set(d.get("AvailabilityZones") or ()) for d in details if d.get("ServiceName") in services]
            offered = set.intersection(*zones) if len(zones) == len(services) else set()
            endpoint_subnets = [s["SubnetId"] for s in ordered if s["AvailabilityZone"] in offered]
            if not endpoint_subnets:
                raise AwsFailure(_("No subnet of the default VPC {vpc} is in an availability zone where Lambda "
                                   "and the endpoints ({services}) are all offered.").format(
                                     vpc=vpc_id, services=", ".join(services)),
                                 hint=_("Create a default subnet in another zone (`aws ec2 create-default-subnet "
                                        "--availability-zone ...`), or use another region."))
        return Observed(True, {"vpc_id": vpc_id, "subnet_ids": [s["SubnetId"] for s in ordered],
                               "endpoint_subnets": endpoint_subnets})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        return []

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        subnets = list(observed.attrs.get("subnet_ids") or [])
        endpoint = list(observed.attrs.get("endpoint_subnets") or subnets)
        # two availability zones are enough for a class, and each endpoint AZ bills by the hour
        return {"vpc_id": observed.attrs.get("vpc_id"), "subnet_ids": subnets, "endpoint_subnets": endpoint[:2]}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return []


def _permissions(ingress: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"IpProtocol": "tcp", "FromPort": int(rule["port"]), "ToPort": int(rule["port"]),
             "UserIdGroupPairs": [{"GroupId": str(rule["from_group"])}]} for rule in ingress]


def _rule_keys(permissions: list[Mapping[str, Any]]) -> set[tuple[int, str]]:
    return {(int(p.get("FromPort", -1)), pair["GroupId"]) for p in permissions
            for pair in p.get("UserIdGroupPairs", [])}


EC2_TEXT = r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]+"
EC2_SAYS = N_("letters a-z A-Z, digits, spaces, braces and `._-:/()#,@[]+=&;!$*` only (no apostrophe, no "
              "accent)")


@register
class SecurityGroup(Handler):
    # GroupName and GroupDescription: up to 255 characters of a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*
    # (no apostrophe, no accent); a name may not start with sg- (EC2 API reference, CreateSecurityGroup)
    info = TypeInfo("ec2.security_group", "ec2", N_("VPC › Security groups"),
                    gone=("InvalidGroup.NotFound",), sweep_rank=130, arn_service="ec2", id_output="id",
                    name_text=Text(rf"(?!sg-){EC2_TEXT}", 255, EC2_SAYS, reserve=STUDENT_PREFIX))
    schema = {"vpc": Prop(str, required=True), "ingress": Prop(list),
              "description": Prop(str, required=True, text=Text(EC2_TEXT, 255, EC2_SAYS))}
    outputs = ("name", "id")
    permissions = ("ec2:CreateSecurityGroup", "ec2:DescribeSecurityGroups", "ec2:AuthorizeSecurityGroupIngress",
                   "ec2:DeleteSecurityGroup", "ec2:CreateTags")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["vpc"]):
            return Observed(False)
        groups = ctx.client("ec2").describe_security_groups(Filters=[
            {"Name": "group-name", "Values": [self.name(ctx, res)]},
            {"Name": "vpc-id", "Values": [props["vpc"]]}]).get("SecurityGroups", [])
        if not groups:
            return Observed(False)
        group = groups[0]
        return Observed(True, {"id": group["GroupId"], "rules": _rule_keys(group.get("IpPermissions", []))},
                        tags_from_list(group.get("Tags")))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        ingress = list(props.get("ingress") or [])
        calls: list[Step] = []
        group_id: Any = observed.attrs.get("id")
        if not observed.exists:
            calls.append(Call("ec2", "create_security_group", {
                "GroupName": self.name(ctx, res), "Description": props["description"], "VpcId": props["vpc"],
                "TagSpecifications": _tag_spec("security-group", ctx.tags, self.name(ctx, res)),
            }, output="created", records=True))
            group_id = Var("created", ("GroupId",))
        have = observed.attrs.get("rules", set())
        missing = [rule for rule in ingress if (int(rule["port"]), str(rule["from_group"])) not in have]
        if missing:
            calls.append(Call("ec2", "authorize_security_group_ingress",
                              {"GroupId": group_id, "IpPermissions": _permissions(missing)}))
        return calls

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        group_id = created(results, observed, "id", "GroupId")
        return {"name": self.name(ctx, res), "id": group_id}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("ec2", "delete_security_group", {"GroupId": record["outputs"]["id"]},
                     gone_ok=self.info.gone, retry=DEPENDENCY)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"id": resource.split("/", 1)[1]} if resource.startswith("security-group/") else None


USES = "codecraft:uses:"  # + deployment id; value: the security groups that deployment added
_ENDED = ("deleting", "deleted", "rejected", "failed", "expired")
# An endpoint of the same service with private DNS still being deleted blocks the creation
# ("conflicting DNS domain") until it is gone: a minute or two, waited for up to ~10 minutes.
ENDPOINT_DELETING = RetryPolicy("endpoint_deleting", ("InvalidParameter",), "conflicting dns domain", 24, 10.0,
                                30.0, why=N_("VPC: the previous endpoint of this service is still being deleted"))


def _users(tags: Mapping[str, str]) -> dict[str, list[str]]:
    """The deployments using a shared endpoint, each with the security groups it added."""
    return {k[len(USES):]: v.split() for k, v in tags.items() if k.startswith(USES)}


def _groups(endpoint: Mapping[str, Any]) -> list[str]:
    return [g["GroupId"] for g in endpoint.get("Groups") or []]


@register
class VpcEndpoint(Handler):
    info = TypeInfo("ec2.vpc_endpoint", "ec2", N_("VPC › Endpoints"),
                    gone=("InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"), sweep_rank=120,
                    arn_service="ec2", named=False, id_output="id")
    schema = {"vpc": Prop(str, required=True), "service": Prop(str, required=True),
              "subnets": Prop((list, str), required=True), "security_groups": Prop(list, required=True)}
    outputs = ("id",)
    permissions = ("ec2:CreateVpcEndpoint", "ec2:DescribeVpcEndpoints", "ec2:DeleteVpcEndpoints", "ec2:CreateTags",
                   "ec2:DeleteTags", "ec2:ModifyVpcEndpoint")

    def _service_name(self, ctx: Context, props: Mapping[str, Any]) -> str:
        return f"com.amazonaws.{ctx.region}.{props['service']}"

    def serialize_key(self, props: Mapping[str, Any]) -> str | None:
        # one endpoint per service per VPC, shared: deployments of one process (a class) take
        # turns to find it, create it or let it go
        return f"vpc-endpoint:{props.get('service')}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        """This deployment's endpoint; else one it can share (any with private DNS: another
        deployment's, or built by hand — which is what ``verify`` looks for too)."""
        if has_unresolved(props["vpc"]):
            return Observed(False)
        endpoints = ctx.client("ec2").describe_vpc_endpoints(Filters=[
            {"Name": "vpc-id", "Values": [props["vpc"]]},
            {"Name": "service-name", "Values": [self._service_name(ctx, props)]},
        ]).get("VpcEndpoints", [])
        live = [e for e in endpoints if str(e.get("State", "")).lower() not in _ENDED]
        for endpoint in live:
            tags = tags_from_list(endpoint.get("Tags"))
            if tags.get(TAG_DEPLOYMENT) == ctx.identity_tags[TAG_DEPLOYMENT]:
                return Observed(True, self._attrs(endpoint, tags), tags)
        for endpoint in live:
            if endpoint.get("PrivateDnsEnabled"):
                tags = tags_from_list(endpoint.get("Tags"))
                owner = tags.get(TAG_DEPLOYMENT) or "built by hand"
                return Observed(True, {**self._attrs(endpoint, tags), "shared": owner}, None)
        deleting = [e for e in endpoints if str(e.get("State", "")).lower() == "deleting" and e.get("PrivateDnsEnabled")]
        return Observed(False, {"deleting": deleting[0]["VpcEndpointId"]} if deleting else {})

    @staticmethod
    def _attrs(endpoint: Mapping[str, Any], tags: Mapping[str, str]) -> dict[str, Any]:
        return {"id": endpoint["VpcEndpointId"], "groups": _groups(endpoint), "users": _users(tags),
                "private_dns": bool(endpoint.get("PrivateDnsEnabled"))}

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        groups = as_list(props["security_groups"])
        me = USES + ctx.identity_tags[TAG_DEPLOYMENT]
        if not observed.exists:
            tags = _tag_spec("vpc-endpoint", ctx.tags, f"codecraft-{props['service']}")
            tags[0]["Tags"].append({"Key": me, "Value": " ".join(map(str, groups))})
            return [Call("ec2", "create_vpc_endpoint", {
                "VpcEndpointType": "Interface", "VpcId": props["vpc"], "ServiceName": self._service_name(ctx, props),
                "SubnetIds": as_list(props["subnets"]), "SecurityGroupIds": groups,
                "PrivateDnsEnabled": True, "TagSpecifications": tags,
            }, output="created", records=True, retry=ENDPOINT_DELETING if observed.attrs.get("deleting") else None)]
        endpoint_id = observed.attrs["id"]
        missing = [g for g in groups if g not in observed.attrs.get("groups", [])]
        calls: list[Step] = []
        if missing:  # the functions of this deployment reach the endpoint through these groups
            calls.append(Call("ec2", "modify_vpc_endpoint", {"VpcEndpointId": endpoint_id,
                                                             "AddSecurityGroupIds": missing}))
        mine = sorted(set(observed.attrs.get("users", {}).get(me[len(USES):], [])) | set(missing))
        if me[len(USES):] not in observed.attrs.get("users", {}) or missing:
            calls.append(Call("ec2", "create_tags", {"Resources": [endpoint_id], "Tags": [
                {"Key": me, "Value": " ".join(mine)}]}, records=True))
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        problems: list[Finding | str] = []
        if not observed.attrs.get("private_dns"):
            problems.append(_("VPC › Endpoints › {endpoint} › Actions › Modify private DNS name: enable it (the "
                              "functions use the service's usual name)").format(endpoint=observed.attrs.get("id")))
        for group in as_list(props["security_groups"]):
            if group not in observed.attrs.get("groups", []):
                problems.append(_("VPC › Endpoints › {endpoint} › Actions › Manage security groups: add "
                                  "{group}").format(endpoint=observed.attrs.get("id"), group=group))
        return problems

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        endpoint_id = created(results, observed, "id", "VpcEndpoint", "VpcEndpointId")
        azs = None if has_unresolved(props["subnets"]) else len(list(props["subnets"]))
        return {"id": endpoint_id, "service": props["service"], "azs": azs}

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        got = self.fetch(lambda: ctx.client("ec2").describe_vpc_endpoints(
            VpcEndpointIds=[record["outputs"]["id"]]).get("VpcEndpoints", []))
        if not got or str(got[0].get("State", "")).lower() in _ENDED:
            return {"gone": True}
        tags = tags_from_list(got[0].get("Tags"))
        # who lets go: for a sweep, the deployment its tags name; else the deployment tearing down
        me = (record.get("tags") or {}).get(TAG_DEPLOYMENT) or ctx.identity_tags[TAG_DEPLOYMENT]
        return {"me": me, "users": _users(tags), "groups": _groups(got[0]), "codecraft": TAG_WORKSHOP in tags}

    def kept(self, record: Mapping[str, Any], found: Mapping[str, Any]) -> str | None:
        if found.get("gone"):
            return None
        others = sorted(set(found.get("users", {})) - {found.get("me")})
        if others:
            return _("shared: still used by {users}").format(users=", ".join(others))
        return None if found.get("codecraft") else _("built by hand: never deleted by codecraft")

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        endpoint_id = record["outputs"]["id"]
        found = found or {}
        if found.get("gone"):
            return []
        if found and self.kept(record, found):  # let go: our groups and our tag, not the endpoint
            users = dict(found.get("users", {}))
            mine = users.pop(str(found.get("me")), [])
            still = {g for groups in users.values() for g in groups}
            drop = [g for g in mine if g not in still and g in found.get("groups", [])]
            calls: list[Step] = []
            if drop and len(drop) < len(found.get("groups", [])):  # an endpoint keeps at least one group
                calls.append(Call("ec2", "modify_vpc_endpoint", {"VpcEndpointId": endpoint_id,
                                                                 "RemoveSecurityGroupIds": drop}, gone_ok=self.info.gone))
            if str(found.get("me")) in found.get("users", {}):
                calls.append(Call("ec2", "delete_tags", {"Resources": [endpoint_id],
                                                         "Tags": [{"Key": USES + str(found.get("me"))}]},
                                  gone_ok=self.info.gone))
            return calls
        return [Call("ec2", "delete_vpc_endpoints", {"VpcEndpointIds": [endpoint_id]}, gone_ok=self.info.gone)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"id": resource.split("/", 1)[1]} if resource.startswith("vpc-endpoint/") else None

    def exists(self, ctx: Context, outputs: Mapping[str, Any]) -> bool | None:
        return not self.observe_for_delete(ctx, {"outputs": outputs}).get("gone")

    def hourly_cost(self, outputs: Mapping[str, Any], region: str) -> tuple[float, str] | None:
        per_az, factor = price(ENDPOINT_PER_AZ_HOUR, region)
        azs = int(outputs.get("azs") or 2)
        return per_az * azs * factor, _("VPC endpoint ({service}, {azs} AZ)").format(
            service=outputs.get("service"), azs=azs)

    def cost_outputs(self, res: ResourceSpec) -> dict[str, Any]:
        return {"service": res.properties.get("service"), "azs": 2}
