"""The Node.js runtimes' own libraries, and the system's ``node`` that runs them.

Lambda's Node.js runtimes (nodejs20.x, nodejs22.x) include the AWS SDK for JavaScript v3: a function
imports ``@aws-sdk/client-dynamodb`` without packaging it ("Building Lambda functions with Node.js",
https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, "Runtime-included SDK versions").
The emulator installs the clients pinned by ``node/package-lock.json`` with ``npm ci --omit=dev`` on
first use, once per lock (a cache under CODECRAFT_HOME keyed by the lock's hash;
CODECRAFT_NODE_RUNTIME_DIR names another cache, e.g. one shared by a test session). Node itself is
the system's ``node``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # doctor imports this module: no emulator (moto) import here
    from .function import FunctionConfig

NODE_DIR = Path(__file__).resolve().with_name("node")
BOOTSTRAP = NODE_DIR / "bootstrap.mjs"
LOCK_FILE = NODE_DIR / "package-lock.json"
RUNTIMES = ("nodejs20.x", "nodejs22.x")
_NPM_TIMEOUT = 300.0


class NodeRuntimeUnavailable(RuntimeError):
    """node or npm is missing, or the SDK could not be installed (the message says which and why)."""


def is_node(runtime: str) -> bool:
    return runtime.startswith("nodejs")


def node_path() -> str | None:
    return shutil.which("node")


def node_version() -> str | None:
    """The system node's version (``v20.11.1``), or None when there is none."""
    node = node_path()
    if node is None:
        return None
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    version = out.stdout.strip()
    return version if out.returncode == 0 and version else None


def major(version: str | None) -> int | None:
    found = re.match(r"v?(\d+)", version or "")
    return int(found.group(1)) if found else None


def runtime_major(runtime: str) -> int | None:
    found = re.match(r"nodejs(\d+)\.x$", runtime)
    return int(found.group(1)) if found else None


def version_notice(runtime: str, version: str | None) -> str | None:
    """The cold start's log line when the system's node is another major than the function's runtime."""
    wanted, have = runtime_major(runtime), major(version)
    if wanted is None or have is None or wanted == have:
        return None
    return (f"[codecraft] {runtime}: this machine's node is {version}, not Node.js {wanted}; the emulator runs "
            f"the function with it (install Node.js {wanted} to run it with the runtime's own major version)")


def lock_hash() -> str:
    return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()[:16]


def cache_root(home: Path) -> Path:
    override = os.environ.get("CODECRAFT_NODE_RUNTIME_DIR")
    return Path(override).expanduser() if override else home / "runtimes" / "nodejs"


def installed(home: Path) -> Path | None:
    """The installed node_modules folder for the current lock, or None if not installed yet."""
    folder = cache_root(home) / lock_hash() / "node_modules"
    return folder if (folder.parent / ".complete").is_file() else None


def ensure(home: Path) -> Path:
    """The node_modules folder holding the runtime's SDK, installed now if needed (npm ci --omit=dev).

    Raises NodeRuntimeUnavailable with the reason when npm is missing or the install fails."""
    root = cache_root(home)
    target = root / lock_hash()
    done = target / ".complete"
    if done.is_file():
        return target / "node_modules"
    npm = shutil.which("npm")
    if npm is None:
        raise NodeRuntimeUnavailable("npm is not installed: the AWS SDK for JavaScript v3 of the Node.js runtimes "
                                     "cannot be installed (see codecraft doctor)")
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:  # one install at a time, across processes
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return target / "node_modules"
        work = root / f".tmp-{uuid.uuid4().hex[:8]}"
        work.mkdir()
        try:
            for name in ("package.json", "package-lock.json"):
                shutil.copyfile(NODE_DIR / name, work / name)
            try:
                proc = subprocess.run([npm, "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund",
                                       "--fetch-retries=1", "--fetch-timeout=60000"],
                                      cwd=work, capture_output=True, text=True, timeout=_NPM_TIMEOUT,
                                      stdin=subprocess.DEVNULL, env={**os.environ, "npm_config_update_notifier": "false"})
            except (OSError, subprocess.SubprocessError) as exc:
                raise NodeRuntimeUnavailable(f"npm ci failed: {exc}") from exc
            if proc.returncode != 0:
                raise NodeRuntimeUnavailable(f"npm ci failed (exit {proc.returncode}): "
                                             f"{_npm_reason(proc.stderr or proc.stdout)}")
            shutil.rmtree(target, ignore_errors=True)
            os.replace(work, target)
            done.write_text(lock_hash() + "\n")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target / "node_modules"


def _npm_reason(output: str) -> str:
    """npm's own words for a failure: its error code and the first line saying what failed."""
    lines = [line.removeprefix("npm error").strip() for line in output.splitlines() if line.startswith("npm error")]
    code = next((line.split()[1] for line in lines if line.startswith("code ") and len(line.split()) > 1), "")
    reason = next((line for line in lines if not line.startswith(("code ", "syscall ", "errno ", "at "))
                   and line), "") or " ".join(output.split())[-300:]
    return (f"{code}: " if code and code not in reason else "") + reason[:400]


# Without node, every invocation fails at once with a Runtime error saying so (an environment that
# answers, so the log and the caller get the reason instead of a silent failure).
_NO_NODE = """import json, sys
message = sys.argv[1]
for line in sys.stdin:
    rid = json.loads(line)["id"]
    sys.stderr.write(message + "\\n\\x1ecodecraft-invocation-end " + rid + "\\n"); sys.stderr.flush()
    sys.stdout.write(json.dumps({"id": rid, "ok": False, "errorType": "Runtime.ExitError",
                                 "errorMessage": "RequestId: " + rid + " Error: Runtime exited with error: " + message}) + "\\n")
    sys.stdout.flush()
    break
"""


def node_command(fn: FunctionConfig, env: dict[str, str], code_dir: Path) -> tuple[list[str], str | None]:
    """The command of a Node.js environment and its cold start notice; sets its NODE_PATH in ``env``.

    As on Lambda, NODE_PATH lists the runtime's modules, then the task root ("Defined runtime
    environment variables", https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html)."""
    from ... import paths

    node = node_path()
    if node is None:
        message = ("node is not installed on this machine: the emulator runs " + fn.runtime
                   + " functions with the system's node (see codecraft doctor)")
        return [sys.executable, "-I", "-S", "-c", _NO_NODE, message], f"[codecraft] {message}"
    notices: list[str] = []
    folders = [str(code_dir)]
    failed = _FAILED.get("sdk")
    try:
        if failed is not None and time.monotonic() - failed[0] < _RETRY_AFTER:
            raise NodeRuntimeUnavailable(failed[1])  # tried moments ago: each cold start must not wait for npm
        folders.insert(0, str(ensure(paths.home())))
        _FAILED.pop("sdk", None)
    except NodeRuntimeUnavailable as exc:
        if failed is None or failed[1] != str(exc):
            _FAILED["sdk"] = (time.monotonic(), str(exc))
        notices.append(f"[codecraft] the AWS SDK for JavaScript v3 of {fn.runtime} is not available: {exc}; "
                       "a function importing it fails with Runtime.ImportModuleError (codecraft doctor explains)")
    env["NODE_PATH"] = os.pathsep.join(folders)
    env["AWS_NODEJS_CONNECTION_REUSE_ENABLED"] = "1"
    notice = version_notice(fn.runtime, _version_of(node))
    if notice:
        notices.append(notice)
    return [node, str(BOOTSTRAP), fn.handler, json.dumps(fn.timeout)], "\n".join(notices) or None


_VERSIONS: dict[str, str | None] = {}
_FAILED: dict[str, tuple[float, str]] = {}  # the last failed install: when, and why
_RETRY_AFTER = 60.0  # seconds before a cold start tries npm again


def _version_of(node: str) -> str | None:
    if node not in _VERSIONS:
        _VERSIONS[node] = node_version()
    return _VERSIONS[node]
