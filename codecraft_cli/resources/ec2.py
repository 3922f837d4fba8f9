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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..aws.retry import DEPENDENCY
from ..errors import AwsFailure
from ..workshop.model import ResourceSpec, as_list, has_unresolved
from .base import (Call, Context, Handler, Observed, Prop, Step, TypeInfo, Var, created, register, tag_list,
                  tags_from_list)
from .pricing import ENDPOINT_PER_AZ_HOUR, price


def _tag_spec(kind: str, tags: Mapping[str, str], name: str | None = None) -> list[dict[str, Any]]:
    items = tag_list(tags)
    if name:
        items.append({"Key": "Name", "Value": name})
    return [{"ResourceType": kind, "Tags": items}]


@register
class DefaultVpc(Handler):
    """A look-up: the account's default VPC and its subnets. Nothing is created or deleted."""

    info = TypeInfo("ec2.default_vpc", "ec2", "VPC › Your VPCs", named=False, taggable=False, lookup=True)
    outputs = ("vpc_id", "subnet_ids", "endpoint_subnets")
    permissions = ("ec2:DescribeVpcs", "ec2:DescribeSubnets")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("ec2")
        vpcs = client.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}]).get("Vpcs", [])
        if not vpcs:
            raise AwsFailure(f"The region {ctx.region} has no default VPC.",
                             hint="Create it with `aws ec2 create-default-vpc`, then rerun.")
        vpc_id = vpcs[0]["VpcId"]
        subnets = client.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                   {"Name": "default-for-az", "Values": ["true"]}]).get("Subnets", [])
        ordered = sorted(subnets, key=lambda s: s["AvailabilityZone"])
        return Observed(True, {"vpc_id": vpc_id, "subnet_ids": [s["SubnetId"] for s in ordered]})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        return []

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        subnets = list(observed.attrs.get("subnet_ids") or [])
        # two availability zones are enough for a class, and each endpoint AZ bills by the hour
        return {"vpc_id": observed.attrs.get("vpc_id"), "subnet_ids": subnets, "endpoint_subnets": subnets[:2]}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return []


def _permissions(ingress: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"IpProtocol": "tcp", "FromPort": int(rule["port"]), "ToPort": int(rule["port"]),
             "UserIdGroupPairs": [{"GroupId": str(rule["from_group"])}]} for rule in ingress]


def _rule_keys(permissions: list[Mapping[str, Any]]) -> set[tuple[int, str]]:
    return {(int(p.get("FromPort", -1)), pair["GroupId"]) for p in permissions
            for pair in p.get("UserIdGroupPairs", [])}


@register
class SecurityGroup(Handler):
    info = TypeInfo("ec2.security_group", "ec2", "VPC › Security groups",
                    gone=("InvalidGroup.NotFound",), sweep_rank=130, arn_service="ec2", id_output="id")
    schema = {"vpc": Prop(str, required=True), "description": Prop(str, required=True), "ingress": Prop(list)}
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


@register
class VpcEndpoint(Handler):
    info = TypeInfo("ec2.vpc_endpoint", "ec2", "VPC › Endpoints",
                    gone=("InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"), sweep_rank=120,
                    arn_service="ec2", named=False, id_output="id")
    schema = {"vpc": Prop(str, required=True), "service": Prop(str, required=True),
              "subnets": Prop((list, str), required=True), "security_groups": Prop(list, required=True)}
    outputs = ("id",)
    permissions = ("ec2:CreateVpcEndpoint", "ec2:DescribeVpcEndpoints", "ec2:DeleteVpcEndpoints", "ec2:CreateTags")

    def _service_name(self, ctx: Context, props: Mapping[str, Any]) -> str:
        return f"com.amazonaws.{ctx.region}.{props['service']}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["vpc"]):
            return Observed(False)
        endpoints = ctx.client("ec2").describe_vpc_endpoints(Filters=[
            {"Name": "vpc-id", "Values": [props["vpc"]]},
            {"Name": "service-name", "Values": [self._service_name(ctx, props)]},
            {"Name": "tag:codecraft:deployment", "Values": [ctx.identity_tags["codecraft:deployment"]]},
        ]).get("VpcEndpoints", [])
        live = [e for e in endpoints if e.get("State", "").lower() not in ("deleted", "deleting")]
        if not live:
            return Observed(False)
        return Observed(True, {"id": live[0]["VpcEndpointId"]}, tags_from_list(live[0].get("Tags")))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        if observed.exists:
            return []
        return [Call("ec2", "create_vpc_endpoint", {
            "VpcEndpointType": "Interface", "VpcId": props["vpc"], "ServiceName": self._service_name(ctx, props),
            "SubnetIds": as_list(props["subnets"]), "SecurityGroupIds": as_list(props["security_groups"]),
            "PrivateDnsEnabled": True,
            "TagSpecifications": _tag_spec("vpc-endpoint", ctx.tags, f"codecraft-{props['service']}"),
        }, output="created", records=True)]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        endpoint_id = created(results, observed, "id", "VpcEndpoint", "VpcEndpointId")
        azs = None if has_unresolved(props["subnets"]) else len(list(props["subnets"]))
        return {"id": endpoint_id, "service": props["service"], "azs": azs}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("ec2", "delete_vpc_endpoints", {"VpcEndpointIds": [record["outputs"]["id"]]},
                     gone_ok=self.info.gone)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"id": resource.split("/", 1)[1]} if resource.startswith("vpc-endpoint/") else None

    def hourly_cost(self, outputs: Mapping[str, Any], region: str) -> tuple[float, str] | None:
        per_az, factor = price(ENDPOINT_PER_AZ_HOUR, region)
        azs = int(outputs.get("azs") or 2)
        return per_az * azs * factor, f"VPC endpoint ({outputs.get('service')}, {azs} AZ)"

    def cost_outputs(self, res: ResourceSpec) -> dict[str, Any]:
        return {"service": res.properties.get("service"), "azs": 2}
