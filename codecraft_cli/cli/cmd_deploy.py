"""codecraft setup · codecraft teardown · codecraft status"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from ..i18n import text
from .output import console, print_json

StudentOpt = Annotated[str | None, typer.Option(
    "--student", help="Deploy under this student's names and tags (e.g. alice-Orders).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON on stdout (messages stay on stderr).")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
ExpiresOpt = Annotated[str | None, typer.Option(
    "--expires", help="When the deployment should be gone (e.g. 3h, 2d): tagged on every resource, "
    "removed by `teardown --expired`. Default on AWS: 24h.")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="Show the API calls; change nothing.")]


def parse_duration(value: str) -> float:
    """'90m', '4h', '2d' -> seconds."""
    import re

    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", value.lower())
    if not found:
        raise UserError(f"Invalid duration {value!r}.", hint="Write it like 90m, 4h or 2d.")
    return float(found.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[found.group(2)]


def cost_line(workshops: list[Any], region: str, students: int = 1) -> tuple[float, str]:
    """The hourly cost of setting these workshops up (what bills while they exist)."""
    from ..engine.costs import workshop_cost

    total, parts = 0.0, []
    for w in workshops:
        cost, what = workshop_cost(w, region)
        total += cost
        parts += what
    total *= students
    if not parts:
        return 0.0, "nothing bills by the hour (pay-per-request services only)"
    per = f" × {students} students" if students > 1 else ""
    return total, f"about ${total:.3f}/hour{per} while it exists ({'; '.join(parts)})"

_MARKS = {"created": "[green]+ created[/green]", "updated": "[yellow]~ updated[/yellow]",
          "unchanged": "[dim]= unchanged[/dim]", "deleted": "[red]- deleted[/red]",
          "planned": "[cyan]» planned[/cyan]", "failed": "[bold red]✘ failed[/bold red]",
          "kept": "[dim]= kept (not created by codecraft)[/dim]"}


class Progress:
    """Per-resource lines as they finish, grouped under their step, with a live spinner."""

    def __init__(self, workshop: Any, lang: str, total: int, verb: str) -> None:
        from rich.progress import BarColumn, Progress as RichProgress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.workshop = workshop
        self.lang = lang
        self.lock = threading.Lock()
        self.running: dict[str, str] = {}
        self.progress = RichProgress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                     TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                                     console=console(), transient=True)
        self.task = self.progress.add_task(verb, total=total)
        self.verb = verb
        self.steps_seen: set[str] = set()

    def __enter__(self) -> Progress:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def _step_number(self, step_id: str) -> str:
        ids = [step.id for step in self.workshop.steps]
        return f"{ids.index(step_id) + 1}/{len(ids)}" if step_id in ids else "-"

    def _step_title(self, step_id: str) -> str:
        for number, step in enumerate(self.workshop.steps, start=1):
            if step.id == step_id:
                return f"Step {number}/{len(self.workshop.steps)} · {text(step.title, self.lang)}"
        return step_id

    def event(self, kind: str, result: Any) -> None:
        with self.lock:
            if kind == "start":
                self.running[result.id] = result.name
            else:
                self.running.pop(result.id, None)
                mark = _MARKS.get(result.action, result.action)
                line = (f"  [dim]step {self._step_number(result.step)}[/dim] {mark}  {result.type} "
                        f"[cyan]{result.name}[/cyan]  [dim]{result.seconds:.1f}s[/dim]")
                if result.error:
                    line += f"\n      [red]{result.error}[/red]"
                self.progress.console.print(line)
                if result.action == "planned":
                    for call in result.calls:
                        self.progress.console.print(f"      [dim]{call.describe()}[/dim]")
                self.progress.advance(self.task)
            names = ", ".join(list(self.running.values())[:3])
            self.progress.update(self.task, description=f"{self.verb} {names}" if names else self.verb)


def _confirm(message: str, yes: bool, required: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        if required:
            raise UserError(f"{message} needs a confirmation.", hint="Add --yes to confirm.")
        return
    if not typer.confirm(message, default=False, err=True):
        declined()


def declined() -> None:
    """The user answered no: nothing was done, exit 1 (Ctrl-C stays 130)."""
    console().print("Not confirmed: nothing was changed.")
    raise typer.Exit(1)


def _steps_between(workshop: Any, start: str | None, end: str | None) -> list[Any]:
    """The steps from --from to --to (both included), each id checked."""
    ids = [step.id for step in workshop.steps]
    for value in (start, end):
        if value is not None and value not in ids:
            raise UserError(f"Unknown step {value!r} in {workshop.id}.", hint=f"Steps: {', '.join(ids)}.")
    lo = ids.index(start) if start else 0
    hi = ids.index(end) if end else len(ids) - 1
    return list(workshop.steps[lo: hi + 1])


def setup(
    workshop: Annotated[str, typer.Argument(help="Workshop id, e.g. anycompany-orders.")],
    student: StudentOpt = None,
    step_by_step: Annotated[bool, typer.Option(
        "--step-by-step", help="One step at a time: codecraft does it, or you do it by hand and it checks.")] = False,
    from_step: Annotated[str | None, typer.Option("--from", help="First step to run.")] = None,
    to_step: Annotated[str | None, typer.Option("--to", help="Last step to run.")] = None,
    dry_run: DryOpt = False,
    expires: ExpiresOpt = None,
    yes: YesOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Create the workshop's resources, step by step (idempotent: a rerun changes nothing).

    Resources that do not depend on each other are created at the same time. Everything
    created is tagged and recorded at once, so a crash loses nothing: run setup again.
    """
    from ..engine.deploy import Deployer
    from ..engine.executor import DisplayExecutor, Executor
    from ..engine.session import open_context, open_target, state_for
    from ..workshop import load_workshop
    from .app import OPTIONS

    w = load_workshop(workshop)
    chosen = [res for step in _steps_between(w, from_step, to_step) for res in step.resources]
    out = console()
    target = open_target(OPTIONS, on_start=lambda: out.print("[dim]Starting the embedded emulator…[/dim]"))
    for required in w.requires:
        _ensure_prerequisite(required, student, dry_run, yes, json_out)
    ctx = open_context(w, target, student, OPTIONS.lang)
    state = state_for(ctx)
    ttl = parse_duration(expires) if expires else (None if target.is_local else 24 * 3600.0)
    if ttl:
        ctx.expires_at = time.time() + ttl
        state.set_meta("expires_at", ctx.expires_at)
    where = "the embedded emulator" if target.is_local else f"AWS account {ctx.account_id} ({target.region})"
    if not target.is_local and ctx.lab_role_arn:
        from ..engine.doctor import LEARNER_LAB_REGIONS

        if target.region not in LEARNER_LAB_REGIONS:
            raise UserError(f"AWS Academy Learner Lab accounts work in {' and '.join(LEARNER_LAB_REGIONS)} only, "
                            f"not {target.region}.", hint="Pass --region us-east-1.")
        out.print("[yellow]AWS Academy Learner Lab detected:[/yellow] roles cannot be created there, "
                  "so the functions use the lab's existing LabRole.")
    if not target.is_local and not dry_run:
        cost, line = cost_line([w], target.region)
        out.print(f"Cost: {line}.")
        _confirm(f"Create the resources of {w.id} in {where}" + (f" (≈ ${cost:.3f}/h)" if cost else "") + "?",
                 yes, required=True)
    if step_by_step:
        _step_by_step(ctx, state, w, from_step, to_step, json_out)
        return
    executor = DisplayExecutor(ctx) if dry_run else Executor(ctx)
    out.print(f"[bold]{'Planning' if dry_run else 'Setting up'} {w.id}[/bold] "
              f"({text(w.title, OPTIONS.lang)}) on {where}")
    started = time.monotonic()
    with Progress(w, OPTIONS.lang, len(chosen), "planning" if dry_run else "creating") as progress:
        deployer = Deployer(ctx, state, executor, progress.event)
        results = deployer.setup(chosen)
    elapsed = time.monotonic() - started
    counts = {a: sum(r.action == a for r in results) for a in ("created", "updated", "unchanged", "planned")}
    if dry_run:
        out.print(f"[bold]Dry run:[/bold] {counts['planned']} resource(s) would change, "
                  f"{counts['unchanged']} already match. Nothing was changed.")
    elif counts["created"] or counts["updated"]:
        out.print(f"[green]Done[/green] in {elapsed:.1f}s: {counts['created']} created, "
                  f"{counts['updated']} updated, {counts['unchanged']} unchanged.")
    else:
        out.print(f"[green]Nothing to change[/green]: all {len(results)} resources already match the "
                  f"workshop ({elapsed:.1f}s).")
    stage = next((deployer.outputs.get(r.id, {}) for r in chosen if r.type == "apigateway.deployment"), {})
    if stage.get("invoke_url") and not dry_run:
        out.print(f"Invoke URL: [cyan]{stage['invoke_url']}[/cyan]")
        who = f" --student {ctx.student}" if ctx.student else ""
        out.print(f"Next: [bold]codecraft test-api --workshop {w.id}{who}[/bold] · "
                  f"[bold]codecraft verify {w.id}{who}[/bold]")
    if json_out:
        print_json({
            "workshop": w.id, "student": ctx.student, "target": target.name, "dry_run": dry_run,
            "seconds": round(elapsed, 2), "api_calls": ctx.clients.call_count, **counts,
            "resources": [{"id": r.id, "type": r.type, "name": r.name, "step": r.step,
                           "action": r.action, "seconds": round(r.seconds, 3), "started": round(r.started, 3),
                           "calls": [c.describe() for c in r.calls] if dry_run else None}
                          for r in results],
        })


def _step_by_step(ctx: Any, state: Any, w: Any, from_step: str | None, to_step: str | None, json_out: bool) -> None:
    import contextlib

    from .stepper import StepByStep

    if not sys.stdin.isatty():
        raise UserError("--step-by-step asks before each step and needs a terminal.",
                        hint="Run it in a terminal, or drop --step-by-step (with --from/--to to limit the steps).")
    @contextlib.contextmanager
    def progress() -> Any:
        with Progress(w, ctx.lang, 1, "working") as bar:
            yield bar.event

    def ask(prompt: str) -> str:
        console().print(prompt, end="")
        try:
            return input()
        except EOFError:
            return "q"

    results = StepByStep(ctx, state, console(), ask, progress).run(_steps_between(w, from_step, to_step))
    if json_out and results is not None:
        print_json({"workshop": w.id, "checks": [r.as_json() for r in results],
                    "passed": sum(r.ok for r in results), "total": len(results)})


def _ensure_prerequisite(required: str, student: str | None, dry_run: bool, yes: bool, json_out: bool) -> None:
    from ..engine.context import deployment_id
    from ..engine.session import resolve_region
    from ..engine.state import StateStore, state_file_name
    from ..paths import state_dir
    from .app import OPTIONS

    path = state_dir() / state_file_name(OPTIONS.target, resolve_region(OPTIONS), deployment_id(required, student))
    if path.exists() and StateStore(path).resources:
        return
    then = "its dry run comes first" if dry_run else "setting it up first"
    console().print(f"[bold]{required}[/bold] is a prerequisite and is not set up: {then}.")
    setup(required, student=student, from_step=None, to_step=None, dry_run=dry_run, yes=yes, json_out=False)


def teardown(
    workshop: Annotated[str | None, typer.Argument(help="Workshop id (or --all).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every deployment on this target.")] = False,
    expired: Annotated[bool, typer.Option("--expired", help="Every deployment past its expiry (see --expires).")] = False,
    sweep: Annotated[bool, typer.Option("--sweep", help="Without the state file: find codecraft's resources by "
                                        "their tags (never a look-alike without them) and delete them.")] = False,
    student: StudentOpt = None,
    dry_run: DryOpt = False,
    yes: YesOpt = False,
    json_out: JsonOpt = False,
) -> None:
    """Delete what setup created, in reverse dependency order, from the state file.

    Only resources recorded as created by codecraft are deleted; "already gone" counts as done.
    """
    from ..engine.context import check_student
    from ..engine.deploy import Deployer
    from ..engine.executor import DisplayExecutor, Executor
    from ..engine.session import open_context, open_target
    from ..engine.state import all_states
    from ..workshop import load_workshop
    from .app import OPTIONS

    if sweep:
        _sweep(workshop, student, dry_run, yes, json_out)
        return
    if not workshop and not all_ and not expired:
        raise UserError("Name the workshop to tear down, or pass --all or --expired.",
                        hint="e.g. `codecraft teardown anycompany-orders --yes`; "
                        "`codecraft status` lists what is deployed.")
    if workshop and all_:
        raise UserError(f"Both a workshop ({workshop}) and --all were given.",
                        hint=f"`codecraft teardown {workshop}` for that one, `codecraft teardown --all` for everything.")
    check_student(student)
    out = console()
    target = open_target(OPTIONS)
    now = time.time()
    recorded = [s for s in all_states(target.name) if s.data.get("region") == target.region]  # read once
    states = [s for s in recorded
              if (all_ or expired or s.data.get("workshop") == workshop)
              and (not expired or (s.data.get("expires_at") or now + 1) < now)
              and (not workshop or s.data.get("workshop") == workshop)
              and (student is None or s.data.get("student") == student)]
    if workshop and not all_:
        load_workshop(workshop)  # an unknown id is bad input, not "nothing to do"
    deleted: list[dict[str, Any]] = []
    remaining: list[dict[str, Any]] = []
    api_calls = 0
    if not states:
        if expired and recorded:
            out.print(f"Nothing to tear down: none of the {len(recorded)} deployment(s) on the {target.name} "
                      "target has expired (`codecraft status` shows when each expires).")
        else:
            out.print("Nothing to tear down: no deployment recorded"
                      + (f" for {workshop}" if workshop else "") + f" on the {target.name} target.")
    else:
        names = ", ".join(f"{s.data['workshop']}" + (f" ({s.data['student']})" if s.data.get("student") else "")
                          for s in states)
        if not dry_run:
            _confirm(f"Delete every resource of {names} on the {target.name} target?", yes,
                     required=not target.is_local)
    # a prerequisite cannot go while a deployment that uses it stays
    wanted = {s.data["workshop"] for s in states}
    chosen = {s.path for s in states}
    for other in recorded:
        name = other.data.get("workshop")
        if other.path in chosen or not other.resources:
            continue
        if any(s.data.get("student") == other.data.get("student") for s in states):
            try:
                needs = set(load_workshop(name).requires) & wanted
            except UserError:
                continue
            if needs:
                raise UserError(f"{name} uses {', '.join(sorted(needs))}: tearing that down first would break it.",
                                hint=f"Tear down {name} first, or everything with `codecraft teardown --all`.")
    # dependants first: a workshop that others require is torn down last
    required_by_others: set[str] = set()
    for s in states:
        try:
            required_by_others |= set(load_workshop(s.data["workshop"]).requires) & wanted
        except UserError:
            pass
    states.sort(key=lambda s: s.data["workshop"] in required_by_others)
    for state in states:
        try:
            w = load_workshop(state.data["workshop"])
        except UserError:
            from ..workshop.model import Workshop

            w = Workshop(state.data["workshop"], {}, None, (), (), (), {}, None, None, None, (), state.path)
        ctx = open_context(w, target, state.data.get("student"), OPTIONS.lang)
        executor = DisplayExecutor(ctx) if dry_run else Executor(ctx)
        out.print(f"[bold]{'Planning the teardown of' if dry_run else 'Tearing down'} {w.id}[/bold]"
                  + (f" ({ctx.student})" if ctx.student else ""))
        started = time.monotonic()
        with Progress(w, OPTIONS.lang, len(state.resources), "planning" if dry_run else "deleting") as progress:
            deployer = Deployer(ctx, state, executor, progress.event)
            try:
                results = deployer.teardown()
            finally:
                for rid, rec in state.resources.items():
                    if dry_run or rid not in {r.id for r in deployer.results.values()
                                              if r.action in ("deleted", "kept")}:
                        remaining.append({"workshop": w.id, "id": rid, "type": rec["type"], "name": rec.get("id")})
        api_calls += ctx.clients.call_count
        for r in results:
            if r.action == "deleted":
                deleted.append({"workshop": w.id, "id": r.id, "type": r.type, "name": r.name})
        verb = "would delete" if dry_run else "deleted"
        count = sum(r.action != "kept" for r in results)
        out.print(f"{w.id}: {count} resource(s) {verb} in {time.monotonic() - started:.1f}s.")
    if json_out:
        print_json({"deleted": deleted, "remaining": remaining, "dry_run": dry_run, "api_calls": api_calls})


def _sweep(workshop: str | None, student: str | None, dry_run: bool, yes: bool, json_out: bool) -> None:
    from ..engine.context import check_student
    from ..engine.executor import Executor
    from ..engine.session import open_context, open_target
    from ..engine.state import all_states
    from ..engine.sweep import delete, find
    from ..workshop import load_workshop
    from ..workshop.model import Workshop
    from .app import OPTIONS

    check_student(student)
    w = load_workshop(workshop) if workshop else Workshop("*", {}, None, (), (), (), {}, None, None, None, (), Path("."))
    target = open_target(OPTIONS)
    ctx = open_context(w, target, student, OPTIONS.lang)
    out = console()
    found = find(ctx, workshop, student)
    who = (workshop or "every workshop") + (f", student {student}" if student else "")
    out.print(f"Sweep ({who}): {len(found)} resource(s) carry codecraft's tags.")
    for item in found:
        out.print(f"  [red]-[/red] {item.label}  [dim]{item.tags.get('codecraft:deployment')}[/dim]")
    if found and not dry_run:
        _confirm(f"Delete these {len(found)} resources?", yes, required=not target.is_local)
        delete(ctx, found, Executor(ctx))
        for state in all_states(target.name):  # their state files describe nothing now
            if (not workshop or state.data.get("workshop") == workshop) and (
                    student is None or state.data.get("student") == student):
                state.path.unlink(missing_ok=True)
    if dry_run:
        out.print("Dry run: nothing was deleted.")
    if json_out:
        items = [{"type": f.type, "name": f.outputs.get("name") or f.outputs.get("id"), "arn": f.arn} for f in found]
        print_json({"deleted": [] if dry_run else items, "remaining": items if dry_run else [], "dry_run": dry_run})


def status(
    workshop: Annotated[str | None, typer.Argument(help="Only this workshop.")] = None,
    student: StudentOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """What codecraft has deployed on this target: resources, since when, and what it costs per hour."""
    from ..engine.costs import deployment_cost
    from ..engine.session import open_target
    from ..engine.state import all_states
    from .app import OPTIONS

    from ..resources.base import all_handlers

    lookups = {name for name, handler in all_handlers().items() if handler.lookup}
    target = open_target(OPTIONS, start=False)
    deployments = []
    for state in all_states(target.name):
        if workshop and state.data.get("workshop") != workshop:
            continue
        if student and state.data.get("student") != student:
            continue
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
    if json_out:
        print_json({"deployments": deployments})
        return
    out = console()
    if not deployments:
        out.print(f"Nothing deployed on the {target.name} target.")
        return
    from rich.table import Table

    now = time.time()
    total = sum(d["cost_per_hour"] for d in deployments)
    for dep in deployments:
        title = f"{dep['workshop']}" + (f" · {dep['student']}" if dep["student"] else "") + f" · {dep['target']} {dep['region']}"
        title += f" · up {_age(now - (dep['created_at'] or now))}"
        if dep["expires_at"]:
            left = dep["expires_at"] - now
            title += f" · expires in {_age(left)}" if left > 0 else " · [red]expired[/red] (teardown --expired)"
        title += f" · ${dep['cost_per_hour']:.3f}/h" if dep["cost_per_hour"] else " · $0/h idle"
        table = Table(title=title, title_justify="left")
        for col in ("type", "name", "id", "age"):
            table.add_column(col)
        for res in dep["resources"]:
            age = now - (res["created_at"] or now)
            table.add_row(res["type"], res["name"], str(res["id"])[-60:], _age(age))
        out.print(table)
    if target.is_local:
        out.print("[dim]On the embedded emulator nothing bills; the figures are what AWS would charge.[/dim]")
    out.print(f"Total: ${total:.3f}/hour while these deployments exist.")


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)}s"
    if seconds < 7200:
        return f"{int(seconds // 60)}m"
    return f"{seconds / 3600:.1f}h"


def register(app: typer.Typer) -> None:
    app.command("setup")(setup)
    app.command("teardown")(teardown)
    app.command("status")(status)
    app.command("doctor")(doctor)


def doctor(
    workshop: Annotated[str | None, typer.Argument(help="Check the permissions of this workshop only.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Check this machine (and, with --target aws, the account): what is ready and what to fix."""
    from ..engine.doctor import all_workshop_ids, aws_findings, local_findings
    from ..engine.session import open_target
    from ..errors import CheckFailed
    from ..workshop import load_workshop
    from .app import OPTIONS
    from .output import ok_mark

    ids = [load_workshop(workshop).id] if workshop else all_workshop_ids()
    findings = local_findings()
    if OPTIONS.target == "aws":
        findings += aws_findings(open_target(OPTIONS), ids)
    if json_out:
        print_json({"target": OPTIONS.target, "checks": [f.as_json() for f in findings],
                    "ok": all(f.ok for f in findings)})
    else:
        for f in findings:
            console().print(f"  {ok_mark(f.ok)} {f.check}: {f.detail}")
            if not f.ok and f.fix:
                console().print(f"      [yellow]fix:[/yellow] {f.fix}")
    bad = [f.check for f in findings if not f.ok]
    if bad:
        raise CheckFailed(f"Not ready: {', '.join(bad)}.", hint="Apply the fixes above, then run doctor again.")
