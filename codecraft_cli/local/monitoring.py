"""What Lambda reports about each invocation besides its log: CloudWatch metrics and X-Ray segments.

Metrics (Lambda Developer Guide, "Types of metrics for Lambda functions",
https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html): invocation metrics are
binary indicators sent for each invocation, viewed with the Sum statistic: ``Invocations`` 1,
``Errors`` 1 when the invocation ended in a function error (an exception of the code or of the
runtime: a timeout, an import error), else 0, ``Throttles`` 0 (the emulator never throttles),
``Duration`` in milliseconds. Namespace ``AWS/Lambda``, dimension ``FunctionName``; the
timestamp is when the function was invoked ("the timestamp on an error metric reflects when the
function was invoked, not when the error occurred").

Traces (Lambda Developer Guide, "Visualize Lambda function invocations using AWS X-Ray",
https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html): for a function whose tracing
mode is Active, Lambda records for each invocation a segment for the Lambda service
(origin ``AWS::Lambda``) and one for the function (origin ``AWS::Lambda::Function``), in the
trace whose header the function sees in ``_X_AMZN_TRACE_ID``; the X-Ray SDK in the function adds
its subsegments through the daemon (``xray.py``). Segment documents as in the X-Ray Developer
Guide, "AWS X-Ray segment documents".
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any

NAMESPACE = "AWS/Lambda"


@dataclass(frozen=True)
class Trace:
    """The X-Ray trace of one invocation: its id, the function segment's id, sampled or not."""

    trace_id: str
    parent_id: str
    sampled: bool = True

    @property
    def header(self) -> str:
        """``_X_AMZN_TRACE_ID``: Root=...;Parent=...;Sampled=1 (X-Ray Developer Guide, "Tracing header")."""
        return f"Root={self.trace_id};Parent={self.parent_id};Sampled={1 if self.sampled else 0}"


def new_trace(now: float | None = None) -> Trace:
    """A trace id as X-Ray's: ``1-<8 hex digits of the epoch seconds>-<24 random hex digits>``."""
    stamp = int(now if now is not None else time.time())
    return Trace(f"1-{stamp:08x}-{secrets.token_hex(12)}", secrets.token_hex(8))


def metric_data(function: str, ok: bool, duration_ms: float, when: datetime.datetime) -> list[dict[str, Any]]:
    """The AWS/Lambda data points of one invocation, as PutMetricData takes them."""
    dimensions = [{"Name": "FunctionName", "Value": function}]
    return [
        {"MetricName": "Invocations", "Dimensions": dimensions, "Value": 1.0, "Unit": "Count", "Timestamp": when},
        {"MetricName": "Errors", "Dimensions": dimensions, "Value": 0.0 if ok else 1.0, "Unit": "Count",
         "Timestamp": when},
        {"MetricName": "Throttles", "Dimensions": dimensions, "Value": 0.0, "Unit": "Count", "Timestamp": when},
        {"MetricName": "Duration", "Dimensions": dimensions, "Value": round(duration_ms, 2),
         "Unit": "Milliseconds", "Timestamp": when},
    ]


def segments(trace: Trace, function_arn: str, region: str, request_id: str, started: float, ended: float,
             error_type: str | None, cold: bool) -> list[str]:
    """Lambda's two segments of one invocation (service, then function), as JSON documents."""
    name = function_arn.split(":")[6] if function_arn.count(":") >= 6 else function_arn
    service_id = secrets.token_hex(8)
    service: dict[str, Any] = {
        "name": name, "id": service_id, "trace_id": trace.trace_id, "start_time": started, "end_time": ended,
        "origin": "AWS::Lambda", "resource_arn": function_arn,
        "aws": {"request_id": request_id}, "http": {"response": {"status": 200}},
    }
    function: dict[str, Any] = {
        "name": name, "id": trace.parent_id, "trace_id": trace.trace_id, "parent_id": service_id,
        "start_time": started, "end_time": ended, "origin": "AWS::Lambda::Function", "resource_arn": function_arn,
        "aws": {"account_id": function_arn.split(":")[4] if function_arn.count(":") >= 4 else "",
                "function_arn": function_arn, "resource_names": [name], "region": region},
        "subsegments": [{"id": secrets.token_hex(8), "name": "Invocation", "start_time": started,
                         "end_time": ended}],
    }
    if cold:
        function["subsegments"].insert(0, {"id": secrets.token_hex(8), "name": "Initialization",
                                           "start_time": started, "end_time": started})
    if error_type:
        function["fault"] = True
        function["cause"] = {"exceptions": [{"id": secrets.token_hex(8), "type": error_type}]}
    return [json.dumps(service), json.dumps(function)]


class Monitoring:
    """Called by the runner after each invocation; never fails the invocation."""

    def __init__(self) -> None:
        self.enabled = os.environ.get("CODECRAFT_LAMBDA_METRICS", "1") != "0"

    def trace_for(self, region: str, function_arn: str) -> Trace | None:
        """A new trace for an invocation of a function traced Active, else None."""
        from . import moto_monitoring

        try:
            return new_trace() if moto_monitoring.tracing_mode(region, function_arn) == "Active" else None
        except Exception:  # the function is gone: no trace
            return None

    def invoked(self, region: str, function: str, function_arn: str, request_id: str, ok: bool,
                error_type: str | None, started: float, duration_ms: float, trace: Trace | None,
                cold: bool) -> None:
        if not self.enabled:
            return
        from . import moto_monitoring

        when = datetime.datetime.fromtimestamp(started, datetime.timezone.utc)
        try:
            moto_monitoring.put_metric_data(region, NAMESPACE, metric_data(function, ok, duration_ms, when))
            if trace is not None:
                moto_monitoring.put_trace_segments(region, segments(
                    trace, function_arn, region, request_id, started, started + duration_ms / 1000, error_type, cold))
        except Exception as exc:  # monitoring never breaks an invocation
            print(f"codecraft emulator: monitoring of {function} failed: {exc}", flush=True)
