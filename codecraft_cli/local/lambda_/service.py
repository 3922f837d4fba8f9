"""Invoke deployed Lambda code for real, in execution environments kept warm, the way Lambda does.

One invocation: the function's configuration as deployed now (``function.py``) → an execution
environment from the pool (``pool.py``; a new one is started from the unpacked package,
``package.py``, ``environment.py``) → the event in, the answer and the output out → the output
shipped to the function's log group (``logs.py``) → the result in Lambda's shapes.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clients import EmulatorClients
from ..iam.credentials import function_credentials
from ..monitoring import Monitoring
from .environment import ExecutionEnvironment, Status
from .function import FunctionConfig, FunctionNotFound, find_function
from .logs import LogShipper, invocation_lines, new_stream
from .package import Packages, fallback_notice
from .pool import EnvironmentPool

_INIT_ALLOWANCE = 10.0  # Lambda gives the init phase (imports) its own 10 s
_GRACE = 2.0  # a warm environment's backstop beyond the function's timeout
_DISCARDED = ("Sandbox.Timedout", "Runtime.ImportModuleError")  # errors that end the environment


@dataclass
class Invocation:
    ok: bool
    payload: Any = None  # the handler's return value (ok) or the error document
    error_type: str | None = None
    logs: list[str] = field(default_factory=list)
    duration_ms: float = 0.0

    @property
    def payload_bytes(self) -> bytes:
        if self.ok:
            return json.dumps(self.payload).encode()
        return json.dumps({k: v for k, v in self.payload.items() if k != "ok"}).encode()


class LambdaRunner:
    def __init__(self, clients: EmulatorClients, work_dir: Path, default_region: str = "us-east-1") -> None:
        self.clients = clients
        self.default_region = default_region
        self.packages = Packages(work_dir)
        self.logs = LogShipper(clients)
        self.pool = EnvironmentPool(self._start, self._exists)
        self.monitoring = Monitoring()  # AWS/Lambda metrics and X-Ray segments of each invocation

    def function(self, ref: str) -> FunctionConfig:
        """The function a name or ARN refers to (FunctionNotFound if there is none)."""
        return find_function(ref, self.default_region)

    def _exists(self, arn: str) -> bool:
        try:
            self.function(arn)
        except FunctionNotFound:
            return False
        return True

    def _start(self, fn: FunctionConfig) -> ExecutionEnvironment:
        """A new environment, with the role's session (RoleNotAssumable: Lambda cannot assume it)."""
        credentials = function_credentials(fn.role, fn.name, fn.region)
        code_dir, fallbacks = self.packages.code_dir(fn)
        return ExecutionEnvironment(fn, self.clients.endpoint, code_dir, self.packages.runtime_path(fallbacks),
                                    fallbacks, credentials)

    def invoke(self, ref: str, event: Any) -> Invocation:
        fn = self.function(ref)
        request_id = str(uuid.uuid4())
        trace = self.monitoring.trace_for(fn.region, fn.arn)
        message = json.dumps({"id": request_id, "event": event, "trace": trace.header if trace else None},
                             default=_event_default)
        invoked_at, started = time.time(), time.perf_counter()
        env = self.pool.checkout(fn)
        cold = env.invocations == 0
        keep = False
        try:
            # the function's own timer ends it; this wait is the backstop (imports get Lambda's
            # 10 s init allowance on a cold start)
            logs, result = env.invoke(request_id, message, fn.timeout + (_INIT_ALLOWANCE if cold else _GRACE))
            keep = result is not None and result.get("errorType") not in _DISCARDED
        finally:
            self.pool.checkin(env, keep)
        duration = (time.perf_counter() - started) * 1000
        if result is None:
            result = _no_answer(env, request_id, fn.timeout)
            logs.append(result["errorMessage"])
        lines = invocation_lines(request_id, logs, float(result.get("duration_ms") or duration), fn.memory_size,
                                 result.get("init_ms"), fallback_notice(env.fallbacks) if env.fallbacks and cold else None,
                                 logging=fn.logging, trace=trace, status=_status(result))
        self.logs.ship(fn.region, fn.log_group, env.stream, lines, role=fn.role)  # with the role's rights
        self.monitoring.invoked(fn.region, fn.name, fn.arn, request_id, bool(result.get("ok")),
                                None if result.get("ok") else str(result.get("errorType")), invoked_at,
                                float(result.get("duration_ms") or duration), trace, cold)
        if result.get("ok"):
            return Invocation(True, result.get("result"), None, lines, duration)
        error = {k: v for k, v in result.items() if k not in ("id", "duration_ms", "init_ms")}
        return Invocation(False, error, str(result.get("errorType")), lines, duration)

    def log(self, ref: str, message: str) -> None:
        """A line in the function's log group, from the emulator (retries, skipped events)."""
        fn = self.function(ref)
        self.logs.ship(fn.region, fn.log_group, new_stream("codecraft"), [message])

    def close(self) -> None:
        """End every environment (the emulator is stopping)."""
        self.pool.close()


def _no_answer(env: ExecutionEnvironment, request_id: str, timeout: float) -> dict[str, Any]:
    """The error of an invocation the environment did not answer: timed out, or the process exited."""
    if env.status is Status.TIMED_OUT:
        message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        return {"ok": False, "errorType": "Sandbox.Timedout", "errorMessage": message}
    code = env.exit_code()
    return {"ok": False, "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                            + (f"exit status {code}" if code is not None else "no answer")}


def _status(result: dict[str, Any]) -> str:
    """platform.report's status (Telemetry API: success, error, timeout)."""
    return "success" if result.get("ok") else "timeout" if result.get("errorType") == "Sandbox.Timedout" else "error"


def _event_default(value: Any) -> Any:
    """Binary values (SQS binary attributes, DynamoDB B) travel base64-encoded, as in Lambda."""
    import base64

    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if hasattr(value, "timestamp"):
        return int(value.timestamp())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
