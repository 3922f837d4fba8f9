"""The Lambda runtime inside one execution environment (``python -I -S bootstrap.py``).

Like Lambda's python runtime, one process serves invocations one after the other: the handler's
module is imported at the first one (the cold start, its time reported as the init duration) and
stays loaded, with whatever it keeps at module level (clients, connections), for the next ones.

Protocol with the execution environment (``environment.py``): each line on stdin is one
invocation, ``{"id": request id, "event": event}``. For each, everything the function prints or logs goes
to stderr, followed by a line ``<SENTINEL><request id>``; then one JSON line with the result goes
to the original stdout. A timed-out invocation or a module that cannot be imported ends the
process after its answer (Lambda discards such an environment); so does stdin closing (the
emulator is gone).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import sys
import time
import traceback
from typing import Any

SENTINEL = "\x1ecodecraft-invocation-end "


class TimedOut(BaseException):
    """Raised in the handler when the function's timeout expires."""


class LambdaContext:
    def __init__(self, request_id: str, deadline: float) -> None:
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = env.get("CODECRAFT_FUNCTION_ARN", "")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


class _RequestId(logging.Filter):
    """Lambda's log format carries the current request id."""

    current = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.current
        return True


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    frames = traceback.format_tb(exc.__traceback__)
    return {"ok": False, "errorType": error_type or type(exc).__name__,
            "errorMessage": str(exc), "stackTrace": frames}


def _answer(out: Any, request_id: str, payload: dict[str, Any]) -> None:
    """The invocation's logs end with the sentinel, then its result goes to the runner."""
    try:
        sys.stdout.flush()
        sys.stderr.write(f"{SENTINEL}{request_id}\n")
        sys.stderr.flush()
        out.write(json.dumps({**payload, "id": request_id}) + "\n")
        out.flush()
    except (BrokenPipeError, OSError):  # the emulator is gone
        os._exit(0)


def _answer_and_end(out: Any, request_id: str, payload: dict[str, Any]) -> None:
    """Answer, then end the environment now (threads the handler left running die with it)."""
    _answer(out, request_id, payload)
    os._exit(0)


def _logging(request_ids: _RequestId) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(request_ids)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def _import(handler_spec: str) -> Any:
    module_name, func_name = handler_spec.rsplit(".", 1)
    module = importlib.import_module(module_name.replace("/", "."))
    return getattr(module, func_name)


def _invoke(func: Any, event: Any, request_id: str, timeout: float, out: Any) -> dict[str, Any]:
    """Run the handler once under the function's timeout; the answer's payload."""
    deadline = time.time() + timeout

    def expire(signum: int, frame: Any) -> None:
        raise TimedOut()

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, deadline - time.time()))
    try:
        result = func(event, LambdaContext(request_id, deadline))
        signal.setitimer(signal.ITIMER_REAL, 0)
    except TimedOut:
        message = f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())}Z Task timed out after {timeout:.2f} seconds"
        print(message, file=sys.stderr)
        _answer_and_end(out, request_id, {"ok": False, "errorType": "Sandbox.Timedout", "errorMessage": message})
    except SystemExit as exc:  # sys.exit() in the handler: the runtime process ends (Runtime.ExitError)
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1))
    except Exception as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        print(f"[ERROR] {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return _error(exc)
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        print(f"[ERROR] Runtime.MarshalError: {message}", file=sys.stderr)
        return {"ok": False, "errorType": "Runtime.MarshalError", "errorMessage": message, "stackTrace": []}
    return {"ok": True, "result": result}


def main() -> int:
    handler_spec = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # print() in the function goes to the log, like on Lambda
    requests = os.fdopen(os.dup(0), "r")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)  # the function reads no invocations by mistake
    # Like Lambda's python runtime: the task root, then the runtime's own libraries (boto3);
    # nothing else of the host is importable (the interpreter runs isolated, -I -S).
    sys.path[:0] = [os.getcwd(), *filter(None, os.environ.get("CODECRAFT_RUNTIME_PATH", "").split(os.pathsep))]
    request_ids = _RequestId()
    _logging(request_ids)
    func = None
    for line in requests:
        message = json.loads(line)
        request_id = str(message["id"])
        request_ids.current = request_id
        init_ms = None
        if func is None:
            started = time.perf_counter()
            try:
                func = _import(handler_spec)
            except Exception as exc:  # what Lambda reports as Runtime.ImportModuleError
                print(f"[ERROR] Runtime.ImportModuleError: Unable to import module '{handler_spec}': {exc}",
                      file=sys.stderr)
                _answer_and_end(out, request_id, _error(exc, "Runtime.ImportModuleError"))
            init_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        payload = _invoke(func, message.get("event"), request_id, timeout, out)
        _answer(out, request_id, {**payload, "duration_ms": (time.perf_counter() - started) * 1000,
                                  "init_ms": init_ms})
    # stdin closed: the emulator is gone; end now, whatever threads the function left running
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
