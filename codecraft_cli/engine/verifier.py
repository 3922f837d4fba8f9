"""Verification: every resource checked against the workshop, then the explicit checks.

A resource check passes when the resource exists and its plan is empty, i.e. the settings
that codecraft would apply are already there; otherwise the detail lists what differs, in
the words of the console page. Explicit checks exercise the workshop end to end: each is run
by the probe registered for its type (``engine/probes.py``). Grading is ``engine/grading.py``.

``by_hand``: what a student built in the console counts — a resource is also found by its
prescribed name when it carries no codecraft tags, and is compared on what the workshop asks
for rather than on every setting codecraft would apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..aws.errors import error_code
from ..errors import CodecraftError
from ..i18n import text
from ..resources import handler_for
from ..workshop.model import CheckSpec, ResourceSpec, dependency_order, has_unresolved, resolve
from .context import DeployContext
from .probes import RunState, run_probe


@dataclass
class CheckResult:
    step: str
    check: str
    ok: bool
    detail: str
    title: str = ""
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"step": self.step, "check": self.check, "ok": self.ok, "detail": self.detail}
        if not self.ok and self.fix:
            data["fix"] = self.fix
        return data


NOTHING_BUILT = "not run: none of the workshop's resources exists"


def run_checks(ctx: DeployContext, wait_seconds: float = 10.0,
               on_result: Callable[[CheckResult], None] | None = None,
               only_steps: set[str] | None = None,
               outputs: dict[str, dict[str, Any]] | None = None,
               *, by_hand: bool = False) -> list[CheckResult]:
    """Observe every resource, compare it with the workshop, then run the explicit checks.

    ``only_steps`` limits the report to those steps (other resources are still observed when
    their outputs are needed and not given in ``outputs``). ``by_hand``: resources built in the
    console count (see the module's docstring).
    """
    workshop = ctx.workshop
    state = RunState(ctx, {**ctx.prerequisite_outputs(), **(outputs or {})}, wait_seconds=wait_seconds)
    results: list[CheckResult] = []

    def add(result: CheckResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    by_step: dict[str, list[CheckResult]] = {step.id: [] for step in workshop.steps}
    found = 0  # resources of the workshop itself that exist (a look-up such as the default VPC not counted)
    for res in dependency_order(workshop.resources):
        if only_steps is not None and res.step not in only_steps and res.id in state.outputs:
            continue
        result, exists = _check_resource(state, res, by_hand)
        by_step[res.step].append(result)
        found += exists
    # a whole verify that found nothing of the workshop: nothing to probe (a step-by-step check of
    # one step observes that step's resources only, so it always runs its checks)
    nothing = only_steps is None and found == 0
    for step in workshop.steps:
        if only_steps is not None and step.id not in only_steps:
            continue
        for result in by_step[step.id]:
            add(result)
        for check in step.checks:
            if nothing:  # say so at once rather than poll for evidence that cannot come
                add(CheckResult(check.step, check.id, False, NOTHING_BUILT, text(check.title, ctx.lang)))
                continue
            add(_run_explicit(state, check))
    if outputs is not None:
        outputs.update({k: v for k, v in state.outputs.items() if ":" not in k})
    return results


def _check_resource(state: RunState, res: ResourceSpec, by_hand: bool) -> tuple[CheckResult, bool]:
    """The resource compared with the workshop, and whether it is one of the workshop's that
    exists (a look-up such as the default VPC does not count). Its outputs go to ``state``."""
    ctx = state.ctx
    handler = handler_for(res.type)
    props = resolve(res.properties, state.outputs)
    name = handler.name(ctx, res) if handler.info.named else res.id
    title = f"{handler.info.console}: {name}"
    exists = False
    try:
        if has_unresolved(props):
            observed = None
            detail = "cannot be checked: it depends on a resource that is missing"
        else:
            handler.prepare(ctx, res, props)
            observed = handler.observe_by_hand(ctx, res, props) if by_hand else handler.observe(ctx, res, props)
            detail = ""
        fix = ""
        if observed is None:
            ok = False
        elif not observed.exists:
            ok, detail = False, f"{name} does not exist"
            fix = handler.missing(ctx, res, props)
        else:
            problems = handler.check(ctx, res, props, observed, by_hand=by_hand)
            ok = not problems
            detail = "exists and matches the workshop" if ok else f"{len(problems)} difference(s)"
            fix = "; ".join(problems)
        if observed is not None:
            state.outputs[res.id] = handler.resolve_outputs(ctx, res, props, observed, {})
            exists = observed.exists and not handler.info.lookup
    except Exception as exc:
        ok, detail, fix = False, _failure(exc), ""
    return CheckResult(res.step, res.id, ok, detail, title, fix), exists


def _run_explicit(state: RunState, check: CheckSpec) -> CheckResult:
    lang = state.ctx.lang
    try:
        ok, detail = run_probe(state, check)
    except Exception as exc:
        ok, detail = False, _failure(exc)
    return CheckResult(check.step, check.id, ok, detail, text(check.title, lang), text(check.fix, lang))


def _failure(exc: Exception) -> str:
    """What a check says of a codecraft error or an AWS error; anything else is a bug: raised."""
    if isinstance(exc, CodecraftError):
        return exc.message
    if not type(exc).__module__.startswith("botocore"):
        raise exc
    return f"{error_code(exc) or type(exc).__name__}: {exc}"[:300]
