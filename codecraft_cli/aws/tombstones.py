"""Deletions AWS completes after answering: remembered for a while, so the next setup does not
take what is being deleted for what exists.

SQS: "When you delete a queue, the deletion process takes up to 60 seconds. Requests you send
involving that queue during the 60 seconds might succeed" (SQS API reference, DeleteQueue): a
GetQueueUrl right after a teardown may still answer. The executor remembers each such deletion
(``Call.tombstone``) in ``CODECRAFT_HOME/recently-deleted.json``; a handler asks
:func:`recently_deleted` before trusting what it observes.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Callable

from ..paths import home

_LOCK = threading.Lock()
KEEP = 120.0  # seconds a deletion is remembered (SQS: 60 s, with margin)


def _path() -> str:
    return str(home() / "recently-deleted.json")


def _read() -> dict[str, float]:
    try:
        with open(_path(), encoding="utf-8") as handle:
            data = json.load(handle)
        return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def remember_deleted(key: str, now: float | None = None) -> None:
    """Record that ``key`` (e.g. ``sqs:<queue url>``) was just deleted."""
    now = time.time() if now is None else now
    _update(lambda data: data.__setitem__(key, now), now)


def forget_deleted(key: str, now: float | None = None) -> None:
    """``key`` exists again (made anew after its deletion): no longer taken for being deleted."""
    _update(lambda data: data.pop(key, None), time.time() if now is None else now)


def _update(change: Callable[[dict[str, float]], object], now: float) -> None:
    with _LOCK:
        data = {k: t for k, t in _read().items() if now - t < KEEP}
        change(data)
        home().mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=str(home()), prefix=".deleted-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, _path())


def recently_deleted(key: str, within: float, now: float | None = None) -> float | None:
    """Seconds since ``key`` was deleted, if less than ``within``; else None."""
    now = time.time() if now is None else now
    with _LOCK:
        when = _read().get(key)
    if when is None or now - when >= within:
        return None
    return max(0.0, now - when)
