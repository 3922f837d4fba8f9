"""cloudwatch.alarm, cloudwatch.dashboard and lambda.tracing (workshop4): their plans are the API
calls AWS documents, their checks say the console fix.

- PutMetricAlarm (CloudWatch API reference): Namespace AWS/Lambda, MetricName Errors, Dimensions
  [{Name: FunctionName, Value}], Statistic, Period, EvaluationPeriods, Threshold,
  ComparisonOperator, TreatMissingData, AlarmActions (the SNS topic); each request validated
  against botocore's model of the operation.
- Lambda "Visualize Lambda function invocations using AWS X-Ray": the execution role needs
  xray:PutTraceSegments and xray:PutTelemetryRecords (AWSXRayDaemonWriteAccess); tracing is the
  function's TracingConfig {Mode: Active} (UpdateFunctionConfiguration), PassThrough by default.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from botocore.validate import validate_parameters

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed
from codecraft_cli.resources.cloudwatch import XRAY_POLICY
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve

from .fakes import PlanContext

W4 = load_workshop("workshop4")
TOPIC = "arn:aws:sns:eu-west-3:111122223333:MonitoringAlerts"
OUTPUTS = {"alerts": {"arn": TOPIC, "name": "MonitoringAlerts"},
           "demo_function": {"name": "MonitoringDemo"}, "demo_role": {"name": "MonitoringDemoRole"},
           "errors_alarm": {"arn": "arn:aws:cloudwatch:eu-west-3:111122223333:alarm:MonitoringDemoErrors"},
           "workshop3:upload_file": {"name": "UploadFile"}, "workshop3:role": {"name": "UploadFileRole"}}


def props(rid: str) -> dict[str, Any]:
    return dict(resolve(W4.resource(rid).properties, OUTPUTS))


def valid(call: Call) -> None:
    """The request as botocore's model of the operation accepts it (raises otherwise)."""
    model = botocore.session.get_session().get_service_model(call.service)
    name = "".join(part.capitalize() for part in call.method.split("_"))
    name = {"PutMetricAlarm": "PutMetricAlarm"}.get(name, name)
    validate_parameters(dict(call.params), model.operation_model(name).input_shape)


def test_the_alarm_is_put_metric_alarm_on_the_functions_errors_notifying_the_topic() -> None:
    res = W4.resource("errors_alarm")
    (call,) = handler_for(res.type).plan(PlanContext(), res, props("errors_alarm"), Observed(False))
    assert isinstance(call, Call) and (call.service, call.method, call.records) == ("cloudwatch", "put_metric_alarm",
                                                                                   True)
    valid(call)
    p = call.params
    assert (p["AlarmName"], p["Namespace"], p["MetricName"]) == ("MonitoringDemoErrors", "AWS/Lambda", "Errors")
    assert p["Dimensions"] == [{"Name": "FunctionName", "Value": "MonitoringDemo"}]
    assert (p["Statistic"], p["Period"], p["EvaluationPeriods"], p["Threshold"], p["ComparisonOperator"]) == (
        "Sum", 60, 1, 1.0, "GreaterThanOrEqualToThreshold")
    assert p["AlarmActions"] == [TOPIC] and p["ActionsEnabled"] is True
    assert {"Key": "codecraft:workshop", "Value": "anycompany-orders"} in p["Tags"]


def observed_alarm(**changes: Any) -> Observed:
    res = W4.resource("errors_alarm")
    (call,) = handler_for(res.type).plan(PlanContext(), res, props("errors_alarm"), Observed(False))
    attrs = {k: v for k, v in call.params.items() if k not in ("AlarmName", "Tags")}
    attrs.update(changes)
    return Observed(True, attrs, {})


def test_an_alarm_as_planned_needs_nothing_and_passes() -> None:
    res = W4.resource("errors_alarm")
    handler = handler_for(res.type)
    assert handler.plan(PlanContext(), res, props("errors_alarm"), observed_alarm()) == []
    assert handler.check(PlanContext(), res, props("errors_alarm"), observed_alarm()) == []


def test_an_alarm_without_the_topic_fails_and_another_period_is_advice() -> None:
    res = W4.resource("errors_alarm")
    handler = handler_for(res.type)
    (no_topic,) = handler.check(PlanContext(), res, props("errors_alarm"), observed_alarm(AlarmActions=[]))
    assert no_topic.prop == "topic" and "MonitoringAlerts" in no_topic.fix and handler.requires(res, no_topic)
    (period,) = handler.check(PlanContext(), res, props("errors_alarm"), observed_alarm(Period=300))
    assert period.prop == "period" and not handler.requires(res, period)
    (metric,) = handler.check(PlanContext(), res, props("errors_alarm"), observed_alarm(MetricName="Invocations"))
    assert metric.prop == "metric" and handler.requires(res, metric)


def test_tracing_attaches_the_daemon_policy_then_turns_tracing_active() -> None:
    res = W4.resource("upload_tracing")
    handler = handler_for(res.type)
    calls = handler.plan(PlanContext(), res, props("upload_tracing"), Observed(False, {"mode": "PassThrough",
                                                                                        "policy": False}))
    assert [(c.service, c.method, dict(c.params)) for c in calls if isinstance(c, Call)] == [
        ("iam", "attach_role_policy", {"RoleName": "UploadFileRole", "PolicyArn": XRAY_POLICY}),
        ("lambda", "update_function_configuration", {"FunctionName": "UploadFile",
                                                      "TracingConfig": {"Mode": "Active"}})]
    for call in calls:
        assert isinstance(call, Call)
        valid(call)
    assert handler.plan(PlanContext(), res, props("upload_tracing"),
                        Observed(True, {"mode": "Active", "policy": True})) == []
    (missing,) = handler.check(PlanContext(), res, props("upload_tracing"),
                               Observed(False, {"mode": "PassThrough", "policy": True}))
    assert isinstance(missing, str) and "Active tracing" in missing  # a requirement
    record = {"outputs": handler.resolve_outputs(PlanContext(), res, props("upload_tracing"), Observed(True), {})}
    undo = handler.plan_delete(record)
    assert [(c.method, dict(c.params)) for c in undo if isinstance(c, Call)] == [
        ("update_function_configuration", {"FunctionName": "UploadFile", "TracingConfig": {"Mode": "PassThrough"}}),
        ("detach_role_policy", {"RoleName": "UploadFileRole", "PolicyArn": XRAY_POLICY})]


def test_the_dashboard_shows_each_functions_metrics_and_the_alarm() -> None:
    res = W4.resource("monitoring_dashboard")
    handler = handler_for(res.type)
    (call,) = handler.plan(PlanContext(), res, props("monitoring_dashboard"), Observed(False))
    assert isinstance(call, Call)
    valid(call)
    body = json.loads(call.params["DashboardBody"])
    metrics = [m for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]]
    for function in ("UploadFile", "MonitoringDemo"):
        for name in ("Invocations", "Errors", "Duration"):
            assert ["AWS/Lambda", name, "FunctionName", function] in metrics
    assert [w["properties"]["alarms"] for w in body["widgets"] if w["type"] == "alarm"] == [
        [OUTPUTS["errors_alarm"]["arn"]]]
    assert handler.check(PlanContext(), res, props("monitoring_dashboard"), Observed(True, {"body": body})) == []
    (fix,) = handler.check(PlanContext(), res, props("monitoring_dashboard"), Observed(True, {"body": {}}))
    assert "UploadFile, MonitoringDemo" in fix.fix and handler.requires(res, fix)
