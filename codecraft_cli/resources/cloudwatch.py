"""CloudWatch alarms and dashboards, and X-Ray active tracing of a function another workshop owns.

YAML::

    - id: errors_alarm
      type: cloudwatch.alarm
      name: UploadFileErrors
      properties:
        function: ${workshop3:upload_file.name}   # AWS/Lambda, dimension FunctionName
        metric: Errors                  # Sum over 60 s, >= 1 on 1 period: one error fires it
        topic: ${alarm_topic.arn}       # the alarm action: SNS publishes the notification

    - id: dashboard
      type: cloudwatch.dashboard
      name: CodeCraftMonitoring
      properties:
        functions: [${workshop3:upload_file.name}, ${workshop2:manage_projects.name}]
        alarms: [${errors_alarm.arn}]

    - id: upload_tracing
      type: lambda.tracing
      properties:
        function: ${workshop3:upload_file.name}
        role: ${workshop3:role.name}    # gets AWSXRayDaemonWriteAccess, as the console adds it

Alarm parameters as PutMetricAlarm takes them (CloudWatch API reference, PutMetricAlarm); the
dashboard body as "Dashboard Body Structure and Syntax" describes it. Tracing: "Lambda needs the
following permissions to send trace data to X-Ray. Add them to your function's execution role"
(Lambda Developer Guide, "Visualize Lambda function invocations using AWS X-Ray"): the managed
policy AWSXRayDaemonWriteAccess; teardown puts the function back to PassThrough and detaches it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .base import Call, Context, Finding, Handler, Observed, Prop, Step, Tagged, TypeInfo, register, tag_list
from .teaching import finding

_GONE = ("ResourceNotFound", "ResourceNotFoundException", "ResourceNotFoundFault")
XRAY_POLICY = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
COMPARISONS = ("GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
               "LessThanOrEqualToThreshold")


@register
class Alarm(Handler):
    info = TypeInfo("cloudwatch.alarm", "cloudwatch", N_("CloudWatch › Alarms"), gone=_GONE, sweep_rank=5)
    schema = {"function": Prop(str, required=True), "metric": Prop(str), "statistic": Prop(str),
              "period": Prop(int), "evaluation_periods": Prop(int), "threshold": Prop((int, float)),
              "comparison": Prop(str, choices=COMPARISONS), "topic": Prop(str, required=True),
              "treat_missing_data": Prop(str, choices=("missing", "ignore", "breaching", "notBreaching")),
              "description": Prop(str)}
    outputs = ("name", "arn")
    # what the monitoring workshop asks: an alarm on the function's Errors that notifies the topic;
    # its name, period and missing-data treatment are the student's
    prescribed = ("metric", "function", "topic")
    permissions = ("cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms",
                   "cloudwatch:TagResource", "cloudwatch:ListTagsForResource")

    def params(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> dict[str, Any]:
        """PutMetricAlarm's parameters, from the properties and their defaults."""
        return {
            "AlarmName": self.name(ctx, res), "AlarmDescription": props.get("description", ""),
            "Namespace": "AWS/Lambda", "MetricName": props.get("metric", "Errors"),
            "Dimensions": [{"Name": "FunctionName", "Value": props["function"]}],
            "Statistic": props.get("statistic", "Sum"), "Period": int(props.get("period", 60)),
            "EvaluationPeriods": int(props.get("evaluation_periods", 1)),
            "Threshold": float(props.get("threshold", 1)),
            "ComparisonOperator": props.get("comparison", "GreaterThanOrEqualToThreshold"),
            "TreatMissingData": props.get("treat_missing_data", "notBreaching"),
            "ActionsEnabled": True, "AlarmActions": [props["topic"]],
        }

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("cloudwatch")
        found = client.describe_alarms(AlarmNames=[self.name(ctx, res)]).get("MetricAlarms", [])
        if not found:
            return Observed(False)
        alarm = found[0]
        keys = ("AlarmDescription", "Namespace", "MetricName", "Dimensions", "Statistic", "Period",
                "EvaluationPeriods", "Threshold", "ComparisonOperator", "TreatMissingData", "ActionsEnabled",
                "AlarmActions")
        attrs = {k: alarm.get(k) for k in keys}
        attrs["AlarmDescription"] = attrs["AlarmDescription"] or ""
        attrs["TreatMissingData"] = attrs["TreatMissingData"] or "missing"
        tags = client.list_tags_for_resource(ResourceARN=alarm["AlarmArn"]).get("Tags", [])
        return Observed(True, {**attrs, "arn": alarm["AlarmArn"], "state": alarm.get("StateValue")},
                        {t["Key"]: t["Value"] for t in tags})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        want = self.params(ctx, res, props)
        if observed.exists and all(observed.attrs.get(k) == v for k, v in want.items() if k != "AlarmName"):
            return []
        # PutMetricAlarm creates or replaces the alarm (its tags only on creation)
        extra = {} if observed.exists else {"Tags": tag_list(ctx.tags)}
        return [Call("cloudwatch", "put_metric_alarm", {**want, **extra}, records=not observed.exists)]

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        want, have = self.params(ctx, res, props), observed.attrs
        name = self.name(ctx, res)
        out: list[Finding | str] = []
        if (have.get("MetricName"), have.get("Namespace")) != (want["MetricName"], want["Namespace"]):
            out.append(finding("metric", _("CloudWatch › Alarms › {alarm} › Edit › Select metric: Lambda › By Function "
                                           "Name › {function} › {metric}").format(
                alarm=name, function=props["function"], metric=want["MetricName"])))
        if have.get("Dimensions") != want["Dimensions"]:
            out.append(finding("function", _("CloudWatch › Alarms › {alarm} › Edit: the metric of the function "
                                             "{function}").format(alarm=name, function=props["function"])))
        if props["topic"] not in (have.get("AlarmActions") or []) or not have.get("ActionsEnabled"):
            out.append(finding("topic", _("CloudWatch › Alarms › {alarm} › Edit › Notification: In alarm → send a "
                                          "notification to the SNS topic {topic}").format(
                alarm=name, topic=str(props["topic"]).rsplit(":", 1)[-1])))
        for key, prop in (("Statistic", "statistic"), ("Period", "period"), ("Threshold", "threshold"),
                          ("ComparisonOperator", "comparison"), ("EvaluationPeriods", "evaluation_periods"),
                          ("TreatMissingData", "treat_missing_data")):
            if have.get(key) != want[key]:
                out.append(finding(prop, _("CloudWatch › Alarms › {alarm} › Edit: {key} {value}").format(
                    alarm=name, key=key, value=want[key]),
                    _("one error in a minute is enough to be told")))
        return out

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("CloudWatch › Alarms › Create alarm: metric Lambda › By Function Name › {function} › {metric}, "
                 "Sum, 1 minute, >= 1; notification to the SNS topic").format(
            function=props["function"], metric=props.get("metric", "Errors"))

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        name = self.name(ctx, res)
        return {"name": name, "arn": f"arn:aws:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:{name}"}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("cloudwatch", "delete_alarms", {"AlarmNames": [record["outputs"]["name"]]}, gone_ok=_GONE)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"name": resource.split(":", 1)[1], "arn": arn} if resource.startswith("alarm:") else None

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        client, out = ctx.client("cloudwatch"), []
        for page in client.get_paginator("describe_alarms").paginate():
            for alarm in page.get("MetricAlarms", []):
                tags = client.list_tags_for_resource(ResourceARN=alarm["AlarmArn"]).get("Tags", [])
                out.append((alarm["AlarmArn"], {t["Key"]: t["Value"] for t in tags},
                            {"name": alarm["AlarmName"], "arn": alarm["AlarmArn"]}))
        return out


def dashboard_body(region: str, functions: list[str], alarms: list[str]) -> dict[str, Any]:
    """Widgets: each function's Invocations and Errors (Sum) and its Duration (Average), then the
    alarms' status ("Dashboard Body Structure and Syntax", CloudWatch API reference)."""
    widgets: list[dict[str, Any]] = []
    for i, function in enumerate(functions):
        for j, (title, metrics, stat) in enumerate((
                ("Invocations / Errors", ["Invocations", "Errors"], "Sum"), ("Duration", ["Duration"], "Average"))):
            widgets.append({"type": "metric", "x": 12 * j, "y": 6 * i, "width": 12, "height": 6, "properties": {
                "title": f"{function} — {title}", "region": region, "stat": stat, "period": 60, "view": "timeSeries",
                "metrics": [["AWS/Lambda", m, "FunctionName", function] for m in metrics]}})
    if alarms:
        widgets.append({"type": "alarm", "x": 0, "y": 6 * len(functions), "width": 24, "height": 3,
                        "properties": {"title": "Alarms", "alarms": alarms}})
    return {"widgets": widgets}


@register
class Dashboard(Handler):
    info = TypeInfo("cloudwatch.dashboard", "cloudwatch", N_("CloudWatch › Dashboards"), gone=_GONE,
                    taggable=False)
    schema = {"functions": Prop(list, required=True), "alarms": Prop(list)}
    outputs = ("name",)
    # a dashboard showing the functions' metrics; its name and layout are the student's
    prescribed = ("functions",)
    permissions = ("cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        got = self.fetch(lambda: ctx.client("cloudwatch").get_dashboard(DashboardName=self.name(ctx, res)))
        if got is None:
            return Observed(False)
        return Observed(True, {"body": json.loads(got.get("DashboardBody") or "{}")})

    def _body(self, ctx: Context, props: Mapping[str, Any]) -> dict[str, Any]:
        return dashboard_body(ctx.region, [str(f) for f in props["functions"]], [str(a) for a in props.get("alarms") or []])

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        body = self._body(ctx, props)
        if observed.exists and observed.attrs.get("body") == body:
            return []
        return [Call("cloudwatch", "put_dashboard", {"DashboardName": self.name(ctx, res),
                                                     "DashboardBody": json.dumps(body)}, records=not observed.exists)]

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        shown = json.dumps(observed.attrs.get("body") or {})
        absent = [f for f in props["functions"] if f'"{f}"' not in shown]
        if not absent:
            return []
        return [finding("functions", _("CloudWatch › Dashboards › {name} › Add widget › Line › Lambda › By Function "
                                       "Name: {functions} (Invocations, Errors, Duration)").format(
            name=self.name(ctx, res), functions=", ".join(absent)))]

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("CloudWatch › Dashboards › Create dashboard {name}: a line widget per function (Lambda › By Function "
                 "Name: Invocations, Errors, Duration)").format(name=self.name(ctx, res))

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": self.name(ctx, res)}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("cloudwatch", "delete_dashboards", {"DashboardNames": [record["outputs"]["name"]]},
                     gone_ok=_GONE)]


@register
class Tracing(Handler):
    info = TypeInfo("lambda.tracing", "lambda", N_("Lambda › Configuration › Monitoring and operations tools"),
                    gone=("ResourceNotFoundException", "NoSuchEntity"), named=False, taggable=False,
                    id_output="function")
    schema = {"function": Prop(str, required=True), "role": Prop(str, required=True)}
    outputs = ("function", "role")
    prescribed = ("*",)  # active tracing is the point of the step
    permissions = ("lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration",
                   "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("X-Ray tracing of {function}").format(function=props.get("function"))

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["function"]):
            return Observed(False, {})
        got = self.fetch(lambda: ctx.client("lambda").get_function_configuration(FunctionName=props["function"]))
        if got is None:
            return Observed(False, {})
        mode = (got.get("TracingConfig") or {}).get("Mode", "PassThrough")
        policies = self.fetch(lambda: ctx.client("iam").list_attached_role_policies(RoleName=props["role"]))
        attached = XRAY_POLICY in [p["PolicyArn"] for p in (policies or {}).get("AttachedPolicies", [])]
        return Observed(mode == "Active", {"mode": mode, "policy": attached})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        calls: list[Step] = []
        if not observed.attrs.get("policy") and not getattr(ctx, "lab_role_arn", None):
            calls.append(Call("iam", "attach_role_policy", {"RoleName": props["role"], "PolicyArn": XRAY_POLICY}))
        if observed.attrs.get("mode") != "Active":
            calls.append(Call("lambda", "update_function_configuration",
                              {"FunctionName": props["function"], "TracingConfig": {"Mode": "Active"}}, records=True))
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        out: list[Finding | str] = []
        if observed.attrs.get("mode") != "Active":
            out.append(self.missing(ctx, res, props))
        if not observed.attrs.get("policy") and not getattr(ctx, "lab_role_arn", None):
            out.append(finding("role", _("IAM › Roles › {role} › Add permissions › Attach policies: "
                                         "AWSXRayDaemonWriteAccess").format(role=props["role"]),
                               _("the function's role must be allowed xray:PutTraceSegments and "
                                 "xray:PutTelemetryRecords")))
        return out

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("Lambda › {function} › Configuration › Monitoring and operations tools › Edit: AWS X-Ray, "
                 "Active tracing on").format(function=props["function"])

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"function": props["function"], "role": props["role"]}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        return [Call("lambda", "update_function_configuration",
                     {"FunctionName": out["function"], "TracingConfig": {"Mode": "PassThrough"}},
                     gone_ok=("ResourceNotFoundException",)),
                Call("iam", "detach_role_policy", {"RoleName": out["role"], "PolicyArn": XRAY_POLICY},
                     gone_ok=("NoSuchEntity",))]
