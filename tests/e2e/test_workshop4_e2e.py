"""End to end: workshop4 (monitoring) on workshop 1-3 on the embedded emulator: AWS/Lambda
metrics counted per invocation, the alarm on Errors fired by a provoked error and mailed through
SNS's e-mail subscription, X-Ray traces of the traced functions; teardown --all leaves nothing.

Expectations: Lambda Developer Guide "Types of metrics for Lambda functions" (Invocations and
Errors per invocation, Sum), CloudWatch "Evaluating an alarm" (1 of 1 data point >= 1 → ALARM,
its SNS action), Lambda "Visualize Lambda function invocations using AWS X-Ray" (AWS::Lambda and
AWS::Lambda::Function segments per invocation of an Active function)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import Cli, aws, leftovers_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def deployed(cli: Cli, emulator: dict[str, Any]) -> dict[str, Any]:
    proc = cli("setup", "workshop4", "--yes", "--json", timeout=900)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def test_setup_turns_tracing_on_and_creates_the_alarm_and_dashboard(cli: Cli, emulator: dict, deployed: dict) -> None:
    lam = aws(emulator, "lambda")
    for name in ("UploadFile", "MonitoringDemo"):
        assert lam.get_function_configuration(FunctionName=name)["TracingConfig"] == {"Mode": "Active"}
    (alarm,) = aws(emulator, "cloudwatch").describe_alarms(AlarmNames=["MonitoringDemoErrors"])["MetricAlarms"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Dimensions"]) == (
        "AWS/Lambda", "Errors", [{"Name": "FunctionName", "Value": "MonitoringDemo"}])
    body = json.loads(aws(emulator, "cloudwatch").get_dashboard(DashboardName="CodeCraftMonitoring")["DashboardBody"])
    assert "UploadFile" in json.dumps(body) and "MonitoringDemo" in json.dumps(body)
    policies = aws(emulator, "iam").list_attached_role_policies(RoleName="UploadFileRole")["AttachedPolicies"]
    assert "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" in [p["PolicyArn"] for p in policies]


def test_a_rerun_changes_nothing(cli: Cli, deployed: dict) -> None:
    assert deployed["created"] == 9
    again = cli.json("setup", "workshop4", "--yes")
    assert (again["created"], again["updated"]) == (0, 0)


def test_verify_passes_metrics_alarm_mail_and_traces(cli: Cli, deployed: dict) -> None:
    report = cli.json("verify", "workshop4", "--grade")
    assert report["passed"] == report["total"], [c for c in report["checks"] if not c["ok"]]
    assert report["score"] == 100.0


def test_inspect_shows_the_metrics_the_alarm_and_the_traces(cli: Cli, emulator: dict, deployed: dict) -> None:
    lam = aws(emulator, "lambda")
    before = cli.json("inspect", "metrics", "MonitoringDemo")["totals"]
    failed = lam.invoke(FunctionName="MonitoringDemo", Payload=b'{"fail": true}')
    assert failed["FunctionError"] == "Unhandled"
    after = cli.json("inspect", "metrics", "MonitoringDemo")["totals"]
    # one invocation, one error: each a data point of 1 (Sum)
    assert (after["invocations"] - before["invocations"], after["errors"] - before["errors"]) == (1.0, 1.0)
    alarms = {a["name"]: a for a in cli.json("inspect", "alarms")["alarms"]}
    assert alarms["MonitoringDemoErrors"]["state"] == "ALARM"
    assert alarms["MonitoringDemoErrors"]["reason"].startswith("Threshold Crossed")
    traces = cli.json("inspect", "traces", "MonitoringDemo")["traces"]
    assert traces and {s["origin"] for s in traces[-1]["segments"]} == {"AWS::Lambda", "AWS::Lambda::Function"}
    assert any(s["fault"] for t in traces for s in t["segments"])  # the provoked error
    # the X-Ray SDK in MonitoringDemo (patch_all) sent its DynamoDB call's subsegment to the daemon
    assert any(s["name"] == "dynamodb" and s["origin"] == "aws" for t in traces for s in t["segments"])
    mail = cli.json("inspect", "mail", "--to", "student@example.com")["messages"]
    alarm_mail = [m for m in mail if m["subject"] == 'ALARM: "MonitoringDemoErrors" in US East (N. Virginia)']
    assert alarm_mail, mail
    # CloudWatch's text for e-mail subscribers, not the JSON other protocols receive
    assert alarm_mail[0]["body"].startswith('You are receiving this email because your Amazon CloudWatch Alarm '
                                            '"MonitoringDemoErrors"'), alarm_mail[0]["body"][:300]


def test_monitoring_demo_logs_json_with_its_trace_on_the_report(cli: Cli, emulator: dict, deployed: dict) -> None:
    """LoggingConfig JSON ("Configuring advanced logging controls for Lambda functions"): the Python
    runtime's JSON records and Lambda's platform.start / platform.report, the latter carrying the
    X-Ray trace context of the traced invocation (Telemetry API schema, TraceContext)."""
    lam = aws(emulator, "lambda")
    config = lam.get_function_configuration(FunctionName="MonitoringDemo")["LoggingConfig"]
    assert config["LogFormat"] == "JSON" and config["LogGroup"] == "/aws/lambda/MonitoringDemo"
    assert lam.invoke(FunctionName="MonitoringDemo", Payload=b"{}")["StatusCode"] == 200
    events = cli.json("inspect", "logs", "MonitoringDemo", "--limit", "50")["events"]
    records = [json.loads(e["message"]) for e in events if e["message"].startswith("{")]
    counted = [r for r in records if r.get("message") == "metadata counted"]
    assert counted and counted[-1]["level"] == "INFO" and "count" in counted[-1] and counted[-1]["requestId"]
    report = [r for r in records if r.get("type") == "platform.report"][-1]["record"]
    assert report["status"] == "success" and report["tracing"]["value"].startswith("Root=1-")


def test_teardown_all_leaves_nothing(cli: Cli, emulator: dict, deployed: dict) -> None:
    done = cli.json("teardown", "--all", "--yes")
    assert done["remaining"] == []
    assert {"workshop1", "workshop2", "workshop3", "workshop4"} <= {d["workshop"] for d in done["deleted"]}
    assert all(not found for found in leftovers_in(emulator).values()), leftovers_in(emulator)
    cw = aws(emulator, "cloudwatch")
    assert cw.describe_alarms()["MetricAlarms"] == []
    assert cw.list_dashboards()["DashboardEntries"] == []
