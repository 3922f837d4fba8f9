"""The execution environments of every function: checked out for one invocation, returned warm.

As on Lambda, an environment serves one invocation at a time and is reused by the next (module
state survives: the cold start is paid once); a busy function gets more environments; a changed
function (code or configuration) gets new ones; an environment idle for
``CODECRAFT_LAMBDA_WARM_SECONDS`` (default 120; 0 = a cold start every time) is ended, and a
timed-out one at once. At most ``_MAX_IDLE`` are kept warm, the least recently used ended first.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from .environment import ExecutionEnvironment, Status
from .function import FunctionConfig

_MAX_IDLE = 16  # warm environments kept at most, the least recently used ended first


def warm_seconds() -> float:
    raw = os.environ.get("CODECRAFT_LAMBDA_WARM_SECONDS", "120")
    try:
        return max(0.0, float(raw))
    except ValueError:
        return 120.0


class EnvironmentPool:
    def __init__(self, spawn: Callable[[FunctionConfig], ExecutionEnvironment],
                 exists: Callable[[str], bool]) -> None:
        self._spawn = spawn  # a new environment for a function, checked out (STARTING)
        self._exists = exists  # the function (an ARN) is still deployed
        self._lock = threading.Lock()
        self._envs: dict[str, list[ExecutionEnvironment]] = {}  # by function ARN
        self._current: dict[str, tuple[Any, ...]] = {}  # the newest key of each function
        self._reaper: threading.Thread | None = None
        self._closed = threading.Event()
        self.warm_seconds = warm_seconds()

    def environments(self) -> list[ExecutionEnvironment]:
        with self._lock:
            return [env for envs in self._envs.values() for env in envs]

    def checkout(self, fn: FunctionConfig) -> ExecutionEnvironment:
        """A warm environment of this very function, or a new one; BUSY or STARTING."""
        key = fn.key
        stale: list[ExecutionEnvironment] = []
        with self._lock:
            if self._closed.is_set():
                raise RuntimeError("the emulator is stopping")
            self._current[fn.arn] = key
            envs = self._envs.setdefault(fn.arn, [])
            for env in list(envs):
                if env.key != key and env.status is Status.READY:
                    envs.remove(env)
                    stale.append(env)
            found = next((e for e in envs if e.key == key and e.ready and e.move(Status.BUSY)), None)
        for env in stale:
            env.end()
        if found is not None:
            return found
        env = self._spawn(fn)
        with self._lock:
            self._envs.setdefault(fn.arn, []).append(env)
        self._start_reaper()
        return env

    def checkin(self, env: ExecutionEnvironment, keep: bool) -> None:
        """The invocation is over: READY for the next one, or ended (``keep`` False, not warm)."""
        with self._lock:
            env.last_used = time.monotonic()
            keep = (keep and self.warm_seconds > 0 and not self._closed.is_set() and env.alive()
                    and self._current.get(env.function.arn) == env.key and env.move(Status.READY))
            if not keep:
                envs = self._envs.get(env.function.arn, [])
                if env in envs:
                    envs.remove(env)
            idle = sorted((e for envs in self._envs.values() for e in envs if e.status is Status.READY),
                          key=lambda e: e.last_used)
            evicted = idle[:max(0, len(idle) - _MAX_IDLE)]
            for old in evicted:
                self._envs[old.function.arn].remove(old)
        if not keep:
            env.end()
        for old in evicted:
            old.end()

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
            gone = {arn for arn in arns if not self._exists(arn)}
            ended: list[ExecutionEnvironment] = []
            with self._lock:
                for arn, envs in self._envs.items():
                    for env in list(envs):
                        if env.status is Status.READY and (arn in gone or now - env.last_used > self.warm_seconds
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
