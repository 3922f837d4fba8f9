"""moto's CloudWatch and X-Ray stores, as the emulator's monitoring reads and writes them.

Lambda publishes a function's AWS/Lambda metrics and its X-Ray segments itself, as the service
(not with the caller's credentials, and in a namespace ``PutMetricData`` refuses to users: the
``AWS/`` prefix is reserved): so these go straight to moto's backends. moto is imported inside
the functions only (rule: importing moto takes seconds).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from .moto_adapter import ACCOUNT_ID


def _cloudwatch(region: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[ACCOUNT_ID][region]


def put_metric_data(region: str, namespace: str, data: list[dict[str, Any]]) -> None:
    """Data points as PutMetricData takes them (MetricName, Dimensions, Value, Unit, Timestamp).
    moto keeps the timestamps of its API's data points as naive UTC: so do these (mixed, its
    GetMetricStatistics fails comparing them)."""
    naive = []
    for datum in data:
        stamp = datum.get("Timestamp")
        if isinstance(stamp, datetime.datetime) and stamp.tzinfo is not None:
            datum = {**datum, "Timestamp": stamp.astimezone(datetime.timezone.utc).replace(tzinfo=None)}
        naive.append(datum)
    _cloudwatch(region).put_metric_data(namespace, naive)


def datapoints(region: str, namespace: str, metric: str, dimensions: list[dict[str, str]],
               since: datetime.datetime) -> list[tuple[datetime.datetime, float]]:
    """(timestamp, value) of every raw data point of a metric since a time, with exactly these dimensions
    (CloudWatch treats each combination of dimensions as a separate metric)."""
    want = sorted((d["Name"], d["Value"]) for d in dimensions)
    out: list[tuple[datetime.datetime, float]] = []
    for datum in list(_cloudwatch(region).metric_data):
        if datum.namespace != namespace or datum.name != metric:
            continue
        if sorted((d.name, d.value) for d in datum.dimensions) != want:
            continue
        stamp = datum.timestamp
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=datetime.timezone.utc)
        if stamp >= since and hasattr(datum, "value"):
            out.append((stamp, float(datum.value)))
    return out


def regions_with_alarms() -> list[str]:
    from moto.cloudwatch.models import cloudwatch_backends

    backends = cloudwatch_backends[ACCOUNT_ID]
    return [region for region in list(backends.keys()) if backends[region].alarms]


def alarms(region: str) -> list[Any]:
    """moto's Alarm objects (name, namespace, metric_name, dimensions, period, statistic...)."""
    return list(_cloudwatch(region).alarms.values())


def set_alarm_state(region: str, name: str, state: str, reason: str, reason_data: dict[str, Any]) -> None:
    _cloudwatch(region).set_alarm_state(name, reason, json.dumps(reason_data), state)


def put_trace_segments(region: str, documents: list[str]) -> None:
    """Segment documents (JSON texts) into moto's X-Ray store, as PutTraceSegments does."""
    from moto.xray.models import xray_backends

    backend = xray_backends[ACCOUNT_ID][region]
    for doc in documents:
        backend.process_segment(doc)


def tracing_mode(region: str, function_arn: str) -> str:
    """The function's TracingConfig mode (Active or PassThrough)."""
    from . import moto_adapter

    fn = moto_adapter.lambda_function_or_none(region, function_arn)
    config = getattr(fn, "tracing_config", None) or {}
    return str(config.get("Mode") or "PassThrough")


def honour_tracing_config() -> None:
    """UpdateFunctionConfiguration's TracingConfig changes the function's tracing mode (Lambda API
    reference, UpdateFunctionConfiguration: "TracingConfig — Set Mode to Active to sample and trace a
    subset of incoming requests with X-Ray"); moto's update ignores it (CreateFunction keeps it)."""
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction.update_configuration

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        tracing = config_updates.get("TracingConfig")
        if isinstance(tracing, dict) and tracing.get("Mode") in ("Active", "PassThrough"):
            self.tracing_config = {"Mode": tracing["Mode"]}
        return original(self, config_updates)

    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]
