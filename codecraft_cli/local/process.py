"""Start, stop and query the emulator process from the CLI side."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import EmulatorError
from ..i18n import _, seconds

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


def _is_our_emulator(pid: int) -> bool:
    """The pid is this home's emulator (not a process that reused a stale pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return _pid_alive(pid)  # no /proc (macOS): trust the pid
    return "codecraft_cli.local.server" in cmdline and str(paths.home()) in cmdline


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """One start or stop at a time for a CODECRAFT_HOME (two commands at once share one emulator)."""
    paths.local_dir().mkdir(parents=True, exist_ok=True)
    with open(paths.local_dir() / "emulator.lock", "w") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # no fcntl (Windows): no lock
            pass
        yield


def _running(info: dict[str, Any] | None, patience: float = 10.0) -> bool:
    """Alive and answering; a busy emulator gets time to answer before it is given up."""
    if not info or not _pid_alive(int(info["pid"])) or not _is_our_emulator(int(info["pid"])):
        return False
    deadline = time.monotonic() + patience
    while True:
        if _healthy(info):
            return True
        if time.monotonic() > deadline or not _pid_alive(int(info["pid"])):
            return False
        time.sleep(0.25)


def read_info() -> dict[str, Any] | None:
    try:
        info = json.loads(info_file().read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return info if isinstance(info, dict) else None


def status() -> dict[str, Any]:
    info = read_info()
    alive = info is not None and bool(info) and _pid_alive(int(info["pid"])) and _is_our_emulator(int(info["pid"]))
    health = _health(info) if alive and info else None
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
    with _locked():
        return _start(region, on_wait)


def _start(region: str, on_wait: Callable[[float], None] | None) -> tuple[dict[str, Any], bool]:
    current = read_info()
    if _running(current):
        assert current is not None
        return current, False
    if current and _pid_alive(int(current["pid"])) and _is_our_emulator(int(current["pid"])):
        _stop_pid(int(current["pid"]))  # alive but not answering: never leave two emulators
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
                _("The emulator exited during start-up (code {code}): {log}").format(code=proc.returncode, log=_tail()),
                hint=_("See {log}; reinstall with `pip install -e .` if a module is missing.").format(log=log_file()))
        if on_wait:
            on_wait(time.monotonic() - started)
        time.sleep(0.1)
    proc.terminate()
    raise EmulatorError(_("The emulator did not become ready within {duration}.").format(duration=seconds(START_TIMEOUT)),
                        hint=_("See {log}.").format(log=log_file()))


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


def stop(timeout: float = 30.0) -> bool:
    """Stop the emulator; True if one was running."""
    with _locked():
        info = read_info()
        if not info:
            return False
        pid = int(info["pid"])
        was_running = _pid_alive(pid) and _is_our_emulator(pid)
        if was_running:
            _stop_pid(pid, timeout)
        info_file().unlink(missing_ok=True)
        return was_running


def _stop_pid(pid: int, timeout: float = 30.0) -> None:
    """SIGTERM (the emulator stops its MariaDB servers), then SIGKILL if it does not go."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.05)
    if _pid_alive(pid):
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def reset() -> None:
    """Stop the emulator and remove its runtime data and the local target's state files."""
    import shutil

    stop()
    shutil.rmtree(paths.local_dir(), ignore_errors=True)
    _forget_local_state()
