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


# As Lambda's Python runtime (aws-lambda-python-runtime-interface-client, awslambdaric/bootstrap.py):
# an error is logged as ONE event, "[ERROR] Type: message", "Traceback (most recent call last):" and
# the frames, lines joined by "\r" and their leading spaces made no-break spaces; the frames are
# the handler's (the runtime's own bootstrap frames dropped), the code under /var/task. The "\r"
# travels as LINE_MARK through the environment's text pipe (which would split on "\r") and
# logs.invocation_lines turns it back.
LINE_MARK = "\x1d"
TASK_ROOT = "/var/task"
RUNTIME_DIR = "/var/runtime"


def _shown_path(filename: str) -> str:
    """A frame's file as Lambda shows it: the package under /var/task, the runtime's under /var/runtime."""
    root = os.getcwd()
    if filename.startswith(root + os.sep):
        return TASK_ROOT + filename[len(root):]
    stdlib = os.path.dirname(os.__file__)
    if filename.startswith(stdlib + os.sep):
        return f"/var/lang/lib/python{sys.version_info[0]}.{sys.version_info[1]}" + filename[len(stdlib):]
    for lib in filter(None, os.environ.get("CODECRAFT_RUNTIME_PATH", "").split(os.pathsep)):
        if filename.startswith(lib.rstrip(os.sep) + os.sep):
            return RUNTIME_DIR + filename[len(lib.rstrip(os.sep)):]
    return filename


def _stack(tb: Any) -> list[str]:
    frames = traceback.extract_tb(tb)
    while frames and os.path.basename(frames[0].filename) == "bootstrap.py":
        frames.pop(0)
    for frame in frames:
        frame.filename = _shown_path(frame.filename)
    return traceback.format_list(frames)


def _error(exc: BaseException, error_type: str | None = None, message: str | None = None,
           stack: list[str] | None = None) -> dict[str, Any]:
    return {"ok": False, "errorType": error_type or type(exc).__name__,
            "errorMessage": str(exc) if message is None else message,
            "stackTrace": _stack(exc.__traceback__) if stack is None else stack}


def _log_error(error: dict[str, Any]) -> None:
    """The runtime's log line of an error (its ``log_error`` in text format)."""
    description = "[ERROR]"
    if error.get("errorType"):
        description += " " + str(error["errorType"]) + (":" if error.get("errorMessage") else "")
    if error.get("errorMessage"):
        description += " " + str(error["errorMessage"])
    lines = [description, "Traceback (most recent call last):"]
    for element in error.get("stackTrace") or []:
        for line in (element.splitlines() if element else [""]):
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    print(LINE_MARK.join(lines), file=sys.stderr)


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
    """The handler, or the init error Lambda's runtime reports (its ``_get_handler``)."""
    try:
        module_name, func_name = handler_spec.rsplit(".", 1)
    except ValueError as exc:
        raise _InitError(_error(exc, "Runtime.MalformedHandlerName", f"Bad handler '{handler_spec}': {exc}", []))
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise _InitError(_error(exc, "Runtime.ImportModuleError",
                                f"Unable to import module '{module_name}': {exc}", []))
    except SyntaxError as exc:
        trace = ['  File "%s" Line %s\n    %s' % (_shown_path(str(exc.filename)), exc.lineno, exc.text)]
        raise _InitError(_error(exc, "Runtime.UserCodeSyntaxError",
                                f"Syntax error in module '{module_name}': {exc}", trace))
    except Exception as exc:  # an error at the module's top level (e.g. a KeyError on os.environ)
        raise _InitError(_error(exc))
    try:
        return getattr(module, func_name)
    except AttributeError as exc:
        raise _InitError(_error(exc, "Runtime.HandlerNotFound",
                                f"Handler '{func_name}' missing on module '{module_name}'", []))


class _InitError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error["errorMessage"])
        self.error = error


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
        stamp = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())
        message = f"{stamp}Z {request_id} Task timed out after {timeout:.2f} seconds"
        print(message, file=sys.stderr)
        _answer_and_end(out, request_id, {"ok": False, "errorType": "Sandbox.Timedout", "errorMessage": message})
    except SystemExit as exc:  # sys.exit() in the handler: the runtime process ends (Runtime.ExitError)
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1))
    except Exception as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        error = _error(exc)
        _log_error(error)
        return error
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        error = _error(exc, "Runtime.MarshalError", f"Unable to marshal response: {exc}", [])
        _log_error(error)
        return error
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
        if message.get("trace"):  # the invocation's X-Ray trace header, as Lambda sets it (monitoring.py)
            os.environ["_X_AMZN_TRACE_ID"] = str(message["trace"])
        init_ms = None
        if func is None:
            started = time.perf_counter()
            try:
                func = _import(handler_spec)
            except _InitError as exc:  # Lambda discards an environment whose init failed
                _log_error(exc.error)
                _answer_and_end(out, request_id, exc.error)
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
