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
from .bootstrap import LINE_MARK

_CLIENT_CONFIG: dict[str, Any] = {"connect_timeout": 2, "read_timeout": 10,
                                  "retries": {"mode": "standard", "max_attempts": 2}}


def new_stream(tag: str = "") -> str:
    """A log stream's name as Lambda gives it (``2024/05/01/[$LATEST]<id>``)."""
    unique = uuid.uuid4().hex
    return time.strftime("%Y/%m/%d/") + "[$LATEST]" + (f"{tag}-{unique[:8]}" if tag else unique)


def invocation_lines(request_id: str, output: list[str], billed_ms: float, memory_size: int,
                     init_ms: float | None, notice: str | None = None) -> list[str]:
    """What Lambda writes for one invocation: START, the output, END and REPORT."""
    lines = [f"START RequestId: {request_id} Version: $LATEST"]
    if notice:
        lines.append(notice)
    # an error and its traceback: one event, its lines joined by "\r" as the Python runtime writes it
    lines += [line.replace(LINE_MARK, "\r") for line in output if line.strip()]
    init = f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else ""
    lines += [f"END RequestId: {request_id}",
              f"REPORT RequestId: {request_id}\tDuration: {billed_ms:.2f} ms\t"
              f"Billed Duration: {int(billed_ms) + 1} ms\tMemory Size: {memory_size} MB{init}"]
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
