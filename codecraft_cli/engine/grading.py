"""Grading: the score of a verification, weighted by the workshop's rubric.

The default rubric of a workshop is its seed's own criteria; an optional part of the seed is a
``bonus`` item whose points come on top (the score is capped at 100). A check that is codecraft's
own advice counts only where a teacher put it in the rubric.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..workshop.model import RubricItem, Workshop

if TYPE_CHECKING:
    from .verifier import CheckResult


def passed_names(results: Sequence[CheckResult]) -> set[str]:
    """The checks that passed, by both names a rubric may use (``step.check`` or a resource id)."""
    return {r.check for r in results if r.ok} | {f"{r.step}.{r.check}" for r in results if r.ok}


def item_met(item: RubricItem, passed: set[str]) -> bool:
    return all(check in passed for check in item.checks)


def score(workshop: Workshop, results: Sequence[CheckResult]) -> float:
    """The rubric score in percent (without a rubric: every required check counts equally).

    A rubric item names its checks as ``step.check`` (an explicit check) or a resource id; it
    scores its points when all of them passed.
    """
    passed = passed_names(results)
    if not workshop.rubric:
        counted = [r for r in results if r.kind == "required"]
        return round(100.0 * sum(r.ok for r in counted) / max(len(counted), 1), 1)
    base = sum(item.points for item in workshop.rubric if not item.bonus)
    got = sum(item.points for item in workshop.rubric if item_met(item, passed))
    if base <= 0:  # a rubric of bonus items only
        base = sum(item.points for item in workshop.rubric)
    return round(min(100.0, 100.0 * got / base), 1)
