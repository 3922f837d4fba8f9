"""Run deployed Lambda code for real, in a subprocess, the way Lambda would.

The function's configuration and code come from the emulator's own Lambda store (this
module runs inside the emulator process): handler, timeout, memory, environment variables
and the deployment package exactly as ``create_function``/``update_function_code`` left
them. The package is unzipped once per CodeSha256. The subprocess sees the function's
environment plus the variables Lambda sets (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, ...), and
AWS_ENDPOINT_URL pointing at the emulator, so the code's boto3 calls land there. Its output
goes to the function's log group, with the START/END/REPORT lines Lambda writes.
"""

from __future__ import annotations

import io
import json
import os
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

    def _env(self, fn: Any, region: str, request_id: str, stream: str, code_dir: Path) -> dict[str, str]:
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
            "CODECRAFT_REQUEST_ID": request_id,
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
        stream = time.strftime("%Y/%m/%d/") + "[$LATEST]" + uuid.uuid4().hex
        code_dir, fallbacks = self._code_dir(fn)
        timeout = float(fn.timeout or 3)
        started = time.perf_counter()
        # -I -S: isolated, no site-packages; the runtime path gives boto3 and the set-aside builds
        cmd = [sys.executable, "-I", "-S", str(_BOOTSTRAP), fn.handler, str(timeout)]
        env = self._env(fn, region, request_id, stream, code_dir)
        env["CODECRAFT_RUNTIME_PATH"] = str(self._runtime_path(fallbacks))
        with tempfile.TemporaryDirectory(prefix="codecraft-lambda-") as scratch:
            env["HOME"] = env["TMPDIR"] = scratch  # /tmp of this invocation
            stdout, stderr, result = _run(cmd, json.dumps(event, default=_event_default), code_dir, env,
                                          timeout, request_id)
        duration = (time.perf_counter() - started) * 1000
        lines = [f"START RequestId: {request_id} Version: $LATEST"]
        if fallbacks:
            lines.append(f"[codecraft] {', '.join(fallbacks)}: built for the Lambda platform (CPython "
                         f"{PLATFORM_PYTHON}, manylinux x86_64), which this host's Python "
                         f"{sys.version_info.major}.{sys.version_info.minor} cannot import; the "
                         f"emulator runs the host's build instead (the deployed zip is unchanged)")
        lines += [line for line in stderr.splitlines() if line.strip()]
        lines += [f"END RequestId: {request_id}",
                  f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
                  f"Billed Duration: {int(duration) + 1} ms\tMemory Size: {fn.memory_size} MB"]
        self._ship_logs(region, f"/aws/lambda/{fn.function_name}", stream, lines)
        if result.get("ok"):
            return Invocation(True, result.get("result"), None, lines, duration)
        return Invocation(False, result, str(result.get("errorType")), lines, duration)

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
            # Like Lambda: the group is created when it is missing.
            try:
                client.create_log_group(logGroupName=group)
            except client.exceptions.ResourceAlreadyExistsException:
                pass
            client.create_log_stream(logGroupName=group, logStreamName=stream)
            now = int(time.time() * 1000)
            client.put_log_events(logGroupName=group, logStreamName=stream,
                                  logEvents=[{"timestamp": now, "message": line[:200_000]} for line in lines])
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


def _run(cmd: list[str], event: str, code_dir: Path, env: dict[str, str], timeout: float,
         request_id: str) -> tuple[str, str, dict[str, Any]]:
    """Run the bootstrap; the function's own timer ends it, this one is only a backstop."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=code_dir, env=env, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(event, timeout=timeout + 10.0)  # + import time
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        message = f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds"
        return stdout, stderr + message + "\n", {"ok": False, "errorType": "Sandbox.Timedout",
                                                 "errorMessage": message}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # what the function left running dies with it
        except (ProcessLookupError, PermissionError):
            pass
    result = _last_json(stdout)
    if result is None:
        result = {"ok": False, "errorType": "Runtime.ExitError",
                  "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: "
                                  f"exit status {proc.returncode}"}
    return stdout, stderr, result


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


def _last_json(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "ok" in value:
            return value
    return None
