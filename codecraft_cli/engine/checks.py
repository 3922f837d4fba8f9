"""Former home of verification, kept while its importers move: see verifier, probes, grading."""

from __future__ import annotations

from ..workshop.check_types import CHECK_TYPES
from .grading import score
from .probes import RunState
from .verifier import NOTHING_BUILT, CheckResult, run_checks

__all__ = ["CHECK_TYPES", "NOTHING_BUILT", "CheckResult", "RunState", "run_checks", "score"]
