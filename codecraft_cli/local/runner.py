"""Run deployed Lambda code for real, in execution environments kept warm, the way Lambda does.

The function's configuration and code come from the emulator's own Lambda store (this
module runs inside the emulator process): handler, timeout, memory, environment variables
and the deployment package exactly as ``create_function``/``update_function_code`` left
them. The package is unzipped once per CodeSha256. An execution environment is a subprocess
(``bootstrap.py``) that sees the function's environment plus the variables Lambda sets
(AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, ...), and AWS_ENDPOINT_URL pointing at the emulator, so
the code's boto3 calls land there. As on Lambda, an environment serves one invocation at a
time and is reused by the next (module-level state survives: the cold start is paid once);
a busy function gets more environments; a changed function (code or configuration) gets new
ones; an environment idle for ``CODECRAFT_LAMBDA_WARM_SECONDS`` (default 120; 0 = a cold
start every time) is ended, and a timed-out one at once. Its output goes to the function's
log group, one log stream per environment, with the START/END/REPORT lines Lambda writes.
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import sys
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bootstrap import SENTINEL

ACCOUNT_ID = "123456789012"
_PASS_THROUGH = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
# What Lambda's python runtime provides besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
_BOOTSTRAP = Path(__file__).resolve().with_name("bootstrap.py")


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


class FunctionNotFound(Exception):
    pass


def _region_of(ref: str, default: str) -> str:
    return ref.split(":")[3] if ref.startswith("arn:") else default


class LambdaRunner:
    def __init__(self, endpoint: str, work_dir: Path, default_region: str = "us-east-1") -> None:
        self.endpoint = endpoint
        self.work_dir = work_dir
        self.default_region = default_region
        self._lock = threading.Lock()
        self._logs_clients: dict[str, Any] = {}
        self._session: Any = None
        self._runtime_dirs: dict[tuple[str, ...], Path] = {}
        self._envs: dict[str, list[_Environment]] = {}  # by function ARN
        self._current: dict[str, tuple[Any, ...]] = {}  # the newest key of each function
        self._reaper: threading.Thread | None = None
        self._closed = threading.Event()
        self.warm_seconds = _warm_seconds()

    # -- the deployed function -----------------------------------------------------------
    def _function(self, ref: str) -> Any:
        from moto.awslambda.models import lambda_backends

        region = _region_of(ref, self.default_region)
        name = ref.split(":")[6] if ref.startswith("arn:") else ref
        try:
            return lambda_backends[ACCOUNT_ID][region].get_function(name), region
        except Exception as exc:
            raise FunctionNotFound(f"Function not found: {ref}") from exc

    def _code_dir(self, fn: Any) -> tuple[Path, list[str]]:
        """The unzipped package, and the packages that fall back to the host's build."""
        sha = fn.code_sha_256.replace("/", "_").replace("+", "-").rstrip("=")
        target = self.work_dir / f"{fn.function_name}-{sha}"
        with self._lock:
            if not target.is_dir():
                tmp = target.with_name(target.name + f".tmp{uuid.uuid4().hex[:6]}")
                with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as zf:
                    zf.extractall(tmp)
                _set_aside_foreign_builds(tmp)
                os.replace(tmp, target) if not target.exists() else shutil.rmtree(tmp)
        aside = target / _ASIDE
        return target, sorted(p.name for p in aside.iterdir()) if aside.is_dir() else []

    def _env(self, fn: Any, region: str, stream: str, code_dir: Path) -> dict[str, str]:
        env = {k: os.environ[k] for k in _PASS_THROUGH if k in os.environ}
        env.update({str(k): str(v) for k, v in (fn.environment_vars or {}).items()})
        env.update({
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "codecraft-lambda",
            "AWS_SECRET_ACCESS_KEY": "codecraft-lambda",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{fn.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": fn.handler,
            "CODECRAFT_FUNCTION_ARN": fn.function_arn,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "TZ": ":UTC",  # Lambda runs in UTC
        })
        return env

    def _runtime_path(self, fallbacks: list[str]) -> Path:
        """A folder linking the runtime's libraries (and host builds set aside for the package)."""
        import importlib.util

        key = tuple(fallbacks)
        with self._lock:
            if key in self._runtime_dirs:
                return self._runtime_dirs[key]
            folder = self.work_dir / (".runtime-" + ("-".join(key) or "base"))
            folder.mkdir(parents=True, exist_ok=True)
            for name in (*RUNTIME_PACKAGES, *fallbacks):
                spec = importlib.util.find_spec(name)
                if spec is None or not spec.origin:
                    continue
                origin = Path(spec.origin)
                source = origin.parent if origin.name == "__init__.py" else origin
                links = [source]
                # bundled shared libraries of a wheel (pillow.libs) sit beside the package
                links += [p for p in source.parent.glob("*.libs") if name.lower() in p.name.lower()]
                for target in links:
                    link = folder / target.name
                    if not link.exists():
                        link.symlink_to(target)
            self._runtime_dirs[key] = folder
            return folder

    # -- invoke --------------------------------------------------------------------------
    def invoke(self, ref: str, event: Any) -> Invocation:
        fn, region = self._function(ref)
        request_id = str(uuid.uuid4())
        timeout = float(fn.timeout or 3)
        message = json.dumps({"id": request_id, "event": event}, default=_event_default)
        started = time.perf_counter()
        env = self._checkout(fn, region)
        cold = env.invocations == 0
        keep = False
        try:
            # the function's own timer ends it; this wait is the backstop (imports get Lambda's
            # 10 s init allowance on a cold start)
            logs, result = env.invoke(request_id, message, timeout + (_INIT_ALLOWANCE if cold else _GRACE))
            keep = result is not None and result.get("errorType") not in ("Sandbox.Timedout",
                                                                          "Runtime.ImportModuleError")
        finally:
            self._checkin(env, keep)
        duration = (time.perf_counter() - started) * 1000
        if result is None:
            if env.timed_out:
                message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
                result = {"ok": False, "errorType": "Sandbox.Timedout", "errorMessage": message}
            else:
                code = env.exit_code()
                result = {"ok": False, "errorType": "Runtime.ExitError",
                          "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                                          + (f"exit status {code}" if code is not None else "no answer")}
            logs.append(result["errorMessage"])
        lines = [f"START RequestId: {request_id} Version: $LATEST"]
        if env.fallbacks and cold:
            lines.append(f"[codecraft] {', '.join(env.fallbacks)}: built for the Lambda platform (CPython "
                         f"{PLATFORM_PYTHON}, manylinux x86_64), which this host's Python "
                         f"{sys.version_info.major}.{sys.version_info.minor} cannot import; the "
                         f"emulator runs the host's build instead (the deployed zip is unchanged)")
        lines += [line for line in logs if line.strip()]
        billed = float(result.get("duration_ms") or duration)
        init = f"\tInit Duration: {result['init_ms']:.2f} ms" if result.get("init_ms") is not None else ""
        lines += [f"END RequestId: {request_id}",
                  f"REPORT RequestId: {request_id}\tDuration: {billed:.2f} ms\t"
                  f"Billed Duration: {int(billed) + 1} ms\tMemory Size: {fn.memory_size} MB{init}"]
        self._ship_logs(region, f"/aws/lambda/{fn.function_name}", env.stream, lines)
        if result.get("ok"):
            return Invocation(True, result.get("result"), None, lines, duration)
        error = {k: v for k, v in result.items() if k not in ("id", "duration_ms", "init_ms")}
        return Invocation(False, error, str(result.get("errorType")), lines, duration)

    # -- execution environments ---------------------------------------------------------
    def _key(self, fn: Any, region: str) -> tuple[Any, ...]:
        """What an environment was started with: another value needs another environment.

        ``last_modified`` changes with every update and differs for a function deleted and
        created again under the same name: as on Lambda, that one never meets an environment
        (and the module state, such as cached credentials) of the one before.
        """
        return (fn.function_arn, getattr(fn, "last_modified", None), fn.code_sha_256, fn.handler,
                fn.timeout, fn.memory_size, fn.run_time,
                tuple(sorted((str(k), str(v)) for k, v in (fn.environment_vars or {}).items())), region)

    def _checkout(self, fn: Any, region: str) -> _Environment:
        key = self._key(fn, region)
        stale: list[_Environment] = []
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("the emulator is stopping")
            self._current[fn.function_arn] = key
            envs = self._envs.setdefault(fn.function_arn, [])
            for env in list(envs):
                if env.key != key and not env.busy:
                    envs.remove(env)
                    stale.append(env)
            found = next((e for e in envs if e.key == key and not e.busy and e.alive()), None)
            if found is not None:
                found.busy = True
        for env in stale:
            env.end()
        if found is not None:
            return found
        env = self._spawn(fn, region, key)
        with self._lock:
            self._envs.setdefault(fn.function_arn, []).append(env)
        self._start_reaper()
        return env

    def _checkin(self, env: _Environment, keep: bool) -> None:
        with self._lock:
            env.busy = False
            env.last_used = time.monotonic()
            keep = (keep and self.warm_seconds > 0 and not self._closed.is_set() and env.alive()
                    and self._current.get(env.key[0]) == env.key)
            if not keep:
                envs = self._envs.get(env.key[0], [])
                if env in envs:
                    envs.remove(env)
            idle = sorted((e for envs in self._envs.values() for e in envs if not e.busy),
                          key=lambda e: e.last_used)
            evicted = idle[:max(0, len(idle) - _MAX_IDLE)]
            for old in evicted:
                self._envs[old.key[0]].remove(old)
        if not keep:
            env.end()
        for old in evicted:
            old.end()

    def _spawn(self, fn: Any, region: str, key: tuple[Any, ...]) -> _Environment:
        code_dir, fallbacks = self._code_dir(fn)
        stream = time.strftime("%Y/%m/%d/") + "[$LATEST]" + uuid.uuid4().hex
        env = self._env(fn, region, stream, code_dir)
        env["CODECRAFT_RUNTIME_PATH"] = str(self._runtime_path(fallbacks))
        scratch = Path(tempfile.mkdtemp(prefix="codecraft-lambda-"))
        env["HOME"] = env["TMPDIR"] = str(scratch)  # the environment's /tmp, kept while it is warm
        # -I -S: isolated, no site-packages; the runtime path gives boto3 and the set-aside builds
        cmd = [sys.executable, "-I", "-S", str(_BOOTSTRAP), fn.handler, str(float(fn.timeout or 3))]
        return _Environment(key, cmd, env, code_dir, scratch, stream, fallbacks)

    def _start_reaper(self) -> None:
        with self._lock:
            if self._reaper is not None or self.warm_seconds <= 0:
                return
            self._reaper = threading.Thread(target=self._reap, name="lambda-reaper", daemon=True)
        self._reaper.start()

    def _reap(self) -> None:
        """End environments idle too long, and those of functions that no longer exist."""
        while not self._closed.wait(max(0.1, min(5.0, self.warm_seconds))):
            now = time.monotonic()
            with self._lock:
                arns = list(self._envs)
            gone = set()
            for arn in arns:
                try:
                    self._function(arn)
                except FunctionNotFound:
                    gone.add(arn)
            ended: list[_Environment] = []
            with self._lock:
                for arn, envs in self._envs.items():
                    for env in list(envs):
                        if not env.busy and (arn in gone or now - env.last_used > self.warm_seconds
                                             or not env.alive()):
                            envs.remove(env)
                            ended.append(env)
            for env in ended:
                env.end()

    def close(self) -> None:
        """End every environment (the emulator is stopping)."""
        self._closed.set()
        with self._lock:
            envs = [e for group in self._envs.values() for e in group]
            self._envs.clear()
        for env in envs:
            env.end()

    def log(self, ref: str, message: str) -> None:
        """A line in the function's log group, from the emulator (retries, skipped events)."""
        fn, region = self._function(ref)
        stream = time.strftime("%Y/%m/%d/") + "[$LATEST]codecraft-" + uuid.uuid4().hex[:8]
        self._ship_logs(region, f"/aws/lambda/{fn.function_name}", stream, [message])

    def _logs(self, region: str) -> Any:
        with self._lock:
            if region not in self._logs_clients:
                import boto3

                if self._session is None:  # one session, built once: sessions are not thread-safe
                    self._session = boto3.session.Session(aws_access_key_id="codecraft",
                                                          aws_secret_access_key="codecraft")
                from botocore.config import Config

                self._logs_clients[region] = self._session.client(
                    "logs", region_name=region, endpoint_url=self.endpoint,
                    config=Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "max_attempts": 2}))
            return self._logs_clients[region]

    def _ship_logs(self, region: str, group: str, stream: str, lines: list[str]) -> None:
        """Best effort: the function has run; a logging problem must not turn into a failure."""
        try:
            client = self._logs(region)
            now = int(time.time() * 1000)
            events = [{"timestamp": now, "message": line[:200_000]} for line in lines]
            try:
                client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
                return
            except client.exceptions.ResourceNotFoundException:
                pass  # a new environment's stream (or the group was deleted meanwhile)
            # Like Lambda: the group is created when it is missing.
            for create, kwargs in ((client.create_log_group, {}), (client.create_log_stream, {"logStreamName": stream})):
                try:
                    create(logGroupName=group, **kwargs)
                except client.exceptions.ResourceAlreadyExistsException:
                    pass
            client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        except Exception as exc:
            print(f"codecraft emulator: could not write the logs of {group}: {exc}", flush=True)


def _event_default(value: Any) -> Any:
    """Binary values (SQS binary attributes, DynamoDB B) travel base64-encoded, as in Lambda."""
    import base64

    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if hasattr(value, "timestamp"):
        return int(value.timestamp())
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_INIT_ALLOWANCE = 10.0  # Lambda gives the init phase (imports) its own 10 s
_GRACE = 2.0  # a warm environment's backstop beyond the function's timeout
_MAX_PENDING_LINES = 1000  # output of threads left running between invocations, kept at most
_MAX_IDLE = 16  # warm environments kept at most, the least recently used ended first
_LOG_WAIT = 2.0  # after the answer, how long the rest of an invocation's log may take


def _warm_seconds() -> float:
    raw = os.environ.get("CODECRAFT_LAMBDA_WARM_SECONDS", "120")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 120.0


class _Environment:
    """One execution environment: a bootstrap process and the readers of its two pipes."""

    def __init__(self, key: tuple[Any, ...], cmd: list[str], env: dict[str, str], code_dir: Path,
                 scratch: Path, stream: str, fallbacks: list[str]) -> None:
        self.key = key
        self.stream = stream
        self.fallbacks = fallbacks
        self.scratch = scratch
        self.busy = True
        self.last_used = time.monotonic()
        self.invocations = 0
        self.timed_out = False
        self._ended = False
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", errors="replace", cwd=code_dir, env=env,
                                     start_new_session=True, bufsize=1)
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._logs: queue.Queue[str | None] = queue.Queue()
        for pipe, sink in ((self.proc.stdout, self._answers), (self.proc.stderr, self._logs)):
            threading.Thread(target=_pump_lines, args=(pipe, sink), daemon=True).start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def exit_code(self) -> int | None:
        try:
            return self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return None

    def invoke(self, request_id: str, message: str, wait: float) -> tuple[list[str], dict[str, Any] | None]:
        """Send one invocation; its log lines and its answer (None: no answer in time or it died)."""
        self.invocations += 1
        pending = self._pending_lines()  # printed by threads left running since the last answer
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
                self.timed_out = True
                self.end()
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

    def end(self) -> None:
        """Stop the process and everything it started; remove its /tmp.

        Only stdin is closed here: each reader thread closes its own pipe when it reaches the
        end (closing a pipe another thread is reading would wait for that read, forever if a
        process the function started in another session keeps it open).
        """
        if self._ended:
            return
        self._ended = True
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


_ASIDE = ".codecraft-platform-builds"
PLATFORM_PYTHON = "3.12"


def _set_aside_foreign_builds(code_dir: Path) -> None:
    """Move aside top-level packages holding extension modules built for another CPython.

    The package is built for Lambda (CPython 3.12). When the host runs another version, such
    a package (Pillow's PIL, for instance) cannot be imported here, so it is set aside and the
    host's own build of it (installed with codecraft) is imported instead.
    """
    tag = f"cpython-{sys.version_info.major}{sys.version_info.minor}-"
    foreign: set[str] = set()
    for ext in code_dir.rglob("*.so"):
        name = ext.name
        if ".cpython-" in name and tag not in name:
            foreign.add(ext.relative_to(code_dir).parts[0])
    for top in sorted(foreign):
        if top.endswith(".libs") or top.endswith(".dist-info"):
            continue
        aside = code_dir / _ASIDE
        aside.mkdir(exist_ok=True)
        os.replace(code_dir / top, aside / top)
