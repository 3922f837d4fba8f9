"""The Lambda runtime inside the runner's subprocess (``python -I -S bootstrap.py``).

Reads the event (JSON) on stdin, imports the handler from the task root (the current
directory, holding the unzipped deployment package), calls it with a context object, and
writes one JSON line with the result to the original stdout. Everything the function prints
or logs goes to stderr, which the runner ships to CloudWatch Logs.
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


class TimedOut(BaseException):
    """Raised in the handler when the function's timeout expires."""


class LambdaContext:
    def __init__(self, deadline: float) -> None:
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = env.get("CODECRAFT_FUNCTION_ARN", "")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = env.get("CODECRAFT_REQUEST_ID", "")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def _emit(out: Any, payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload) + "\n")
    out.flush()


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    frames = traceback.format_tb(exc.__traceback__)
    return {"ok": False, "errorType": error_type or type(exc).__name__,
            "errorMessage": str(exc), "stackTrace": frames}


def _finish(out: Any, payload: dict[str, Any]) -> None:
    """Emit the result and end now: threads the handler left running do not outlive it."""
    _emit(out, payload)
    sys.stderr.flush()
    os._exit(0)


def main() -> int:
    handler_spec = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    deadline = time.time() + timeout
    real_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # print() in the function goes to the log, like on Lambda
    # Like Lambda's python runtime: the task root, then the runtime's own libraries (boto3);
    # nothing else of the host is importable (the interpreter runs isolated, -I -S).
    sys.path[:0] = [os.getcwd(), *filter(None, os.environ.get("CODECRAFT_RUNTIME_PATH", "").split(os.pathsep))]
    request_id = os.environ.get("CODECRAFT_REQUEST_ID", "")
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter(
        f"[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t{request_id}\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    try:
        event = json.loads(sys.stdin.read() or "null")
        module_name, func_name = handler_spec.rsplit(".", 1)
        module = importlib.import_module(module_name.replace("/", "."))
        func = getattr(module, func_name)
    except Exception as exc:  # what Lambda reports as Runtime.ImportModuleError
        print(f"[ERROR] Runtime.ImportModuleError: Unable to import module '{handler_spec}': {exc}",
              file=sys.stderr)
        _finish(real_out, _error(exc, "Runtime.ImportModuleError"))

    def expire(signum: int, frame: Any) -> None:
        raise TimedOut()

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, deadline - time.time()))
    try:
        result = func(event, LambdaContext(deadline))
        signal.setitimer(signal.ITIMER_REAL, 0)
    except TimedOut:
        message = f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())}Z Task timed out after {timeout:.2f} seconds"
        print(message, file=sys.stderr)
        _finish(real_out, {"ok": False, "errorType": "Sandbox.Timedout", "errorMessage": message})
    except Exception as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        print(f"[ERROR] {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        _finish(real_out, _error(exc))
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        print(f"[ERROR] Runtime.MarshalError: {message}", file=sys.stderr)
        _finish(real_out, {"ok": False, "errorType": "Runtime.MarshalError", "errorMessage": message,
                           "stackTrace": []})
    _finish(real_out, {"ok": True, "result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
