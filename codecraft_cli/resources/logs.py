"""CloudWatch Logs log groups.

A function's log group is created by codecraft before the function, so that it is tagged,
has a retention period (the default keeps logs forever, and they bill), and is deleted with
the workshop. Lambda re-creates ``/aws/lambda/<name>`` if it is deleted while the function
still runs, so teardown deletes the function first.

YAML::

    - id: logs
      type: logs.log_group
      properties:
        function: ProcessOrder        # -> /aws/lambda/ProcessOrder (student prefix applied)
        retention_days: 7
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec
from .base import Call, Context, Finding, Handler, Observed, Prop, Step, Tagged, TypeInfo, register
from .teaching import finding


@register
class LogGroup(Handler):
    info = TypeInfo("logs.log_group", "logs", N_("CloudWatch › Log groups"),
                    gone=("ResourceNotFoundException",), sweep_rank=90)
    schema = {"function": Prop(str), "retention_days": Prop(int)}
    outputs = ("name", "arn")
    # no seed creates it: Lambda does, on the first run ("CloudWatch Logs : Vérifier les logs Lambda"
    # is an explicit check of the run, not of the group)
    prescribed = ()
    made_by_aws = True
    permissions = ("logs:CreateLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy",
                   "logs:DeleteLogGroup", "logs:TagResource", "logs:ListTagsForResource")

    def name(self, ctx: Context, res: ResourceSpec) -> str:
        found = getattr(ctx, "found", None)
        if found and res.id in found:  # found through the links (engine/discovery)
            return str(found[res.id])
        function = res.properties.get("function")
        if function:
            return "/aws/lambda/" + ctx.physical_name(str(function))
        return super().name(ctx, res)

    def _arn(self, ctx: Context, name: str) -> str:
        return f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{name}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("logs")
        name = self.name(ctx, res)
        groups = client.describe_log_groups(logGroupNamePrefix=name).get("logGroups", [])
        for group in groups:
            if group["logGroupName"] == name:
                tags = client.list_tags_for_resource(resourceArn=self._arn(ctx, name)).get("tags", {})
                return Observed(True, {"retention_days": group.get("retentionInDays")}, dict(tags))
        return Observed(False)

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        name = self.name(ctx, res)
        days = props.get("retention_days", 7)
        calls: list[Step] = []
        if not observed.exists:
            calls.append(Call("logs", "create_log_group", {"logGroupName": name, "tags": ctx.tags},
                              records=True))
        if not observed.exists or observed.attrs.get("retention_days") != days:
            calls.append(Call("logs", "put_retention_policy",
                              {"logGroupName": name, "retentionInDays": days}))
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """Lambda creates the group on the first run, without retention ("Never expire"): that is
        the console's way and it works; a retention period is advice (CloudWatch Logs keeps logs
        for ever by default, and stored logs are billed)."""
        days = props.get("retention_days", 7)
        if observed.attrs.get("retention_days") == days:
            return []
        name = self.name(ctx, res)
        return [finding("retention_days",
                        _("CloudWatch › Log groups › {group} › Actions › Edit retention setting: {days} days").format(
                            group=name, days=days),
                        _("by default logs are kept for ever, and their storage is billed"))]

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        name = self.name(ctx, res)
        return _("CloudWatch › Log groups: {group} appears after the function's first run (its role needs "
                 "logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents)").format(group=name)

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        name = self.name(ctx, res)
        return {"name": name, "arn": self._arn(ctx, name)}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("logs", "delete_log_group", {"logGroupName": record["outputs"]["name"]},
                     gone_ok=self.info.gone)]

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        logs, out = ctx.client("logs"), []
        for page in logs.get_paginator("describe_log_groups").paginate():
            for group in page.get("logGroups", []):
                arn = group["arn"].removesuffix(":*")
                tags = logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
                out.append((arn, dict(tags), {"name": group["logGroupName"]}))
        return out
