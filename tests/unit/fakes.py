"""A context for pure plan tests: names, tags, account and region, and no client at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codecraft_cli.engine.packaging import Artifact


@dataclass
class PlanContext:
    region: str = "eu-west-3"
    is_local: bool = False
    student: str | None = None
    gateway: str | None = None
    account_id: str = "111122223333"
    artifacts: dict[str, Artifact] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        raise AssertionError(f"a pure plan must not call AWS ({service})")

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base

    @property
    def tags(self) -> dict[str, str]:
        return {"codecraft:workshop": "anycompany-orders", "codecraft:student": self.student or "-",
                "codecraft:deployment": "anycompany-orders"}

    @property
    def identity_tags(self) -> dict[str, str]:
        return self.tags

    def artifact(self, source: str) -> Artifact:
        return self.artifacts[source]
