"""One deployment identity: a :class:`DeploymentKey` names a deployment (its id, its state file,
its tags) and :class:`Deployments` finds, reads and merges the recorded deployments of a target.

A deployment is one workshop set up on one target, in one region, for one student (or none).
Its id is ``workshop`` or ``workshop--student``; its state file is
``CODECRAFT_HOME/state/<target>-<region>-<id>.json``; its resources carry its identity tags.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..resources.base import TAG_DEPLOYMENT, TAG_STUDENT, TAG_WORKSHOP
from ..workshop.model import Workshop
from .state import StateStore


def deployment_id(workshop: str, student: str | None) -> str:
    return f"{workshop}--{student}" if student else workshop


@dataclass(frozen=True)
class DeploymentKey:
    """target × region × workshop × student: everything that tells one deployment from another
    (a frozen value: a dictionary key, the same wherever it is built)."""

    target: str
    region: str
    workshop: str
    student: str | None = None

    @property
    def id(self) -> str:
        return deployment_id(self.workshop, self.student)

    @property
    def state_path(self) -> Path:
        safe = self.id.replace("/", "_")
        return paths.state_dir() / f"{self.target}-{self.region}-{safe}.json"

    @property
    def tags(self) -> dict[str, str]:
        """The tags that prove a resource belongs to this deployment."""
        return {TAG_WORKSHOP: self.workshop, TAG_STUDENT: self.student or "-", TAG_DEPLOYMENT: self.id}

    def of(self, workshop: str) -> DeploymentKey:
        """The same target, region and student, another workshop (a prerequisite)."""
        return DeploymentKey(self.target, self.region, workshop, self.student)

    def store(self) -> StateStore:
        """Its state file (read if it exists, else an empty one with this header)."""
        return StateStore(self.state_path, {"workshop": self.workshop, "student": self.student,
                                            "target": self.target, "region": self.region, "deployment": self.id})

    def is_set_up(self) -> bool:
        return self.state_path.exists() and bool(StateStore(self.state_path).resources)


def prerequisites(workshop: Workshop) -> list[str]:
    """The workshops it requires, and theirs (workshop3 -> workshop2, workshop1), nearest first."""
    from ..workshop.loader import prerequisites_of

    return prerequisites_of(workshop.requires)


def unlisted_workshop(workshop_id: str, path: Path) -> Workshop:
    """A workshop known only by its id (no longer in the catalogue, or every workshop for a sweep)."""
    return Workshop(id=workshop_id, title={}, seed=None, requires=(), services=(), steps=(), payloads={},
                    api=None, default_route=None, default_payload=None, rubric=(), path=path)


def recorded_workshop(state: StateStore) -> Workshop:
    """The workshop a state file records, or a stand-in when it left the catalogue."""
    from ..errors import UserError
    from ..workshop import load_workshop
    from ..workshop.variants import with_runtime

    try:  # in the language its functions were set up in (setup --runtime)
        return with_runtime(load_workshop(state.data["workshop"]), state.data.get("runtime"))
    except UserError:
        return unlisted_workshop(state.data["workshop"], state.path)


def key_of(state: StateStore) -> DeploymentKey:
    data = state.data
    return DeploymentKey(str(data.get("target")), str(data.get("region")), str(data.get("workshop")),
                         data.get("student"))


class Deployments:
    """The deployments recorded on one target (state files read once, on first use)."""

    def __init__(self, target: str, region: str | None = None) -> None:
        self.target = target
        self.region = region  # None: every region
        self._states: list[StateStore] | None = None

    def key(self, workshop: str, student: str | None) -> DeploymentKey:
        if self.region is None:
            raise ValueError("a deployment key needs a region")
        return DeploymentKey(self.target, self.region, workshop, student)

    def all(self) -> list[StateStore]:
        if self._states is None:
            self._states = [s for s in all_states(self.target)
                            if self.region is None or s.data.get("region") == self.region]
        return self._states

    def find(self, workshop: str | None = None, student: str | None = None, *,
             any_student: bool = True, expired: bool = False) -> list[StateStore]:
        """The recorded deployments of ``workshop`` (None: all) and ``student`` (None: any student,
        unless ``any_student`` is False: then only those without a student); with ``expired``,
        only those past their expiry."""
        now = time.time()
        return [s for s in self.all()
                if (workshop is None or s.data.get("workshop") == workshop)
                and ((student is None and any_student) or s.data.get("student") == student)
                and (not expired or (s.data.get("expires_at") or now + 1) < now)]

    def outputs(self, key: DeploymentKey, requires: Iterable[str],
                own: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
        """Outputs of the prerequisites' resources (``workshop:resource`` keys; ``requires`` is
        the whole closure), then ``own`` (this deployment's: resource id -> outputs)."""
        merged: dict[str, dict[str, Any]] = {}
        for required in requires:
            for rid, outputs in key.of(required).store().outputs.items():
                merged[f"{required}:{rid}"] = outputs
        merged.update({rid: dict(outputs) for rid, outputs in (own or {}).items()})
        return merged


def all_states(target: str | None = None) -> list[StateStore]:
    """Every readable state file (of one target), in file-name order."""
    import json

    folder = paths.state_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            store = StateStore(path)
        except (OSError, json.JSONDecodeError):
            continue
        if target is None or store.data.get("target") == target:
            found.append(store)
    return found
