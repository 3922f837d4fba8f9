"""One execution environment: a ``bootstrap.py`` process (``node/bootstrap.mjs`` run by the system's
node for the Node.js runtimes, ``node_runtime.py``), the readers of its two pipes, one status.

The process sees the function's environment plus the variables Lambda sets (AWS_REGION,
AWS_LAMBDA_FUNCTION_NAME, ...), the temporary credentials of the function's execution role
(``local/iam/credentials.py``: every call it makes is authorized against the role's policies),
and AWS_ENDPOINT_URL pointing at the emulator, so the code's boto3 calls land there. It serves one invocation at a time (see ``bootstrap.py`` for the
protocol). Its one status field moves along a small state machine (``_MOVES``):

    STARTING -> READY <-> BUSY    the cold start, then warm reuse, one invocation at a time
    STARTING | BUSY -> TIMED_OUT  no answer in time: the process is ended, never reused
    any other -> ENDED            ended by the pool (idle, stale, evicted) or the emulator stopping
"""

from __future__ import annotations

import enum
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .bootstrap import SENTINEL
from .function import FunctionConfig
from .logs import new_stream
from .node_runtime import is_node, node_command
from ..iam.credentials import Credentials
from ..tls import function_ca_bundle

_PASS_THROUGH = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
_BOOTSTRAP = Path(__file__).resolve().with_name("bootstrap.py")
_MAX_PENDING_LINES = 1000  # output of threads left running between invocations, kept at most
_LOG_WAIT = 2.0  # after the answer, how long the rest of an invocation's log may take


class Status(enum.Enum):
    STARTING = "starting"  # started for its first invocation (the cold start)
    READY = "ready"  # warm, waiting for the next invocation
    BUSY = "busy"  # serving an invocation
    TIMED_OUT = "timed out"  # no answer in time: ended, never reused
    ENDED = "ended"  # the process and its /tmp are gone


_MOVES = {
    Status.STARTING: {Status.READY, Status.TIMED_OUT, Status.ENDED},
    Status.READY: {Status.BUSY, Status.ENDED},
    Status.BUSY: {Status.READY, Status.TIMED_OUT, Status.ENDED},
    Status.TIMED_OUT: set(),
    Status.ENDED: set(),
}


def process_environment(fn: FunctionConfig, endpoint: str, stream: str, code_dir: Path,
                        credentials: Credentials) -> dict[str, str]:
    """The variables the function's process sees, as on Lambda (its role's session keys included)."""
    env = {k: os.environ[k] for k in _PASS_THROUGH if k in os.environ}
    env.update(fn.variables)
    env.update({
        "AWS_ENDPOINT_URL": endpoint,
        **credentials.environment(),
        "AWS_REGION": fn.region,
        "AWS_DEFAULT_REGION": fn.region,
        "AWS_LAMBDA_FUNCTION_NAME": fn.name,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": fn.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.runtime}",
        "LAMBDA_TASK_ROOT": str(code_dir),
        # the X-Ray SDK's daemon (local/xray.py) and Lambda's default for a call outside a trace
        "AWS_XRAY_DAEMON_ADDRESS": os.environ.get("CODECRAFT_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000"),
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_HANDLER": fn.handler,
        "CODECRAFT_FUNCTION_ARN": fn.arn,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "TZ": ":UTC",  # Lambda runs in UTC
    })
    # Advanced logging controls: the runtime reads the format and the application log level
    # ("Log-level filtering": AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL; local/moto_logging.py)
    if fn.logging.get("LogFormat") == "JSON":
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        env["AWS_LAMBDA_LOG_LEVEL"] = fn.logging.get("ApplicationLogLevel") or "INFO"
    else:
        env.setdefault("AWS_LAMBDA_LOG_FORMAT", "Text")
    # The emulator's MariaDB presents a certificate of the emulator's own CA, not an RDS one: a
    # package shipping the RDS bundle gets it with that CA added (see local/tls.py)
    bundle = function_ca_bundle(code_dir)
    if bundle is not None:
        env["RDS_CA_BUNDLE"] = str(bundle)
    return env


class ExecutionEnvironment:
    """One execution environment: a bootstrap process and the readers of its two pipes."""

    def __init__(self, fn: FunctionConfig, endpoint: str, code_dir: Path, runtime_path: Path,
                 fallbacks: list[str], credentials: Credentials) -> None:
        self.function = fn
        self.key = fn.key
        self.stream = new_stream()
        self.fallbacks = fallbacks
        self.status = Status.STARTING
        self.last_used = time.monotonic()
        self.invocations = 0
        self._lock = threading.Lock()
        env = process_environment(fn, endpoint, self.stream, code_dir, credentials)
        env["CODECRAFT_RUNTIME_PATH"] = str(runtime_path)
        self.scratch = Path(tempfile.mkdtemp(prefix="codecraft-lambda-"))
        env["HOME"] = env["TMPDIR"] = str(self.scratch)  # the environment's /tmp, kept while it is warm
        self.notice: str | None = None  # the cold start's log line from the emulator (node_command)
        if is_node(fn.runtime):
            cmd, self.notice = node_command(fn, env, code_dir)
        else:  # -I -S: isolated, no site-packages; the runtime path gives boto3 and the set-aside builds
            cmd = [sys.executable, "-I", "-S", str(_BOOTSTRAP), fn.handler, str(fn.timeout)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", errors="replace", cwd=code_dir, env=env,
                                     start_new_session=True, bufsize=1)
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._logs: queue.Queue[str | None] = queue.Queue()
        for pipe, sink in ((self.proc.stdout, self._answers), (self.proc.stderr, self._logs)):
            threading.Thread(target=_pump_lines, args=(pipe, sink), daemon=True).start()

    # -- the status ------------------------------------------------------------------------
    def move(self, to: Status) -> bool:
        """Move to another status if the state machine allows it; whether it moved."""
        with self._lock:
            if to not in _MOVES[self.status]:
                return False
            self.status = to
            return True

    @property
    def ready(self) -> bool:
        """Warm and free, its process still running: the next invocation may take it."""
        return self.status is Status.READY and self.alive()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def exit_code(self) -> int | None:
        try:
            return self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return None

    # -- one invocation --------------------------------------------------------------------
    def invoke(self, request_id: str, message: str, wait: float) -> tuple[list[str], dict[str, Any] | None]:
        """Send one invocation; its log lines and its answer (None: no answer in time or it died)."""
        self.invocations += 1
        pending = self._pending_lines()  # printed by threads left running since the last answer
        if self.invocations == 1 and self.notice:  # the cold start's notice, right after START
            pending = [self.notice, *pending]
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(message + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return pending, None
        answer = None
        deadline = time.monotonic() + wait
        while answer is None:
            try:
                line = self._answers.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:  # the function's own timer failed to end it: Lambda would
                if self.move(Status.TIMED_OUT):
                    self._stop()
                break
            if line is None:  # the process ended without answering
                break
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict) and value.get("id") == request_id:
                answer = value
        return pending + self._collect_logs(request_id, answer is not None), answer

    def _pending_lines(self) -> list[str]:
        lines: list[str] = []
        while True:
            try:
                line = self._logs.get_nowait()
            except queue.Empty:
                break
            if line is None:
                self._logs.put(None)  # the end stays visible to the next reader
                break
            if not line.startswith(SENTINEL):
                lines.append(line.rstrip("\n"))
        return lines[-_MAX_PENDING_LINES:]

    def _collect_logs(self, request_id: str, answered: bool) -> list[str]:
        lines: list[str] = []
        deadline = time.monotonic() + (_LOG_WAIT if answered else 0.5)
        while True:
            try:
                line = self._logs.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return lines
            if line is None:
                return lines
            mark = line.find(SENTINEL)
            if mark < 0:
                lines.append(line.rstrip("\n"))
                continue
            if line[:mark]:  # the function's last output had no newline
                lines.append(line[:mark])
            if line[mark + len(SENTINEL):].strip() == request_id:
                return lines

    # -- the end ---------------------------------------------------------------------------
    def end(self) -> None:
        """ENDED (a timed-out environment stays TIMED_OUT): stop the process, remove its /tmp."""
        if self.move(Status.ENDED):
            self._stop()

    def _stop(self) -> None:
        """Stop the process and everything it started; remove its /tmp.

        Only stdin is closed here: each reader thread closes its own pipe when it reaches the
        end (closing a pipe another thread is reading would wait for that read, forever if a
        process the function started in another session keeps it open).
        """
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        shutil.rmtree(self.scratch, ignore_errors=True)


def _pump_lines(pipe: Any, sink: queue.Queue[str | None]) -> None:
    try:
        for line in pipe:
            sink.put(line)
    except (OSError, ValueError):  # closed while reading
        pass
    finally:
        sink.put(None)
        try:
            pipe.close()
        except OSError:
            pass
