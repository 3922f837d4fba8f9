"""Log shipping: an invocation's output goes to the function's log group (``/aws/lambda/<name>``),
one log stream per execution environment, between the START/END/REPORT lines Lambda writes.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from ..clients import EmulatorClients

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
    lines += [line for line in output if line.strip()]
    init = f"\tInit Duration: {init_ms:.2f} ms" if init_ms is not None else ""
    lines += [f"END RequestId: {request_id}",
              f"REPORT RequestId: {request_id}\tDuration: {billed_ms:.2f} ms\t"
              f"Billed Duration: {int(billed_ms) + 1} ms\tMemory Size: {memory_size} MB{init}"]
    return lines


class LogShipper:
    def __init__(self, clients: EmulatorClients) -> None:
        self.clients = clients

    def ship(self, region: str, group: str, stream: str, lines: list[str]) -> None:
        """Best effort: the function has run; a logging problem must not turn into a failure."""
        try:
            client = self.clients.client("logs", region, **_CLIENT_CONFIG)
            now = int(time.time() * 1000)
            events = [{"timestamp": now, "message": line[:200_000]} for line in lines]
            try:
                client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
                return
            except client.exceptions.ResourceNotFoundException:
                pass  # a new environment's stream (or the group was deleted meanwhile)
            # Like Lambda: the group is created when it is missing.
            for create, kwargs in ((client.create_log_group, {}),
                                   (client.create_log_stream, {"logStreamName": stream})):
                try:
                    create(logGroupName=group, **kwargs)
                except client.exceptions.ResourceAlreadyExistsException:
                    pass
            client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        except Exception as exc:
            print(f"codecraft emulator: could not write the logs of {group}: {exc}", flush=True)
