"""Workshop 4's monitoring on the emulator: Lambda's metrics, the alarm evaluator, X-Ray segments.

Expectations from AWS's documentation:
- Lambda Developer Guide, "Types of metrics for Lambda functions": invocation metrics are binary
  indicators per invocation (Errors 1 when the function errs), viewed with Sum; Duration in ms;
  dimension FunctionName; timestamped when the function was invoked.
- CloudWatch User Guide, "Evaluating an alarm" / "Configuring how CloudWatch alarms treat missing
  data": M out of N data points breaching → ALARM; TreatMissingData missing (default) → all missing
  gives INSUFFICIENT_DATA, ignore keeps the state, breaching counts them as breaching,
  notBreaching as good; the notification's subject 'ALARM: "<name>" in <region name>'.
- X-Ray Developer Guide, "Tracing header" and "AWS X-Ray segment documents": trace id
  1-<8 hex epoch>-<24 hex>, header Root=...;Parent=...;Sampled=1; a segment has name, id (16 hex),
  trace_id, start_time, end_time; a subsegment of the function's segment has its parent_id.
"""

from __future__ import annotations

import datetime
import json
import re

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.local import alarms, monitoring

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 29, 20, 10, 30, tzinfo=UTC)


def spec(**kw: object) -> alarms.AlarmSpec:
    base: dict[str, object] = dict(name="a", statistic="Sum", period=60, evaluation_periods=3, threshold=1.0,
                                   comparison="GreaterThanOrEqualToThreshold")
    base.update(kw)
    return alarms.AlarmSpec(**base)  # type: ignore[arg-type]


def at(minutes_ago: int, value: float) -> tuple[datetime.datetime, float]:
    """A data point in the period that started ``minutes_ago`` minutes before the current one."""
    return NOW.replace(second=5) - datetime.timedelta(minutes=minutes_ago), value


# --- metrics ----------------------------------------------------------------------------------

def test_an_error_is_one_errors_datapoint_and_a_success_zero() -> None:
    failed = {d["MetricName"]: d for d in monitoring.metric_data("f", False, 12.5, NOW)}
    ok = {d["MetricName"]: d for d in monitoring.metric_data("f", True, 3.0, NOW)}
    assert set(failed) == {"Invocations", "Errors", "Throttles", "Duration"}
    assert (failed["Errors"]["Value"], ok["Errors"]["Value"]) == (1.0, 0.0)
    assert failed["Invocations"]["Value"] == ok["Invocations"]["Value"] == 1.0
    assert failed["Duration"] == {"MetricName": "Duration", "Dimensions": [{"Name": "FunctionName", "Value": "f"}],
                                  "Value": 12.5, "Unit": "Milliseconds", "Timestamp": NOW}
    assert all(d["Timestamp"] == NOW and d["Dimensions"] == [{"Name": "FunctionName", "Value": "f"}]
               for d in failed.values())


# --- alarm evaluation ---------------------------------------------------------------------------

def test_m_out_of_n_breaching_datapoints_set_alarm() -> None:
    two_of_three = spec(datapoints_to_alarm=2)
    assert alarms.evaluate(two_of_three, [at(2, 1), at(1, 0), at(0, 1)], NOW, "OK").state == "ALARM"
    assert alarms.evaluate(two_of_three, [at(2, 0), at(1, 0), at(0, 1)], NOW, "ALARM").state == "OK"
    # without DatapointsToAlarm, all N must breach
    assert alarms.evaluate(spec(), [at(2, 1), at(1, 0), at(0, 1)], NOW, "OK").state == "OK"
    assert alarms.evaluate(spec(), [at(2, 1), at(1, 2), at(0, 1)], NOW, "OK").state == "ALARM"


def test_the_statistic_is_taken_per_period() -> None:
    points = [at(0, 0.5), at(0, 0.5)]
    one = spec(evaluation_periods=1)
    assert alarms.evaluate(one, points, NOW, "OK").state == "ALARM"  # Sum 1.0 >= 1
    assert alarms.evaluate(spec(evaluation_periods=1, statistic="Average"), points, NOW, "OK").state == "OK"
    assert alarms.evaluate(spec(evaluation_periods=1, statistic="SampleCount", threshold=2.0), points, NOW,
                           "OK").state == "ALARM"
    # a point older than the evaluation range does not count
    assert alarms.evaluate(one, [at(1, 5)], NOW, "OK").state == "INSUFFICIENT_DATA"


@pytest.mark.parametrize("treat,current,want", [
    ("missing", "OK", "INSUFFICIENT_DATA"), (None, "ALARM", "INSUFFICIENT_DATA"), ("ignore", "ALARM", "ALARM"),
    ("ignore", "OK", "OK"), ("breaching", "OK", "ALARM"), ("notBreaching", "ALARM", "OK")])
def test_all_missing_data_follows_treat_missing_data(treat: str | None, current: str, want: str) -> None:
    assert alarms.evaluate(spec(treat_missing_data=treat), [], NOW, current).state == want


def test_missing_points_among_present_ones() -> None:
    # notBreaching: the missing ones are good, 1 of 3 breaching is not 3 of 3
    assert alarms.evaluate(spec(treat_missing_data="notBreaching"), [at(0, 1)], NOW, "OK").state == "OK"
    # breaching: the two missing ones breach with the present one
    assert alarms.evaluate(spec(treat_missing_data="breaching"), [at(0, 1)], NOW, "OK").state == "ALARM"


@pytest.mark.parametrize("comparison,value,breaches", [
    ("GreaterThanOrEqualToThreshold", 1.0, True), ("GreaterThanThreshold", 1.0, False),
    ("LessThanThreshold", 0.0, True), ("LessThanOrEqualToThreshold", 1.0, True), ("LessThanThreshold", 1.0, False)])
def test_comparison_operators(comparison: str, value: float, breaches: bool) -> None:
    outcome = alarms.evaluate(spec(evaluation_periods=1, comparison=comparison), [at(0, value)], NOW, "OK")
    assert outcome.state == ("ALARM" if breaches else "OK")


def test_the_reason_names_the_datapoints_and_threshold() -> None:
    outcome = alarms.evaluate(spec(evaluation_periods=1), [at(0, 1.0)], NOW, "OK")
    assert outcome.reason.startswith("Threshold Crossed: 1 out of the last 1 datapoints [1.0 (29/11/26 20:10:00)]")
    assert "greater than or equal to the threshold (1.0)" in outcome.reason
    assert outcome.data["evaluatedDatapoints"] == [{"timestamp": "2026-11-29T20:10:00.000+0000", "value": 1.0}]


@mock_aws
def test_the_evaluator_fires_the_alarm_and_publishes_cloudwatchs_notification() -> None:
    from codecraft_cli.local import moto_monitoring

    cw = boto3.client("cloudwatch", region_name="us-east-1")
    topic = "arn:aws:sns:us-east-1:123456789012:alerts"
    cw.put_metric_alarm(AlarmName="DemoErrors", Namespace="AWS/Lambda", MetricName="Errors",
                        Dimensions=[{"Name": "FunctionName", "Value": "Demo"}], Statistic="Sum", Period=60,
                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        TreatMissingData="notBreaching", AlarmActions=[topic])
    now = datetime.datetime.now(UTC)
    # another function's error, and the same metric with other dimensions, are other metrics
    moto_monitoring.put_metric_data("us-east-1", "AWS/Lambda", monitoring.metric_data("Other", False, 1, now))
    sent: list[tuple[str, str, str, str]] = []
    evaluator = alarms.AlarmEvaluator(lambda *a: sent.append(a), interval=60)
    evaluator.evaluate_all(now)
    assert cw.describe_alarms()["MetricAlarms"][0]["StateValue"] == "OK"
    assert sent == []  # moto's initial OK → OK: no action
    moto_monitoring.put_metric_data("us-east-1", "AWS/Lambda", monitoring.metric_data("Demo", False, 1, now))
    evaluator.evaluate_all(now)
    alarm = cw.describe_alarms()["MetricAlarms"][0]
    assert alarm["StateValue"] == "ALARM"
    assert json.loads(alarm["StateReasonData"])["recentDatapoints"] == [1.0]
    ((region, arn, subject, message, email),) = sent
    assert (region, arn, subject) == ("us-east-1", topic, 'ALARM: "DemoErrors" in US East (N. Virginia)')
    # an e-mail subscriber reads CloudWatch's text, not the JSON (the message for protocol "email")
    assert email.startswith('You are receiving this email because your Amazon CloudWatch Alarm "DemoErrors" in the '
                            'US East (N. Virginia) region has entered the ALARM state')
    assert "- State Change:               OK -> ALARM" in email
    assert "when the metric is GreaterThanOrEqualToThreshold 1.0 for at least 1 of the last 1 period(s)" in email
    assert "- Dimensions:                 [FunctionName = Demo]" in email
    body = json.loads(message)
    assert (body["AlarmName"], body["NewStateValue"], body["OldStateValue"]) == ("DemoErrors", "ALARM", "OK")
    assert body["Trigger"]["MetricName"] == "Errors"
    assert body["Trigger"]["Dimensions"] == [{"value": "Demo", "name": "FunctionName"}]
    evaluator.evaluate_all(now)  # no change: no second notification
    assert len(sent) == 1
    # GetMetricStatistics reads the data points Lambda published (moto's naive-UTC timestamps)
    stats = cw.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Invocations",
                                     Dimensions=[{"Name": "FunctionName", "Value": "Demo"}],
                                     StartTime=now - datetime.timedelta(minutes=5),
                                     EndTime=now + datetime.timedelta(minutes=1), Period=60, Statistics=["Sum"])
    assert sum(p["Sum"] for p in stats["Datapoints"]) == 1.0


# --- X-Ray ------------------------------------------------------------------------------------

def test_trace_ids_and_headers_have_x_rays_format() -> None:
    trace = monitoring.new_trace(now=0x6B0C8700)
    assert re.fullmatch(r"1-6b0c8700-[0-9a-f]{24}", trace.trace_id)
    assert re.fullmatch(r"[0-9a-f]{16}", trace.parent_id)
    assert trace.header == f"Root={trace.trace_id};Parent={trace.parent_id};Sampled=1"


@mock_aws
def test_lambdas_two_segments_are_stored_and_answered_by_batch_get_traces() -> None:
    from codecraft_cli.local import moto_monitoring

    trace = monitoring.new_trace()
    arn = "arn:aws:lambda:us-east-1:123456789012:function:Demo"
    start = datetime.datetime.now(UTC).timestamp()
    docs = monitoring.segments(trace, arn, "us-east-1", "req-1", start, start + 0.05, "ValueError", cold=True)
    service, function = (json.loads(d) for d in docs)
    assert (service["origin"], function["origin"]) == ("AWS::Lambda", "AWS::Lambda::Function")
    assert function["parent_id"] == service["id"] and function["id"] == trace.parent_id
    assert function["fault"] is True and [s["name"] for s in function["subsegments"]] == ["Initialization", "Invocation"]
    moto_monitoring.put_trace_segments("us-east-1", docs)
    xray = boto3.client("xray", region_name="us-east-1")
    got = xray.batch_get_traces(TraceIds=[trace.trace_id])["Traces"]
    assert [t["Id"] for t in got] == [trace.trace_id]
    assert {json.loads(s["Document"])["origin"] for s in got[0]["Segments"]} == {"AWS::Lambda", "AWS::Lambda::Function"}


# --- the workshop's exports -----------------------------------------------------------------------

def test_workshop4s_cloudformation_template_passes_cfn_lint() -> None:
    from cfnlint.api import ManualArgs, lint

    from codecraft_cli.engine.export_cloudformation import render
    from codecraft_cli.workshop import load_workshop

    files = render(load_workshop("workshop4"))
    template = str(files["template.yaml"])
    assert "AWS::CloudWatch::Alarm" in template and "AWS::CloudWatch::Dashboard" in template
    matches = lint(template, config=ManualArgs(regions=["us-east-1"]))
    assert [f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")] == []


@mock_aws
def test_update_function_configuration_turns_active_tracing_on() -> None:
    """Lambda API reference, UpdateFunctionConfiguration: TracingConfig {Mode: Active}; moto ignored it."""
    import io
    import zipfile

    from moto.awslambda.models import LambdaFunction

    from codecraft_cli.local import moto_monitoring

    original = LambdaFunction.update_configuration
    try:
        moto_monitoring.honour_tracing_config()
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as z:
            z.writestr("app.py", "def h(e, c):\n    return 1\n")
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=role, Handler="app.h",
                               Code={"ZipFile": package.getvalue()})
        assert client.get_function_configuration(FunctionName="f")["TracingConfig"] == {"Mode": "PassThrough"}
        client.update_function_configuration(FunctionName="f", TracingConfig={"Mode": "Active"})
        assert client.get_function_configuration(FunctionName="f")["TracingConfig"] == {"Mode": "Active"}
        assert moto_monitoring.tracing_mode("us-east-1", "f") == "Active"
        client.update_function_configuration(FunctionName="f", TracingConfig={"Mode": "PassThrough"})
        assert moto_monitoring.tracing_mode("us-east-1", "f") == "PassThrough"
    finally:
        LambdaFunction.update_configuration = original  # type: ignore[method-assign]


def test_the_daemon_stores_the_x_ray_sdks_documents() -> None:
    """X-Ray Developer Guide, "Sending segment documents to the X-Ray daemon": a UDP datagram holds
    the header {"format": "json", "version": 1}, a newline, and one document."""
    import socket
    import time

    from codecraft_cli.local import xray

    doc = {"name": "dynamodb", "id": "70de5b6f19ff9a0a", "trace_id": "1-6b0c8adf-0998bb65ea15e39cf1b3e8ba",
           "parent_id": "53995c3f42cd8ad8", "type": "subsegment", "namespace": "aws", "start_time": 1.0,
           "end_time": 1.5}
    assert xray.documents(b'{"format": "json", "version": 1}\n' + json.dumps(doc).encode()) == [json.dumps(doc)]
    assert xray.documents(json.dumps(doc).encode()) == []  # no header: not the daemon protocol
    assert xray.documents(b'{"format": "json", "version": 2}\n{}') == []
    stored: list[list[str]] = []
    daemon = xray.XRayDaemon(stored.append)
    daemon.start()
    try:
        host, port = daemon.address.split(":")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b'not x-ray', (host, int(port)))
            sock.sendto(b'{"format": "json", "version": 1}\n' + json.dumps(doc).encode(), (host, int(port)))
        deadline = time.monotonic() + 5
        while not stored and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        daemon.stop()
    assert [json.loads(d) for d in stored[0]] == [doc]


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.mark.parametrize("is_local,arrives_after,ok", [(True, 5, True), (True, 60, False), (False, 60, True),
                                                        (False, 200, True), (False, 300, False)])
def test_the_metric_check_waits_for_cloudwatch_longer_on_aws(is_local: bool, arrives_after: float, ok: bool) -> None:
    """On AWS Lambda's data points reach CloudWatch per minute: the check waits minutes there, seconds locally."""
    from types import SimpleNamespace

    import codecraft_cli.engine.probes_monitoring  # noqa: F401  registers the check
    from codecraft_cli.engine.probes import PROBES

    timer = _Clock()

    class CloudWatch:
        def get_metric_statistics(self, **kw: object) -> dict[str, object]:
            return {"Datapoints": [{"Sum": 1.0}] if timer.now >= arrives_after else []}

    ctx = SimpleNamespace(is_local=is_local, clock=timer.clock, sleep=timer.sleep, client=lambda s: CloudWatch())
    state = SimpleNamespace(ctx=ctx, outputs={"demo_function": {"name": "Demo"}})
    passed, detail = PROBES["metric"].run(state, {"function": "demo_function", "metric": "Errors"})  # type: ignore[arg-type]
    assert passed is ok, detail
