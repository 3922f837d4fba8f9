"""Typed results of the engine's operations; ``as_json()`` gives the stable ``--json`` shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .deploy import ResourceResult

COUNTED = ("created", "updated", "unchanged", "planned")


@dataclass
class SetupReport:
    """One deployment's setup (a prerequisite set up first has its own)."""

    workshop: str
    student: str | None
    target: str
    dry_run: bool
    seconds: float
    api_calls: int
    results: list[ResourceResult]
    invoke_url: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {a: sum(r.action == a for r in self.results) for a in COUNTED}

    def as_json(self) -> dict[str, Any]:
        return {
            "workshop": self.workshop, "student": self.student, "target": self.target, "dry_run": self.dry_run,
            "seconds": round(self.seconds, 2), "api_calls": self.api_calls, **self.counts,
            "resources": [{"id": r.id, "type": r.type, "name": r.name, "step": r.step,
                           "action": r.action, "seconds": round(r.seconds, 3), "started": round(r.started, 3),
                           "calls": [c.describe() for c in r.calls] if self.dry_run else None}
                          for r in self.results],
        }


@dataclass
class ChecksReport:
    """The checks of a workshop (verify, and the end of a step-by-step setup)."""

    workshop: str
    results: list[Any]  # CheckResult
    score: float | None = None  # verify's rubric score (not in the step-by-step report)
    nothing_built: bool = False  # not one resource of the workshop exists
    recorded: bool = False  # codecraft set it up (a rerun of setup repairs it); else built by hand

    @property
    def passed(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> int:
        """Required checks that did not pass (advice and optional parts not built do not fail)."""
        return sum(r.failed for r in self.results)

    def as_json(self) -> dict[str, Any]:
        data = {"workshop": self.workshop, "checks": [r.as_json() for r in self.results],
                "passed": self.passed, "failed": self.failed, "total": self.total}
        return data if self.score is None else {**data, "score": self.score}


@dataclass
class TeardownReport:
    deleted: list[dict[str, Any]] = field(default_factory=list)
    remaining: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    api_calls: int | None = None  # None: a sweep (it does not count them)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"deleted": self.deleted, "remaining": self.remaining, "dry_run": self.dry_run}
        return data if self.api_calls is None else {**data, "api_calls": self.api_calls}


@dataclass
class StatusReport:
    deployments: list[dict[str, Any]]
    target: str
    is_local: bool

    @property
    def cost_per_hour(self) -> float:
        return float(sum(d["cost_per_hour"] for d in self.deployments))

    def as_json(self) -> dict[str, Any]:
        return {"deployments": self.deployments}


@dataclass
class DoctorReport:
    target: str
    findings: list[Any]  # doctor.Finding

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {"target": self.target, "checks": [f.as_json() for f in self.findings], "ok": self.ok}
