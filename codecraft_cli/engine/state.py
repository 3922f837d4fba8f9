"""The deployment state store: one JSON file per deployment under CODECRAFT_HOME/state/.

Every resource is recorded the moment the call that creates it returns (before the next
call), and every write is atomic (temporary file + fsync + rename), so a crash at any point
leaves a readable file that names everything that exists. Teardown works from this file (named by its deployment's key, see identity.py);
``teardown --sweep`` works without it, from tags.

No secret value is ever written here: only names, ids, ARNs and non-secret attributes.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

VERSION = 1


class StateStore:
    def __init__(self, path: Path, header: Mapping[str, Any] | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path.exists():
            self.data = json.loads(path.read_text())
        else:
            self.data = {"version": VERSION, **(header or {}), "resources": {}}

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.data["resources"]
        return resources

    @property
    def outputs(self) -> dict[str, dict[str, Any]]:
        """Each recorded resource's outputs (names, ids, ARNs), by logical id."""
        return {rid: dict(rec.get("outputs") or {}) for rid, rec in self.resources.items()}

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def record(self, logical_id: str, type_: str, step: str, deps: list[str],
               physical_id: str, outputs: Mapping[str, Any]) -> None:
        with self._lock:
            entry = self.resources.get(logical_id) or {"created_at": time.time()}
            entry.update({"type": type_, "step": step, "deps": list(deps), "id": physical_id,
                          "outputs": _jsonable(outputs)})
            self.resources[logical_id] = entry
            self._write()

    def set_meta(self, key: str, value: Any) -> None:
        """A deployment-level fact (expiry): written with the next record, or now if it exists."""
        with self._lock:
            self.data[key] = value
            if self.path.exists():
                self._write()

    @property
    def steps(self) -> dict[str, str]:
        """Step-by-step progress: step id -> done | manual | skipped."""
        return dict(self.data.get("steps") or {})

    def set_step(self, step_id: str, status: str) -> None:
        with self._lock:
            self.data.setdefault("steps", {})[step_id] = status
            self._write()

    def remove(self, logical_id: str) -> None:
        with self._lock:
            self.resources.pop(logical_id, None)
            if self.resources:
                self._write()
            else:  # nothing left: the deployment (and its step progress) is over
                self.path.unlink(missing_ok=True)
                self.data.pop("steps", None)

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.data.setdefault("created_at", time.time())
        self.data["updated_at"] = time.time()
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(self.data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
