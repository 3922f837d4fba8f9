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
    """The runtime's log line of an error (its ``log_error``: text, or one JSON record)."""
    if _json_format():  # awslambdaric: {"timestamp", "log_level": "ERROR", **make_error(...)}
        record = {"timestamp": time.strftime(_DATETIME_FORMAT, time.gmtime()), "log_level": "ERROR",
                  "errorMessage": error.get("errorMessage") or "", "errorType": error.get("errorType") or "",
                  "requestId": _RequestId.current, "stackTrace": error.get("stackTrace") or []}
        print(json.dumps(record, ensure_ascii=False), file=sys.stderr)
        return
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


# Advanced logging controls as awslambdaric applies them (lambda_runtime_log_utils.py, bootstrap.py
# _setup_logging): AWS_LAMBDA_LOG_FORMAT=JSON formats each logging record as one JSON object
# (timestamp, level, message, logger, requestId; an exception's errorType, errorMessage, stackTrace
# and location; the record's extra attributes), print() output stays plain text; AWS_LAMBDA_LOG_LEVEL
# (TRACE read as DEBUG) is the root logger's level. "Using JSON format logs with Python",
# https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_RESERVED_FIELDS = {"name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info",
                    "exc_text", "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
                    "threadName", "processName", "process", "aws_request_id", "tenant_id", "_frame_type"}


def _json_format() -> bool:
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def _log_level() -> str:
    raw = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    return {None: "", "TRACE": "DEBUG"}.get(raw, raw or "").upper()


def _shown_tb(tb: Any) -> list[str]:
    """traceback.format_tb with the files where Lambda has them (/var/task, ...)."""
    frames = traceback.extract_tb(tb)
    for frame in frames:
        frame.filename = _shown_path(frame.filename)
    return traceback.format_list(frames)


class JsonFormatter(logging.Formatter):
    """awslambdaric's JsonFormatter."""

    def __init__(self) -> None:
        super().__init__(datefmt=_DATETIME_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc = record.exc_info
        result: dict[str, Any] = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": _shown_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc and exc[0] else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{_shown_path(record.pathname)}:{record.funcName}:{record.lineno}" if exc else None,
        }
        result.update((k, v) for k, v in record.__dict__.items() if k not in _RESERVED_FIELDS and k not in result)
        return json.dumps({k: v for k, v in result.items() if v is not None}, ensure_ascii=False, default=str)


def _logging(request_ids: _RequestId) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    formatter: logging.Formatter
    if _json_format():
        formatter = JsonFormatter()
    else:
        formatter = logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(request_ids)
    root.addHandler(handler)
    level = _log_level()
    root.setLevel(level if level in logging._nameToLevel else logging.WARNING)


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
        _RequestId.current = request_id  # the log records' and the JSON error record's requestId
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
