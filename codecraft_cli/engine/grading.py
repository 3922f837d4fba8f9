"""Grading: the score of a verification, weighted by the workshop's rubric."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..workshop.model import Workshop

if TYPE_CHECKING:
    from .verifier import CheckResult


def score(workshop: Workshop, results: Sequence[CheckResult]) -> float:
    """The rubric score in percent (every check counts equally without a rubric).

    A rubric item names its checks as ``step.check`` (an explicit check) or a resource id; it
    scores its points when all of them passed.
    """
    passed = {r.check for r in results if r.ok} | {f"{r.step}.{r.check}" for r in results if r.ok}
    if not workshop.rubric:
        return round(100.0 * sum(r.ok for r in results) / max(len(results), 1), 1)
    total = sum(item.points for item in workshop.rubric)
    got = sum(item.points for item in workshop.rubric if all(c in passed for c in item.checks))
    return round(100.0 * got / total, 1)
