"""Terraform and CloudFormation forms of the monitoring types (workshop4), from their plans.

cloudwatch.alarm → ``aws_cloudwatch_metric_alarm`` / ``AWS::CloudWatch::Alarm``;
cloudwatch.dashboard → ``aws_cloudwatch_dashboard`` / ``AWS::CloudWatch::Dashboard``;
lambda.tracing → the AWSXRayDaemonWriteAccess attachment (``aws_iam_role_policy_attachment``) and a
note: the tracing mode is a setting of the function, which belongs to the prerequisite's code
(``tracing_config { mode = "Active" }`` / ``TracingConfig: {Mode: Active}`` there).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..i18n import _
from ..resources.base import Step
from ..workshop.model import ResourceSpec
from .export_cloudformation_refs import Template, logical_id
from .export_cloudformation_types import TRANSLATORS as CFN, _one
from .export_hcl import Block, jsonencode
from .export_terraform_types import ADDRESSES, Doc, params, resource, tags, translates

ADDRESSES.update({
    "cloudwatch.alarm": ("aws_cloudwatch_metric_alarm", {"name": "alarm_name", "arn": "arn"}),
    "cloudwatch.dashboard": ("aws_cloudwatch_dashboard", {"name": "dashboard_name"}),
    "lambda.tracing": ("aws_iam_role_policy_attachment", {"role": "role", "function": "id"}),
})


@translates("cloudwatch.alarm")
def _tf_alarm(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "put_metric_alarm")
    return [resource("aws_cloudwatch_metric_alarm", res.id, {
        "alarm_name": p["AlarmName"], "alarm_description": p.get("AlarmDescription") or None,
        "namespace": p["Namespace"], "metric_name": p["MetricName"],
        "dimensions": {d["Name"]: d["Value"] for d in p["Dimensions"]}, "statistic": p["Statistic"],
        "period": p["Period"], "evaluation_periods": p["EvaluationPeriods"], "threshold": p["Threshold"],
        "comparison_operator": p["ComparisonOperator"], "treat_missing_data": p["TreatMissingData"],
        "actions_enabled": p["ActionsEnabled"], "alarm_actions": p["AlarmActions"], "tags": tags(p.get("Tags"))})]


@translates("cloudwatch.dashboard")
def _tf_dashboard(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "put_dashboard")
    return [resource("aws_cloudwatch_dashboard", res.id, {
        "dashboard_name": p["DashboardName"], "dashboard_body": jsonencode(json.loads(p["DashboardBody"]))})]


@translates("lambda.tracing")
def _tf_tracing(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "attach_role_policy")
    function = params(plan, "update_function_configuration").get("FunctionName")
    return [resource("aws_iam_role_policy_attachment", res.id, {"role": p["RoleName"], "policy_arn": p["PolicyArn"]},
                     comment=_("X-Ray: the function {function} needs tracing_config {{ mode = \"Active\" }} in the "
                               "code that creates it (its workshop's export).").format(function=function))]


def _cfn_alarm(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "put_metric_alarm")
    props: dict[str, Any] = {k: v for k, v in p.items() if k not in ("Tags", "AlarmDescription")}
    if p.get("AlarmDescription"):
        props["AlarmDescription"] = p["AlarmDescription"]
    tpl.add(logical_id(res.id), "AWS::CloudWatch::Alarm", {**props, "Tags": tpl.tags()})


def _cfn_dashboard(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = _one(plan, "put_dashboard")
    tpl.add(logical_id(res.id), "AWS::CloudWatch::Dashboard", {"DashboardName": p["DashboardName"],
                                                              "DashboardBody": p["DashboardBody"]})


def _cfn_tracing(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    function = _one(plan, "update_function_configuration").get("FunctionName")
    tpl.notes.append(_("X-Ray: give the function {function} TracingConfig: {{Mode: Active}} in the template that "
                       "creates it, and its role the managed policy AWSXRayDaemonWriteAccess.").format(function=function))


CFN.update({"cloudwatch.alarm": _cfn_alarm, "cloudwatch.dashboard": _cfn_dashboard, "lambda.tracing": _cfn_tracing})
