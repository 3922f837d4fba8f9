"""Log shipping: an invocation's output goes to the function's log group (``/aws/lambda/<name>``),
one log stream per execution environment, between the START/END/REPORT lines Lambda writes.

As on Lambda, the logs are sent with the execution role's permissions ("Sending Lambda function
logs to CloudWatch Logs", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html,
and "Lambda execution role": AWSLambdaBasicExecutionRole grants logs:CreateLogGroup,
logs:CreateLogStream, logs:PutLogEvents): the group is created on the first invocation only when
the role allows ``logs:CreateLogGroup``, and nothing is written without ``logs:CreateLogStream``
and ``logs:PutLogEvents`` on the group's streams. The resources are those of "Actions, resources,
and condition keys for Amazon CloudWatch Logs" (``local/iam/actions.py``).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from ..clients import EmulatorClients
from ..monitoring import Trace
from .bootstrap import LINE_MARK

_CLIENT_CONFIG: dict[str, Any] = {"connect_timeout": 2, "read_timeout": 10,
                                  "retries": {"mode": "standard", "max_attempts": 2}}


def new_stream(tag: str = "") -> str:
    """A log stream's name as Lambda gives it (``2024/05/01/[$LATEST]<id>``)."""
    unique = uuid.uuid4().hex
    return time.strftime("%Y/%m/%d/") + "[$LATEST]" + (f"{tag}-{unique[:8]}" if tag else unique)


def invocation_lines(request_id: str, output: list[str], billed_ms: float, memory_size: int,
                     init_ms: float | None, notice: str | None = None, *,
                     logging: dict[str, str] | None = None, trace: Trace | None = None,
                     status: str = "success") -> list[str]:
    """What Lambda writes for one invocation: START, the output, END and REPORT (text), or the
    ``platform.start`` and ``platform.report`` records when the function's LogFormat is JSON.

    An actively traced invocation's REPORT ends with ``XRAY TraceId: ... SegmentId: ... Sampled:
    true`` on a second line of the same event ("Visualize Lambda function invocations using AWS
    X-Ray", https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html; the JSON records carry
    the Telemetry API's ``tracing`` TraceContext). ``status``: success, error or timeout."""
    if (logging or {}).get("LogFormat") == "JSON":
        return _json_lines(request_id, output, billed_ms, memory_size, init_ms, notice, logging or {}, trace,
                           status)
    lines = [f"START RequestId: {request_id} Version: $LATEST"]
    if notice:
        lines.append(notice)
    # an error and its traceback: one event, its lines joined by "\r" as the Python runtime writes it
    lines += [line.replace(LINE_MARK, "\r") for line in output if line.strip()]
    init = f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else ""
    xray = (f"\t\nXRAY TraceId: {trace.trace_id}\tSegmentId: {trace.parent_id}\tSampled: "
            f"{'true' if trace.sampled else 'false'}\t") if trace is not None else ""
    lines += [f"END RequestId: {request_id}",
              f"REPORT RequestId: {request_id}\tDuration: {billed_ms:.2f} ms\t"
              f"Billed Duration: {int(billed_ms) + 1} ms\tMemory Size: {memory_size} MB{init}{xray}"]
    return lines


# System log levels ("Log-level filtering", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html):
# Lambda sends the system records at the selected level and lower, DEBUG the highest, WARN the
# lowest; platform.start and platform.report are INFO records.
_SYSTEM_RANK = {"DEBUG": 0, "INFO": 1, "WARN": 2}


def _stamp(when: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when)) + f".{int(when * 1000) % 1000:03d}Z"


def _json_lines(request_id: str, output: list[str], duration_ms: float, memory_size: int, init_ms: float | None,
                notice: str | None, logging: dict[str, str], trace: Trace | None, status: str) -> list[str]:
    """The JSON system records ("Lambda Telemetry API" event schema reference,
    https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html: ``{"time", "type",
    "record"}``; platform.start: requestId, version, tracing?; platform.report: requestId, metrics
    (durationMs, billedDurationMs, memorySizeMB, initDurationMs?), tracing?, status) around the
    function's output, as "Configuring JSON and plain text log formats" shows them
    (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html)."""
    import json

    system = _SYSTEM_RANK.get(logging.get("SystemLogLevel") or "INFO", 1) <= _SYSTEM_RANK["INFO"]
    ended = time.time()
    tracing = ({"spanId": trace.parent_id, "type": "X-Amzn-Trace-Id", "value": trace.header}
               if trace is not None else None)
    start: dict[str, object] = {"requestId": request_id, "version": "$LATEST"}
    metrics: dict[str, object] = {"durationMs": round(duration_ms, 3), "billedDurationMs": int(duration_ms) + 1,
                                  "memorySizeMB": memory_size}
    if init_ms is not None:
        metrics["initDurationMs"] = round(init_ms, 3)
    report: dict[str, object] = {"requestId": request_id, "metrics": metrics}
    if tracing:
        start["tracing"] = tracing
        report["tracing"] = tracing
    report["status"] = status
    lines = []
    if system:
        lines.append(json.dumps({"time": _stamp(ended - duration_ms / 1000), "type": "platform.start",
                                 "record": start}, separators=(",", ":")))
    if notice:
        lines.append(notice)
    lines += [line.replace(LINE_MARK, "\r") for line in output if line.strip()]
    if system:
        lines.append(json.dumps({"time": _stamp(ended), "type": "platform.report", "record": report},
                                separators=(",", ":")))
    return lines


def role_allows(role_arn: str, action: str, resource: str) -> bool:
    """Whether the function's execution role allows ``action`` on ``resource`` (its inline and
    attached policies, evaluated as the emulator authorizes the function's own calls)."""
    from .. import moto_adapter
    from ..iam.policy import evaluate

    try:
        role = moto_adapter.iam_role(role_arn) if role_arn else None
        if role is None:
            return False
        return evaluate(moto_adapter.role_policy_documents(role), action, resource).allowed
    except Exception:  # the emulator's own bug must not hide logs AWS would write
        return True


def _group_arn(region: str, group: str) -> str:
    from .. import moto_adapter

    return f"arn:aws:logs:{region}:{moto_adapter.ACCOUNT_ID}:log-group:{group}"


class LogShipper:
    def __init__(self, clients: EmulatorClients) -> None:
        self.clients = clients

    def ship(self, region: str, group: str, stream: str, lines: list[str], role: str | None = None) -> None:
        """Best effort: the function has run; a logging problem must not turn into a failure.

        ``role``: the function's execution role, whose permissions the logs are sent with (None:
        the emulator's own notice, always written)."""
        def allowed(action: str, resource: str) -> bool:
            return role is None or role_allows(role, action, resource)

        arn = _group_arn(region, group)
        if not (allowed("logs:CreateLogStream", f"{arn}:log-stream:{stream}")
                and allowed("logs:PutLogEvents", f"{arn}:log-stream:{stream}")):
            return  # Lambda cannot write them: the function's output is lost, as on AWS
        try:
            client = self.clients.client("logs", region, **_CLIENT_CONFIG)
            now = int(time.time() * 1000)
            events = [{"timestamp": now, "message": line[:200_000]} for line in lines]
            try:
                client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
                return
            except client.exceptions.ResourceNotFoundException:
                pass  # a new environment's stream (or the group was deleted meanwhile)
            # Like Lambda: the group is created when it is missing and the role allows it.
            if not _group_exists(client, group):
                if not allowed("logs:CreateLogGroup", f"{arn}:log-stream:"):
                    return  # no group, and the role may not create it: nothing is written
                try:
                    client.create_log_group(logGroupName=group)
                except client.exceptions.ResourceAlreadyExistsException:
                    pass
            try:
                client.create_log_stream(logGroupName=group, logStreamName=stream)
            except client.exceptions.ResourceAlreadyExistsException:
                pass
            client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        except Exception as exc:
            print(f"codecraft emulator: could not write the logs of {group}: {exc}", flush=True)


def _group_exists(client: Any, group: str) -> bool:
    found = client.describe_log_groups(logGroupNamePrefix=group).get("logGroups", [])
    return any(g.get("logGroupName") == group for g in found)
