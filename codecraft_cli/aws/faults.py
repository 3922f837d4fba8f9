"""Fault injection for tests and drills: ``CODECRAFT_FAULTS="errors=0.2,seed=7"``.

Registered on every client when the variable is set (never otherwise):

- ``errors=P``   answer a share P of calls with HTTP 503 or 500 before they reach the service
                 (botocore's standard retry mode must absorb them);
- ``fail=sqs.CreateQueue``  always fail that operation (a permanent failure);
- ``kill_after=N``  SIGKILL this process right after the N-th call that changes something
                 has returned — before codecraft has written it to the state file: the worst
                 moment for a crash;
- ``seed=S``     make the random choices repeatable.
"""

from __future__ import annotations

import os
import random
import signal
import threading
from typing import Any

READ_ONLY = ("Describe", "Get", "List", "Head", "Scan", "Query", "Receive", "Filter", "Lookup", "Simulate")


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


class Faults:
    def __init__(self, spec: str) -> None:
        values = dict(part.split("=", 1) for part in spec.split(",") if "=" in part)
        self.error_rate = float(values.get("errors", 0))
        self.fail = {name.strip() for name in values.get("fail", "").split("+") if name.strip()}
        self.kill_after = int(values["kill_after"]) if "kill_after" in values else None
        self.random = random.Random(int(values.get("seed", 0)))
        self.changes = 0
        self.injected = 0
        self._lock = threading.Lock()

    def attach(self, client: Any) -> None:
        client.meta.events.register("before-send", self._before_send)
        client.meta.events.register("after-call", self._after_call)

    def _before_send(self, request: Any, **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        # the event is "before-send.<service>.<Operation>"
        parts = str(kwargs.get("event_name", "")).split(".")
        name = f"{parts[1]}.{parts[2]}" if len(parts) >= 3 else ""
        with self._lock:
            if name in self.fail or (self.error_rate and self.random.random() < self.error_rate):
                self.injected += 1
                status = 500 if name in self.fail else self.random.choice((500, 503))
                return AWSResponse(request.url, status, {}, _Raw(b""))
        return None

    def _after_call(self, http_response: Any = None, model: Any = None, **kwargs: Any) -> None:
        if self.kill_after is None or model is None or model.name.startswith(READ_ONLY):
            return
        if http_response is not None and http_response.status_code >= 300:
            return
        with self._lock:
            self.changes += 1
            if self.changes >= self.kill_after:
                os.kill(os.getpid(), signal.SIGKILL)


_FAULTS: Faults | None = None


def from_environment() -> Faults | None:
    """The process's fault plan, if CODECRAFT_FAULTS is set (one plan shared by all clients)."""
    global _FAULTS
    spec = os.environ.get("CODECRAFT_FAULTS")
    if not spec:
        return None
    if _FAULTS is None:
        import atexit
        import sys

        _FAULTS = plan = Faults(spec)
        atexit.register(lambda: print(f"[faults] {plan.injected} injected", file=sys.stderr))
    return _FAULTS
