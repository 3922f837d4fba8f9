"""Start, stop and query the emulator process from the CLI side."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import EmulatorError

START_TIMEOUT = 60.0


def info_file() -> Path:
    return paths.local_dir() / "emulator.json"


def log_file() -> Path:
    return paths.local_dir() / "emulator.log"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) is not alive
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _health(info: dict[str, Any]) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(info["gateway"] + "/_codecraft/health", timeout=2) as response:
            return dict(json.loads(response.read())) if response.status == 200 else None
    except Exception:
        return None


def _healthy(info: dict[str, Any]) -> bool:
    return _health(info) is not None


def read_info() -> dict[str, Any] | None:
    try:
        info = json.loads(info_file().read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return info if isinstance(info, dict) else None


def status() -> dict[str, Any]:
    info = read_info()
    health = _health(info) if info and _pid_alive(int(info["pid"])) else None
    running = health is not None
    servers = (health or {}).get("mysql") or []
    return {
        "running": running,
        "endpoint": info.get("endpoint") if running and info else None,
        "gateway": info.get("gateway") if running and info else None,
        "mysql": {"host": servers[0]["host"], "port": servers[0]["port"]} if servers else None,
        "mysql_servers": servers,
        "pid": info.get("pid") if running and info else None,
        "home": str(paths.home()),
    }


def start(region: str = "us-east-1", on_wait: Callable[[float], None] | None = None) -> tuple[dict[str, Any], bool]:
    """The running emulator's info, starting it if needed; the bool says it was started now."""
    current = read_info()
    if current and _pid_alive(int(current["pid"])) and _healthy(current):
        return current, False
    if current:
        info_file().unlink(missing_ok=True)
    paths.local_dir().mkdir(parents=True, exist_ok=True)
    _forget_local_state()
    log = open(log_file(), "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "codecraft_cli.local.server", "--home", str(paths.home()),
         "--region", region],
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True, close_fds=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
            str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH")]))},
    )
    log.close()
    deadline = time.monotonic() + START_TIMEOUT
    started = time.monotonic()
    while time.monotonic() < deadline:
        info = read_info()
        if info and int(info.get("pid", -1)) == proc.pid and _healthy(info):
            return info, True
        if proc.poll() is not None:
            raise EmulatorError(
                f"The emulator exited during start-up (code {proc.returncode}): {_tail()}",
                hint=f"See {log_file()}; reinstall with `pip install -e .` if a module is missing.")
        if on_wait:
            on_wait(time.monotonic() - started)
        time.sleep(0.1)
    proc.terminate()
    raise EmulatorError("The emulator did not become ready within 60 s.", hint=f"See {log_file()}.")


def _tail(lines: int = 5) -> str:
    try:
        text = log_file().read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def _forget_local_state() -> None:
    """A new emulator starts empty: state files of the local target describe nothing now."""
    folder = paths.state_dir()
    for path in folder.glob("local-*.json") if folder.is_dir() else ():
        path.unlink(missing_ok=True)


def stop(timeout: float = 10.0) -> bool:
    """Stop the emulator; True if one was running."""
    info = read_info()
    if not info:
        return False
    pid = int(info["pid"])
    was_running = _pid_alive(pid)
    if was_running:
        try:
            os.killpg(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.05)
        if _pid_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    info_file().unlink(missing_ok=True)
    return was_running


def reset() -> None:
    """Stop the emulator and remove its runtime data and the local target's state files."""
    import shutil

    stop()
    shutil.rmtree(paths.local_dir(), ignore_errors=True)
    _forget_local_state()
