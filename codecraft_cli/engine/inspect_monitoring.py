"""``inspect metrics|alarms|traces``: what CloudWatch and X-Ray hold about the functions.

metrics: a function's AWS/Lambda metrics per minute (GetMetricStatistics: Sum of Invocations,
Errors, Throttles; Average and Maximum of Duration). alarms: every metric alarm, its state, reason
and actions (DescribeAlarms). traces: the traces of a function (GetTraceSummaries, BatchGetTraces),
each with its segments (name, origin, duration, fault).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from ..aws.errors import translate
from ..i18n import _
from .inspect import clients
from .settings import Settings

COUNTS = ("Invocations", "Errors", "Throttles")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def metrics(settings: Settings, function: str, minutes: int) -> dict[str, Any]:
    client = clients(settings).client("cloudwatch")
    end, dims = _now() + datetime.timedelta(minutes=1), [{"Name": "FunctionName", "Value": function}]
    start = end - datetime.timedelta(minutes=minutes + 1)
    rows: dict[str, dict[str, Any]] = {}
    totals: dict[str, float] = {}
    try:
        for metric in (*COUNTS, "Duration"):
            stats = ["Average", "Maximum"] if metric == "Duration" else ["Sum"]
            points = client.get_metric_statistics(Namespace="AWS/Lambda", MetricName=metric, Dimensions=dims,
                                                  StartTime=start, EndTime=end, Period=60,
                                                  Statistics=stats).get("Datapoints", [])
            for p in points:
                minute = p["Timestamp"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
                row = rows.setdefault(minute, {"minute": minute})
                if metric == "Duration":
                    row["duration_avg_ms"] = round(p.get("Average", 0.0), 2)
                    row["duration_max_ms"] = round(p.get("Maximum", 0.0), 2)
                else:
                    row[metric.lower()] = p.get("Sum", 0.0)
                    totals[metric.lower()] = totals.get(metric.lower(), 0.0) + p.get("Sum", 0.0)
    except Exception as exc:
        raise translate(exc, _("CloudWatch: reading the metrics of {function}").format(function=function)) from exc
    return {"namespace": "AWS/Lambda", "function": function, "minutes": minutes,
            "totals": {m.lower(): totals.get(m.lower(), 0.0) for m in COUNTS},
            "datapoints": [rows[k] for k in sorted(rows)]}


def alarms(settings: Settings) -> dict[str, Any]:
    client = clients(settings).client("cloudwatch")
    try:
        found = [a for page in client.get_paginator("describe_alarms").paginate() for a in page.get("MetricAlarms", [])]
    except Exception as exc:
        raise translate(exc, _("CloudWatch: reading the alarms")) from exc
    return {"alarms": [{
        "name": a["AlarmName"], "state": a.get("StateValue"), "reason": a.get("StateReason"),
        "metric": f"{a.get('Namespace')} {a.get('MetricName')}",
        "dimensions": {d["Name"]: d["Value"] for d in a.get("Dimensions", [])},
        "condition": f"{a.get('Statistic')} {a.get('ComparisonOperator')} {a.get('Threshold')} "
                     f"({a.get('EvaluationPeriods')} x {a.get('Period')} s)",
        "actions": a.get("AlarmActions", []),
        "updated": str(a.get("StateUpdatedTimestamp", "")),
    } for a in found]}


def traces(settings: Settings, function: str | None, minutes: int, limit: int) -> dict[str, Any]:
    client = clients(settings).client("xray")
    end = _now() + datetime.timedelta(minutes=1)
    try:
        summaries = client.get_trace_summaries(StartTime=end - datetime.timedelta(minutes=minutes + 1),
                                               EndTime=end).get("TraceSummaries", [])
        ids = [s["Id"] for s in summaries]
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), 5):  # BatchGetTraces takes at most 5 ids
            for trace in client.batch_get_traces(TraceIds=ids[start:start + 5]).get("Traces", []):
                segments = [json.loads(s.get("Document") or "{}") for s in trace.get("Segments", [])]
                if function and not any(s.get("name") == function for s in segments):
                    continue
                out.append({"id": trace["Id"], "segments": [{
                    "name": s.get("name"), "origin": s.get("origin") or s.get("namespace"),  # a subsegment: aws, remote
                    "duration_ms": round((float(s.get("end_time") or 0) - float(s.get("start_time") or 0)) * 1000, 2),
                    "fault": bool(s.get("fault")), "subsegments": [x.get("name") for x in s.get("subsegments", [])],
                } for s in sorted(segments, key=lambda s: (float(s.get("start_time") or 0), len(str(s.get("origin")))))]})
    except Exception as exc:
        raise translate(exc, _("X-Ray: reading the traces")) from exc
    out.sort(key=lambda t: t["id"])
    return {"function": function, "minutes": minutes, "count": len(out[-limit:]), "traces": out[-limit:]}
