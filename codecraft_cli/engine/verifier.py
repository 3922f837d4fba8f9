"""Verification: every resource checked against the workshop, then the explicit checks.

A resource check passes when the resource exists and its plan is empty, i.e. the settings
that codecraft would apply are already there; otherwise the detail lists what differs, in
the words of the console page. Explicit checks exercise the workshop end to end: each is run
by the probe registered for its type (``engine/probes.py``). Grading is ``engine/grading.py``.

``by_hand``: what a student built in the console counts — a resource is also found by its
prescribed name when it carries no codecraft tags, and is compared on what the workshop asks
for rather than on every setting codecraft would apply.

Judged as a teacher would (DESIGN.md §7): what the seed prescribes fails the check; what it
leaves open (a role's name, a handler, a timeout that works) is accepted, and codecraft's own
choice there is shown as advice with its reason. A name the seed leaves open is found through the
links first (``engine/discovery``: route -> integration -> function -> role). A part the seed makes
optional and nobody built is reported as such; a check that is codecraft's own addition
(``advice:``) never fails the run. A failed check carries the causes found in the evidence
(``engine/diagnosis``). What the probes wrote is removed at the end (``engine/cleanup``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..aws.errors import error_code
from ..errors import CodecraftError
from ..i18n import N_, _, ngettext, text
from ..resources import handler_for
from ..resources.base import Finding
from ..workshop.model import CheckSpec, ResourceSpec, dependency_order, has_unresolved, resolve
from .context import DeployContext
from .probes import RunState, run_probe
from . import probes_monitoring  # noqa: F401  registers the invoke, metric, alarm_state and trace checks
from . import probes_mail  # noqa: F401  registers the mail check


REQUIRED, ADVICE, OPTIONAL = "required", "advice", "optional"


@dataclass
class CheckResult:
    step: str
    check: str
    ok: bool
    detail: str
    title: str = ""
    fix: str = ""
    kind: str = REQUIRED  # "advice": codecraft's addition; "optional": an optional part not built
    advice: list[str] = field(default_factory=list)  # what the seed leaves open, codecraft's choice and why
    causes: list[dict[str, Any]] = field(default_factory=list)  # found in the evidence (engine/diagnosis)
    not_run: bool = False  # not run: nothing of the workshop exists (the detail says so in words)

    @property
    def failed(self) -> bool:
        """A failure of the run: a required check that did not pass."""
        return not self.ok and self.kind == REQUIRED

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"step": self.step, "check": self.check, "ok": self.ok, "kind": self.kind,
                                "detail": self.detail}
        if not self.ok and self.fix:
            data["fix"] = self.fix
        if self.advice:
            data["advice"] = self.advice
        if self.causes:
            data["causes"] = self.causes
        return data


# the details a result is told apart by are compared in one language: the run's (``_``)
NOTHING_BUILT = N_("not run: none of the workshop's resources exists")
NOT_MADE_YET = N_("not created yet: AWS creates it when first needed")
NOT_BUILT_OPTIONAL = N_("optional part, not built")


def run_checks(ctx: DeployContext, wait_seconds: float = 10.0,
               on_result: Callable[[CheckResult], None] | None = None,
               only_steps: set[str] | None = None,
               outputs: dict[str, dict[str, Any]] | None = None,
               *, by_hand: bool = False, keep_probes: bool = False,
               api_name: str | None = None) -> list[CheckResult]:
    """Observe every resource, compare it with the workshop, then run the explicit checks.

    ``only_steps`` limits the report to those steps (other resources are still observed when
    their outputs are needed and not given in ``outputs``). ``by_hand``: resources built in the
    console count (see the module's docstring). ``keep_probes``: leave what the probes wrote.
    ``api_name``: the REST API to judge (``--api``), when several could be the student's.
    """
    from .cleanup import remove_probe_traces

    workshop = ctx.workshop
    state = RunState(ctx, {**ctx.prerequisite_outputs(), **(outputs or {})}, wait_seconds=wait_seconds)
    results: list[CheckResult] = []

    def add(result: CheckResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    if by_hand:
        from .discovery import discover

        ctx.found.update(discover(ctx, workshop, state.outputs, api_name=api_name))
    by_step: dict[str, list[CheckResult]] = {step.id: [] for step in workshop.steps}
    built: dict[str, int] = {step.id: 0 for step in workshop.steps}
    for res in dependency_order(workshop.resources):
        if only_steps is not None and res.step not in only_steps and res.id in state.outputs:
            continue
        result, exists = _check_resource(state, res, by_hand)
        by_step[res.step].append(result)
        built[res.step] += exists
    # a whole verify that found nothing of the workshop: nothing to probe (a step-by-step check of
    # one step observes that step's resources only, so it always runs its checks)
    nothing = only_steps is None and not any(built.values())
    skipped = {step.id for step in workshop.steps if step.optional and not built[step.id]}
    try:
        for step in workshop.steps:
            if only_steps is not None and step.id not in only_steps:
                continue
            for result in by_step[step.id]:
                if nothing and result.detail == _(NOT_MADE_YET):  # nothing to make it
                    result.ok, result.advice = False, []
                if step.id in skipped:
                    result.kind, result.detail = OPTIONAL, _(NOT_BUILT_OPTIONAL)
                add(result)
            for check in step.checks:
                if nothing:  # say so at once rather than poll for evidence that cannot come
                    add(CheckResult(check.step, check.id, False, _(NOTHING_BUILT), text(check.title, ctx.lang),
                                    kind=_kind(check), not_run=True))
                elif step.id in skipped or _needs_skipped(workshop, check, skipped):
                    add(CheckResult(check.step, check.id, False, _(NOT_BUILT_OPTIONAL),
                                    text(check.title, ctx.lang), kind=OPTIONAL))
                else:
                    add(_run_explicit(state, check))
    finally:
        if not keep_probes and not nothing:
            remove_probe_traces(state)
    if outputs is not None:
        outputs.update({k: v for k, v in state.outputs.items() if ":" not in k})
    return results


def _kind(check: CheckSpec) -> str:
    return ADVICE if check.advice else REQUIRED


def _needs_skipped(workshop: Any, check: CheckSpec, skipped: set[str]) -> bool:
    """A check that needs a resource (or a step) of an optional part nobody built."""
    steps_of = {res.id: res.step for res in workshop.resources}
    return any(steps_of.get(need, need) in skipped for need in check.needs)


def _check_resource(state: RunState, res: ResourceSpec, by_hand: bool) -> tuple[CheckResult, bool]:
    """The resource compared with the workshop, and whether it is one of the workshop's that
    exists (a look-up such as the default VPC does not count). Its outputs go to ``state``."""
    ctx = state.ctx
    handler = handler_for(res.type)
    props = _left_open_dropped(handler, res, resolve(res.properties, state.outputs))
    name = handler.label(ctx, res, props)
    title = _("{console}: {name}").format(console=handler.info.page(), name=name)
    exists = False
    try:
        if has_unresolved(props):
            observed = None
            detail = _("cannot be checked: it depends on a resource that is missing")
        else:
            handler.prepare(ctx, res, props)
            observed = handler.observe_by_hand(ctx, res, props) if by_hand else handler.observe(ctx, res, props)
            detail = ""
        fix, advice = "", []
        if observed is None:
            ok = False
        elif not observed.exists and handler.made_by_aws and not handler.prescribed_for(res):
            ok, detail = True, _(NOT_MADE_YET)
            advice = [handler.missing(ctx, res, props)]
        elif not observed.exists:
            ok, detail = False, _("{name} does not exist").format(name=name)
            fix = handler.missing(ctx, res, props)
        else:
            findings = handler.check(ctx, res, props, observed, by_hand=by_hand)
            problems = [_said(f) for f in findings if handler.requires(res, f)]
            advice = [_said(f, with_reason=True) for f in findings if not handler.requires(res, f)]
            ok = not problems
            detail = (_("exists and matches the workshop") if ok else
                      ngettext("{count} difference", "{count} differences", len(problems)).format(count=len(problems)))
            fix = _("; ").join(problems)
        if observed is not None:
            state.outputs[res.id] = handler.resolve_outputs(ctx, res, props, observed, {})
            exists = observed.exists and not handler.info.lookup
    except Exception as exc:
        ok, detail, fix, advice = False, _failure(exc), "", []
    return CheckResult(res.step, res.id, ok, detail, title, fix, advice=advice), exists


def _left_open_dropped(handler: Any, res: ResourceSpec, props: dict[str, Any]) -> dict[str, Any]:
    """Without the properties the seed leaves open that refer to a resource nobody built (a route's
    Cognito authorizer, optional in the seed): what is left is still checked."""
    if not has_unresolved(props):
        return props
    def required(key: str) -> bool:  # by the type (the API of a route) or by the seed
        prop = handler.schema.get(key)
        return bool(prop is None or prop.required) or bool(handler.requires(res, Finding(key, "")))

    return {key: value for key, value in props.items() if not has_unresolved(value) or required(key)}


def _said(finding: Finding | str, with_reason: bool = False) -> str:
    if isinstance(finding, str):
        return finding
    return f"{finding.fix} — {finding.reason}" if with_reason and finding.reason else finding.fix


def _run_explicit(state: RunState, check: CheckSpec) -> CheckResult:
    from .diagnosis import diagnose

    lang = state.ctx.lang
    try:
        ok, detail = run_probe(state, check)
    except Exception as exc:
        ok, detail = False, _failure(exc)
    result = CheckResult(check.step, check.id, ok, detail, text(check.title, lang), text(check.fix, lang),
                         kind=_kind(check))
    if check.advice and not ok:  # codecraft's addition, not done: why codecraft adds it
        result.advice = [text(check.advice, lang)]
    elif not ok:  # a requirement of the seed: its cause, from the evidence
        result.causes = [cause.as_json() for cause in diagnose(state, check, detail)]
    return result


def _failure(exc: Exception) -> str:
    """What a check says of a codecraft error or an AWS error; anything else is a bug: raised."""
    if isinstance(exc, CodecraftError):
        return exc.message
    if not type(exc).__module__.startswith("botocore"):
        raise exc
    return f"{error_code(exc) or type(exc).__name__}: {exc}"[:300]
