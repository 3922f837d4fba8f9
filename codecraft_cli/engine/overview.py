"""What exists and whether it works: ``status``, ``verify`` and ``doctor`` as typed reports."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .identity import Deployments
from .reports import ChecksReport, DoctorReport, StatusReport
from .session import open_context, open_target
from .settings import Settings


def status(settings: Settings, workshop: str | None = None, student: str | None = None) -> StatusReport:
    """The recorded deployments of this target: resources, since when, what they cost per hour."""
    from ..resources import all_handlers
    from .costs import deployment_cost

    lookups = {name for name, handler in all_handlers().items() if handler.info.lookup}
    target = open_target(settings, start=False)
    deployments = []
    for state in Deployments(target.name).find(workshop, student or None):
        cost, parts = deployment_cost(state.resources, str(state.data.get("region")))
        deployments.append({
            "workshop": state.data.get("workshop"), "student": state.data.get("student"),
            "target": state.data.get("target"), "region": state.data.get("region"),
            "created_at": state.data.get("created_at"), "expires_at": state.data.get("expires_at"),
            "cost_per_hour": round(cost, 4), "billing": parts,
            "resources": [{"type": rec["type"], "name": str(rec.get("outputs", {}).get("name") or rid),
                           "id": rec.get("id"), "created_at": rec.get("created_at"),
                           "age_seconds": round(time.time() - float(rec.get("created_at") or time.time()))}
                          for rid, rec in state.resources.items() if rec["type"] not in lookups],
        })
    return StatusReport(deployments, target.name, target.is_local)


def verify(settings: Settings, workshop: str, student: str | None,
           on_result: Callable[[Any], None] | None = None, *, keep_probes: bool = False,
           api_name: str | None = None, email: str | None = None) -> ChecksReport:
    """Every check of the workshop, on what exists (built by codecraft, by hand in the console or
    by another tool), judged as a teacher would (engine/verifier)."""
    from ..workshop import load_workshop
    from .grading import score
    from .verifier import run_checks

    from .runtime_choice import deployed

    w = load_workshop(workshop)
    target = open_target(settings)
    ctx = open_context(w, target, student, settings.lang)
    if (chosen := deployed(w, ctx.key)) is not w:  # set up with --runtime nodejs: judged as such
        w, ctx = chosen, open_context(chosen, target, student, settings.lang)
    from .email_choice import chosen_email  # the address it sends e-mail to (setup --email)

    if (chosen := chosen_email(w, ctx.key, email, target.is_local).workshop(w)) is not w:
        w, ctx = chosen, open_context(chosen, target, student, settings.lang)
    # resources built by hand in the console count, found by their names or through their links
    results = run_checks(ctx, on_result=on_result, by_hand=True, keep_probes=keep_probes, api_name=api_name)
    nothing = not any(r.ok for r in results) and any(r.not_run for r in results)
    return ChecksReport(w.id, results, score(w, results), nothing_built=nothing,
                        recorded=bool(ctx.key.store().resources))


def doctor(settings: Settings, workshop: str | None = None) -> DoctorReport:
    """This machine (and, on the aws target, the account): what is ready, what to fix."""
    from ..workshop import load_workshop
    from .doctor import all_workshop_ids, aws_findings, local_findings

    ids = [load_workshop(workshop).id] if workshop else all_workshop_ids()
    findings = local_findings()
    if settings.target == "aws":
        findings += aws_findings(open_target(settings), ids)
    return DoctorReport(settings.target, findings)
