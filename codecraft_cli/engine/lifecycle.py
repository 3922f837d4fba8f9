"""Setup and teardown of deployments, as the commands ask for them (no Typer, no Rich here).

``setup`` sets up the missing prerequisites first (each one a deployment of its own), then the
workshop's chosen steps; ``teardown`` picks the recorded deployments, refuses to remove a
prerequisite another deployment still uses, and removes dependants first; ``sweep`` works
without state files, from tags. What happens is told to a :class:`Reporter` (the CLI's
rendering); what was done comes back as a report (reports.py).
"""

from __future__ import annotations

import re
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from ..errors import AwsFailure, UserError
from ..i18n import _, ngettext, number
from ..workshop.model import Workshop
from .context import DeployContext, check_student
from .deploy import Deployer, Event, ResourceResult
from .identity import Deployments, recorded_workshop, unlisted_workshop
from .reports import ChecksReport, SetupReport, TeardownReport
from .session import open_context, open_target, state_for
from .settings import Settings
from .state import StateStore


class Reporter(Protocol):
    """How an operation tells what it does (the CLI renders it; a test may record it)."""

    def note(self, what: str, **facts: Any) -> None:
        """A fact worth saying as it happens: ``what`` names it, ``facts`` its details."""

    def confirm(self, question: str, required: bool) -> None:
        """Ask before changing anything; return to go on, raise to stop. ``required``: without a
        terminal, going on needs an explicit yes."""

    def progress(self, workshop: Workshop, total: int, verb: str) -> AbstractContextManager[Event]:
        """A live display of ``total`` resources being worked on; gives the event callback."""

    def set_up(self, report: SetupReport) -> None:
        """One deployment is set up (a prerequisite, or the workshop asked for)."""

    def step_by_step(self, ctx: DeployContext, state: StateStore, steps: list[Any]) -> list[Any] | None:
        """Run the steps one at a time with the user; the final checks, or None if they quit."""


@dataclass(frozen=True)
class SetupRequest:
    workshop: str
    student: str | None = None
    from_step: str | None = None
    to_step: str | None = None
    dry_run: bool = False
    expires: str | None = None
    step_by_step: bool = False
    runtime: str | None = None  # python | nodejs: the language of the functions (default: as recorded, else python)
    email: str | None = None  # the address of a workshop that sends e-mail (engine/email_choice.py)


@dataclass(frozen=True)
class TeardownRequest:
    workshop: str | None = None
    all: bool = False
    expired: bool = False
    sweep: bool = False
    student: str | None = None
    dry_run: bool = False


def parse_duration(value: str) -> float:
    """'90m', '4h', '2d' -> seconds."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", value.lower())
    if not found:
        raise UserError(_("Invalid duration {value!r}.").format(value=value), hint=_("Write it like 90m, 4h or 2d."))
    return float(found.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]


def cost_line(workshops: list[Workshop], region: str, students: int = 1) -> tuple[float, str]:
    """The hourly cost of setting these workshops up (what bills while they exist)."""
    from .costs import workshop_cost

    total, parts = 0.0, []
    for w in workshops:
        cost, what = workshop_cost(w, region)
        total += cost
        parts += what
    total *= students
    if not parts:
        return 0.0, _("nothing bills by the hour (pay-per-request services only)")
    if students > 1:
        return total, ngettext("about ${cost}/hour × {count} student while it exists ({parts})",
                               "about ${cost}/hour × {count} students while it exists ({parts})", students).format(
            cost=number(total, 3), count=students, parts="; ".join(parts))
    return total, _("about ${cost}/hour while it exists ({parts})").format(cost=number(total, 3), parts="; ".join(parts))


def steps_between(workshop: Workshop, start: str | None, end: str | None) -> list[Any]:
    """The steps from --from to --to (both included), each id checked."""
    ids = [step.id for step in workshop.steps]
    for value in (start, end):
        if value is not None and value not in ids:
            raise UserError(_("Unknown step {step!r} in {workshop}.").format(step=value, workshop=workshop.id),
                            hint=_("Steps: {steps}.").format(steps=", ".join(ids)))
    lo = ids.index(start) if start else 0
    hi = ids.index(end) if end else len(ids) - 1
    return list(workshop.steps[lo: hi + 1])


def setup(settings: Settings, request: SetupRequest, reporter: Reporter) -> SetupReport | ChecksReport | None:
    """Set the workshop up (its missing prerequisites first); idempotent. The report of the
    workshop's own setup, the checks of a step-by-step run, or None if the user quit it."""
    from ..workshop import load_workshop

    from .email_choice import check_email, chosen_email, email_for_prerequisite
    from .runtime_choice import check_runtime, chosen_runtime, for_prerequisite

    w = load_workshop(request.workshop)
    check_runtime(w, request.runtime)
    check_email(w, request.email)
    ttl_asked = parse_duration(request.expires) if request.expires else None  # bad input before anything starts
    steps = steps_between(w, request.from_step, request.to_step)
    chosen = [res for step in steps for res in step.resources]
    target = open_target(settings, on_start=lambda: reporter.note("starting_emulator"))
    # before any prerequisite: on AWS, a workshop that sends e-mail needs an address (exit 2)
    email = chosen_email(w, Deployments(target.name, target.region).key(w.id, request.student), request.email,
                         target.is_local)
    for required in w.requires:
        if not Deployments(target.name, target.region).key(required, request.student).is_set_up():
            reporter.note("prerequisite", workshop=required, dry_run=request.dry_run)
            setup(settings, replace(request, workshop=required, from_step=None, to_step=None, expires=None,
                                    step_by_step=False, runtime=for_prerequisite(required, request.runtime),
                                    email=email_for_prerequisite(required, request.email)), reporter)
    runtime = chosen_runtime(Deployments(target.name, target.region).key(w.id, request.student), request.runtime)
    if runtime.name or email.address:
        w = email.workshop(runtime.workshop(w))
        steps = steps_between(w, request.from_step, request.to_step)
        chosen = [res for step in steps for res in step.resources]
    ctx = open_context(w, target, request.student, settings.lang)
    state = state_for(ctx)
    if runtime.name and not request.dry_run:
        state.set_meta("runtime", runtime.name)
    if email.address and not request.dry_run:
        state.set_meta("email", email.address)
    ttl = ttl_asked if request.expires else (None if target.is_local else 24 * 3600.0)
    if ttl:
        ctx.expires_at = time.time() + ttl
        state.set_meta("expires_at", ctx.expires_at)
    place = where(ctx)
    if not target.is_local and ctx.lab_role_arn:
        from .doctor import LEARNER_LAB_REGIONS

        if target.region not in LEARNER_LAB_REGIONS:
            raise UserError(_("AWS Academy Learner Lab accounts work in {first} and {second} only, not {region}.")
                            .format(first=LEARNER_LAB_REGIONS[0], second=LEARNER_LAB_REGIONS[1], region=target.region),
                            hint=_("Pass --region us-east-1."))
        reporter.note("learner_lab")
    if not target.is_local and not request.dry_run:
        cost, line = cost_line([w], target.region)
        reporter.note("cost", line=line)
        question = (_("Create the resources of {workshop} in {place} (≈ ${cost}/h)?") if cost
                    else _("Create the resources of {workshop} in {place}?"))
        reporter.confirm(question.format(workshop=w.id, place=place, cost=number(cost, 3)), required=True)
    if request.step_by_step:
        results = reporter.step_by_step(ctx, state, steps)
        return None if results is None else ChecksReport(w.id, results)
    reporter.note("setting_up", workshop=w, where=place, dry_run=request.dry_run)
    started = time.monotonic()
    with reporter.progress(w, len(chosen), "planning" if request.dry_run else "creating") as event:
        deployer = Deployer(ctx, state, executor_for(ctx, request.dry_run), event)
        results = deployer.setup(chosen)
    # the stage deployed by this run, whichever handler deployed it: the one with an invoke URL
    stage = next((out for r in chosen if (out := deployer.outputs.get(r.id, {})).get("invoke_url")), {})
    report = SetupReport(w.id, ctx.student, target.name, request.dry_run, time.monotonic() - started,
                         ctx.clients.call_count, results,
                         None if request.dry_run else stage.get("invoke_url"))
    reporter.set_up(report)
    return report


def where(ctx: DeployContext) -> str:
    if ctx.is_local:
        return _("the embedded emulator")
    return _("AWS account {account} ({region})").format(account=ctx.account_id, region=ctx.region)


def executor_for(ctx: DeployContext, dry_run: bool) -> Any:
    from .executor import DisplayExecutor, Executor

    return DisplayExecutor(ctx) if dry_run else Executor(ctx)


def teardown(settings: Settings, request: TeardownRequest, reporter: Reporter) -> TeardownReport:
    """Delete what setup recorded, deployment by deployment, dependants first."""
    from ..workshop import load_workshop

    if request.sweep:
        return sweep(settings, request, reporter)
    workshop, student = request.workshop, request.student
    if not workshop and not request.all and not request.expired:
        raise UserError(_("Name the workshop to tear down, or pass --all or --expired."),
                        hint=_("e.g. `codecraft teardown anycompany-orders --yes`; "
                               "`codecraft status` lists what is deployed."))
    if workshop and request.all:
        raise UserError(_("Both a workshop ({workshop}) and --all were given.").format(workshop=workshop),
                        hint=_("`codecraft teardown {workshop}` for that one, `codecraft teardown --all` for "
                               "everything.").format(workshop=workshop))
    check_student(student)
    if workshop and not request.all:
        load_workshop(workshop)  # an unknown id is bad input, not "nothing to do" (said before starting anything)
    target = open_target(settings)
    deployments = Deployments(target.name, target.region)
    recorded = deployments.all()  # read once
    states = deployments.find(workshop, student, expired=request.expired)
    if not states:
        reporter.note("nothing_to_tear_down", workshop=workshop, target=target.name,
                      none_expired=len(recorded) if request.expired and recorded else 0)
    elif not request.dry_run:
        names = ", ".join(f"{s.data['workshop']}" + (f" ({s.data['student']})" if s.data.get("student") else "")
                          for s in states)
        reporter.confirm(_("Delete every resource of {names} on the {target} target?").format(
                         names=names, target=target.name),
                         required=not target.is_local)
    report = TeardownReport(dry_run=request.dry_run, api_calls=0)
    for state in teardown_order(states, recorded):
        w = recorded_workshop(state)
        ctx = open_context(w, target, state.data.get("student"), settings.lang)
        _teardown_one(ctx, state, request.dry_run, reporter, report)
    return report


def teardown_order(states: list[StateStore], recorded: list[StateStore]) -> list[StateStore]:
    """``states`` in the order to remove them: a workshop that others require goes last. Refused
    (UserError) if a recorded deployment left in place uses one of them."""
    from ..workshop import load_workshop

    def requires(name: str) -> set[str]:
        try:
            return set(load_workshop(name).requires)
        except UserError:
            return set()

    wanted = {s.data["workshop"] for s in states}
    chosen = {s.path for s in states}
    for other in recorded:
        name = other.data.get("workshop")
        if other.path in chosen or not other.resources:
            continue
        if any(s.data.get("student") == other.data.get("student") for s in states):
            needs = requires(name) & wanted
            if needs:
                raise UserError(_("{workshop} uses {required}: tearing that down first would break it.").format(
                                workshop=name, required=", ".join(sorted(needs))),
                                hint=_("Tear down {workshop} first, or everything with `codecraft teardown --all`.")
                                .format(workshop=name))
    # dependants first, along whole chains (workshop3 -> workshop2 -> workshop1): a workshop's
    # rank is one more than the rank of the deepest one that requires it
    rank: dict[str, int] = {}

    def rank_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in rank:
            users = [other for other in wanted if name in requires(other) and other not in seen]
            rank[name] = 1 + max((rank_of(u, seen | {name}) for u in users), default=-1)
        return rank[name]

    return sorted(states, key=lambda s: rank_of(s.data["workshop"]))


def _teardown_one(ctx: DeployContext, state: StateStore, dry_run: bool, reporter: Reporter,
                  report: TeardownReport) -> None:
    w = ctx.workshop
    reporter.note("tearing_down", workshop=w.id, student=ctx.student, dry_run=dry_run)
    started = time.monotonic()
    results: list[ResourceResult] = []
    with reporter.progress(w, len(state.resources), "planning" if dry_run else "deleting") as event:
        deployer = Deployer(ctx, state, executor_for(ctx, dry_run), event)
        try:
            results = deployer.teardown()
        finally:
            gone = {r.id for r in deployer.results.values() if r.action in ("deleted", "kept")}
            report.remaining += [{"workshop": w.id, "id": rid, "type": rec["type"], "name": rec.get("id")}
                                 for rid, rec in state.resources.items() if dry_run or rid not in gone]
    report.api_calls = (report.api_calls or 0) + ctx.clients.call_count
    report.deleted += [{"workshop": w.id, "id": r.id, "type": r.type, "name": r.name}
                       for r in results if r.action == "deleted"]
    reporter.note("torn_down", workshop=w.id, count=sum(r.action != "kept" for r in results),
                  seconds=time.monotonic() - started, dry_run=dry_run)


def sweep(settings: Settings, request: TeardownRequest, reporter: Reporter) -> TeardownReport:
    """Without state files: delete what carries this deployment's tags (never a look-alike)."""
    from ..workshop import load_workshop
    from .executor import Executor
    from .sweep import delete, find

    workshop, student = request.workshop, request.student
    check_student(student)
    w = load_workshop(workshop) if workshop else unlisted_workshop("*", Path("."))
    target = open_target(settings)
    ctx = open_context(w, target, student, settings.lang)
    found = find(ctx, workshop, student)
    who = workshop or _("every workshop")
    reporter.note("swept", found=found,
                  who=_("{who}, student {student}").format(who=who, student=student) if student else who)
    failed: list[Any] = [f for f in found if f.problem]  # a look-up AWS refused
    if found and not request.dry_run:
        reporter.confirm(ngettext("Delete {count} resource?", "Delete these {count} resources?", len(found))
                         .format(count=len(found)), required=not target.is_local)
        delete(ctx, found, Executor(ctx))
        failed = [f for f in found if f.problem]
        if not failed:
            for state in Deployments(target.name).find(workshop, student):  # they describe nothing now
                state.path.unlink(missing_ok=True)
    if request.dry_run:
        reporter.note("dry_run_nothing_deleted")

    def item(f: Any) -> dict[str, Any]:
        got = {"type": f.type, "name": f.outputs.get("name") or f.outputs.get("id"), "arn": f.arn}
        return {**got, "error": f.problem} if f.problem else got

    items = [item(f) for f in found if not f.problem]
    report = TeardownReport([] if request.dry_run else items, [item(f) for f in failed]
                            + (items if request.dry_run else []), request.dry_run)
    if failed:  # the others are deleted: say which could not be, and stop with exit 3
        which = "; ".join(f"{f.label} ({f.problem})" for f in failed[:3]) + (" …" if len(failed) > 3 else "")
        raise AwsFailure(_("The sweep deleted {deleted} resource(s); {failed} could not be looked up or deleted: "
                           "{which}").format(deleted=0 if request.dry_run else len(items), failed=len(failed),
                                             which=which),
                         hint=_("Ask for the missing permissions (`codecraft doctor` lists them), then run the "
                                "same sweep again: it finds what is left by its tags."))
    return report

