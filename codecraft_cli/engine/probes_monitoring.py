"""The monitoring checks (workshop4): provoke an invocation, then find its evidence in CloudWatch and X-Ray.

    invoke       invoke the function with ``payload``; ``expect_error: true`` expects a function
                 error (the answer carries X-Amz-Function-Error: Lambda API reference, Invoke)
    metric       the AWS/Lambda ``metric`` of the function has a Sum of at least ``at_least``
                 (default 1) over the last ``minutes`` (default 15), GetMetricStatistics
    alarm_state  the alarm reaches ``state`` within ``wait`` seconds (default 30 on the emulator,
                 which evaluates every few seconds; 360 on AWS, which evaluates once a minute)
    trace        X-Ray holds a trace of the function since the run began (GetTraceSummaries,
                 then BatchGetTraces for the function's segment)

``function`` and ``alarm`` name resources (``workshop3:upload_file``), like the other checks.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from ..i18n import _, ngettext
from .probes import RunState, _output, _poll, probe


def _function(state: RunState, params: Mapping[str, Any]) -> str:
    return _output(state, params, "function", "name", _("the function {name} does not exist"))


def _wait(state: RunState, params: Mapping[str, Any], default: tuple[float, float], attempt: Any) -> tuple[bool, str]:
    """Poll ``attempt`` for ``wait`` seconds, by default (local, AWS): on AWS, Lambda's metrics reach
    CloudWatch per minute and an alarm is evaluated once a minute after them, X-Ray traces within
    about half a minute; the emulator records them at once and evaluates alarms every few seconds."""
    local, remote = default
    return _poll(state, attempt, float(params.get("wait", local if state.ctx.is_local else remote)), 1.0)


@probe("invoke")
def _invoke(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    function = _function(state, params)
    payload = json.dumps(params.get("payload", {})).encode()
    answer = state.ctx.client("lambda").invoke(FunctionName=function, Payload=payload)
    body = answer["Payload"].read().decode(errors="replace")[:200]
    failed = "FunctionError" in answer
    if bool(params.get("expect_error", False)) == failed:
        if failed:
            return True, _("{function} failed as expected: {body}").format(function=function, body=body)
        return True, _("{function} answered: {body}").format(function=function, body=body)
    if failed:
        return False, _("{function} failed: {body}").format(function=function, body=body)
    return False, _("{function} did not fail (expected a function error): {body}").format(function=function, body=body)


def metric_sum(client: Any, function: str, metric: str, minutes: float) -> float:
    """The Sum of an AWS/Lambda metric of the function over the last minutes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    points = client.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName=metric, Dimensions=[{"Name": "FunctionName", "Value": function}],
        StartTime=now - datetime.timedelta(minutes=minutes), EndTime=now + datetime.timedelta(minutes=1),
        Period=60, Statistics=["Sum"]).get("Datapoints", [])
    return float(sum(p.get("Sum", 0.0) for p in points))


@probe("metric")
def _metric(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    function = _function(state, params)
    metric, least = str(params["metric"]), float(params.get("at_least", 1))
    client = state.ctx.client("cloudwatch")

    def attempt() -> tuple[bool, str]:
        total = metric_sum(client, function, metric, float(params.get("minutes", 15)))
        said = _("AWS/Lambda {metric} of {function}: {total:g} in the last {minutes} minutes (expected at least "
                 "{least:g})").format(metric=metric, function=function, total=total,
                                      minutes=params.get("minutes", 15), least=least)
        return total >= least, said

    return _wait(state, params, (10, 240), attempt)


@probe("alarm_state")
def _alarm_state(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    name = _output(state, params, "alarm", "name", _("the alarm {name} does not exist"))
    want = str(params["state"])
    client = state.ctx.client("cloudwatch")

    def attempt() -> tuple[bool, str]:
        found = client.describe_alarms(AlarmNames=[name]).get("MetricAlarms", [])
        if not found:
            return False, _("the alarm {name} does not exist").format(name=name)
        alarm = found[0]
        said = _("the alarm {name} is {state}: {reason}").format(name=name, state=alarm.get("StateValue"),
                                                                 reason=alarm.get("StateReason", ""))
        return alarm.get("StateValue") == want, said

    return _wait(state, params, (30, 360), attempt)


@probe("trace")
def _trace(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    function = _function(state, params)
    client = state.ctx.client("xray")
    since = datetime.datetime.fromtimestamp(state.started_ms / 1000 - 60, datetime.timezone.utc)

    def attempt() -> tuple[bool, str]:
        found = function_traces(client, function, since)
        if found:
            return True, ngettext("X-Ray holds {count} trace of {function}: {trace}",
                                  "X-Ray holds {count} traces of {function}, e.g. {trace}", len(found)).format(
                count=len(found), function=function, trace=found[0])
        return False, _("X-Ray holds no trace of {function} since the run began (Active tracing off, or no "
                        "invocation)").format(function=function)

    return _wait(state, params, (10, 90), attempt)


def function_traces(client: Any, function: str, since: datetime.datetime) -> list[str]:
    """The ids of the traces holding a segment of the function (its name, origin AWS::Lambda*)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    summaries = client.get_trace_summaries(StartTime=since, EndTime=now + datetime.timedelta(minutes=1)).get(
        "TraceSummaries", [])
    ids = [s["Id"] for s in summaries]
    out: list[str] = []
    for start in range(0, len(ids), 5):  # BatchGetTraces takes at most 5 ids
        for trace in client.batch_get_traces(TraceIds=ids[start:start + 5]).get("Traces", []):
            for segment in trace.get("Segments", []):
                doc = json.loads(segment.get("Document") or "{}")
                if doc.get("name") == function and str(doc.get("origin", "")).startswith("AWS::Lambda"):
                    out.append(str(trace["Id"]))
                    break
    return out


__all__ = ["function_traces", "metric_sum"]
