"""The deployment context handed to resource handlers: target, names, tags, clients."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..aws.clients import Clients, Target
from ..errors import UserError
from ..i18n import _
from ..resources.base import TAG_EXPIRES
from ..workshop.model import Workshop
from . import packaging
from .identity import DeploymentKey, Deployments, prerequisites

STUDENT_RE = re.compile(r"^[a-z][a-z0-9-]{0,19}$")


def check_student(student: str | None) -> str | None:
    if student is None:
        return None
    if not STUDENT_RE.fullmatch(student):
        raise UserError(
            _("Invalid student name {student!r}.").format(student=student),
            hint=_("Use 1-20 lowercase letters, digits or hyphens, starting with a letter "
                   "(it becomes part of every resource name), e.g. --student alice."),
        )
    return student


@dataclass
class DeployContext:
    workshop: Workshop
    target: Target
    clients: Clients
    student: str | None = None
    lang: str = "en"
    expires_at: float | None = None  # epoch seconds: `teardown --expired` removes it after
    # resource id -> physical name found through the links (engine/discovery): a name the seed leaves open
    found: dict[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _artifacts: dict[str, packaging.Artifact] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def region(self) -> str:
        return self.target.region

    @property
    def is_local(self) -> bool:
        return self.target.is_local

    @property
    def gateway(self) -> str | None:
        return self.target.gateway

    @property
    def account_id(self) -> str:
        return self.clients.account_id

    @property
    def key(self) -> DeploymentKey:
        return DeploymentKey(self.target.name, self.region, self.workshop.id, self.student)

    @property
    def deployment(self) -> str:
        return self.key.id

    @property
    def lab_role_arn(self) -> str | None:
        """The Learner Lab's LabRole, used instead of creating roles there."""
        from ..aws.clients import LAB_ROLE

        if self.clients.learner_lab:
            return f"arn:aws:iam::{self.account_id}:role/{LAB_ROLE}"
        return None

    def client(self, service: str) -> Any:
        return self.clients.client(service)

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base

    @property
    def identity_tags(self) -> dict[str, str]:
        """The tags that prove a resource belongs to this deployment."""
        return self.key.tags

    @property
    def tags(self) -> dict[str, str]:
        """The tags put on every resource created: identity, and when it should be gone."""
        tags = self.identity_tags
        if self.expires_at:
            tags[TAG_EXPIRES] = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(self.expires_at))
        return tags

    def owns(self, tags: dict[str, str] | None) -> bool:
        if tags is None:
            return True
        return all(tags.get(key) == value for key, value in self.identity_tags.items())

    def prerequisite_outputs(self) -> dict[str, dict[str, Any]]:
        """Outputs of the prerequisite workshops' resources, as ``workshop:resource`` keys."""
        return Deployments(self.target.name, self.region).outputs(self.key, prerequisites(self.workshop))

    def known_outputs(self, own: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
        """The prerequisites' outputs, then this deployment's own (``own``: resource id -> outputs;
        default: as its state file records them)."""
        return Deployments(self.target.name, self.region).outputs(
            self.key, prerequisites(self.workshop), self.key.store().outputs if own is None else own)

    def artifact(self, source: str) -> packaging.Artifact:
        with self._lock:
            if source not in self._artifacts:
                self._artifacts[source] = packaging.build(source)
            return self._artifacts[source]
