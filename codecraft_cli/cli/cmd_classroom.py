"""codecraft classroom setup|verify|teardown|status W --roster students.csv"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from ..i18n import N_, _, ngettext, number
from .options import JsonOpt, YesOpt, settings
from .output import confirm, console, document, print_json

app = typer.Typer(help=N_("A whole class at once: every student's deployment of a workshop, with a live table."),
                  no_args_is_help=True)

Roster = Annotated[Path, typer.Option("--roster", help=N_("CSV with one student per line (a 'student' column)."))]
Workers = Annotated[int, typer.Option("--parallel", min=1, max=16, help=N_("Students handled at the same time."))]


# the live table's column headers (the run's attributes) and a run's status, as shown
COLUMNS = {"student": N_("student"), "status": N_("status"), "current": N_("current"), "created": N_("created"),
           "unchanged": N_("unchanged"), "seconds": N_("seconds"), "passed": N_("passed"), "total": N_("total"),
           "score": N_("score"), "deleted": N_("deleted"), "deployed": N_("deployed"), "resources": N_("resources"),
           "workshops": N_("workshops")}
MARKS = {"done": N_("[green]✔ done[/green]"), "failed": N_("[red]✘ failed[/red]"),
         "running": N_("[cyan]… running[/cyan]"), "waiting": N_("[dim]waiting[/dim]")}


class LiveTable:
    """One row per student: status, current work, counts; redrawn as the class progresses."""

    def __init__(self, title: str, columns: tuple[str, ...]) -> None:
        from rich.live import Live

        self.title = title
        self.columns = columns
        self.rows: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.live = Live(self._render(), console=console(), refresh_per_second=8, transient=False)

    def _render(self) -> Any:
        from rich.table import Table

        table = Table(title=self.title, title_justify="left")
        for col in ("student", "status", *self.columns):
            table.add_column(_(COLUMNS[col]) if col in COLUMNS else col)
        for run in self.rows.values():
            cells = [_cell(getattr(run, c)) for c in self.columns]
            table.add_row(run.student, _(MARKS[run.status]) if run.status in MARKS else run.status, *cells)
        return table

    def update(self, run: Any) -> None:
        with self.lock:
            self.rows[run.student] = run
            self.live.update(self._render())

    def __enter__(self) -> LiveTable:
        self.live.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.live.update(self._render())
        self.live.stop()


def _title(command: str, workshop: str, count: int) -> str:
    """The live table's title: ``classroom setup W · N students``."""
    return _("classroom {command} {workshop} · {count} students").format(command=command, workshop=workshop,
                                                                         count=count)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return number(value) if value != int(value) else f"{value:g}"
    return str(value)


def _begin(ctx: typer.Context, workshop: str, roster: Path, start: bool = True) -> tuple[Any, Any, list[str]]:
    from ..engine.classroom import read_roster
    from ..engine.session import open_target
    from ..workshop import load_workshop

    w = load_workshop(workshop)
    students = read_roster(roster)
    return w, open_target(settings(ctx), start=start), students


def _finish(runs: list[Any], json_out: bool, extra: dict[str, Any] | None = None) -> None:
    from ..errors import CheckFailed

    failed = [r for r in runs if r.status == "failed"]
    if json_out:
        print_json({"students": [r.__dict__ for r in runs], **(extra or {})})
    for run in failed:
        console().print(_("[red]✘ {student}[/red]: {error}").format(student=run.student, error=run.error))
    if failed:
        raise CheckFailed(ngettext("{failed} of {count} student failed.", "{failed} of {count} students failed.",
                                   len(runs)).format(failed=len(failed), count=len(runs)),
                          hint=_("Fix what is said above and run the same command again: done work is kept."))


@app.command("setup")
def setup(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help=N_("Workshop id."))], roster: Roster,
          parallel: Workers = 4, yes: YesOpt = False, json_out: JsonOpt = False) -> None:
    """Deploy the workshop (and its prerequisites) for every student of the roster."""
    from ..engine.classroom import for_class, setup_student
    from ..engine.identity import prerequisites
    from ..engine.lifecycle import cost_line
    from ..workshop import load_workshop

    w, target, students = _begin(ctx, workshop, roster)
    if not target.is_local:
        chain = [w, *(load_workshop(r) for r in prerequisites(w))]
        cost, line = cost_line(chain, target.region, len(students))
        console().print(_("Cost for the class: {line}.").format(line=line))
        question = (_("Create {workshop} for {count} students in {region} (≈ ${cost}/h)?") if cost
                    else _("Create {workshop} for {count} students in {region}?"))
        confirm(question.format(workshop=w.id, count=len(students), region=target.region, cost=number(cost or 0, 2)),
                yes, required=True)
    with LiveTable(_title("setup", w.id, len(students)), ("current", "created", "unchanged", "seconds")) as table:
        runs = for_class(students, lambda run: setup_student(w.id, target, run, settings(ctx).lang, table.update),
                         table.update, parallel)
    _finish(runs, json_out)


@app.command("verify")
def verify(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help=N_("Workshop id."))], roster: Roster,
           output: Annotated[Path | None, typer.Option("--output", "-o", help=N_("Grades CSV (default: <workshop>-grades.csv)."))] = None,
           parallel: Workers = 4, json_out: JsonOpt = False) -> None:
    """Check every student's workshop (built by codecraft or by hand) and write a grades CSV."""
    from ..engine.classroom import for_class, verify_student, write_grades
    from ..errors import CheckFailed

    w, target, students = _begin(ctx, workshop, roster)
    with LiveTable(_title("verify", w.id, len(students)), ("current", "passed", "total", "score")) as table:
        runs = for_class(students, lambda run: verify_student(w.id, target, run, settings(ctx).lang, table.update),
                         table.update, parallel)
    path = output or Path(f"{w.id}-grades.csv")
    write_grades(path, w.id, runs)
    console().print("\n" + _("Grades written: [bold]{path}[/bold]").format(path=path))
    _finish(runs, json_out, {"grades": str(path)})
    below = [r.student for r in runs if r.score is not None and r.score < 100]
    if below:
        raise CheckFailed(ngettext("{count} student below 100: {students}.", "{count} students below 100: {students}.",
                                   len(below)).format(count=len(below), students=", ".join(below)),
                          hint=_("`codecraft verify {workshop} --student NAME` shows each fix.").format(workshop=w.id))


@app.command("teardown")
def teardown(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help=N_("Workshop id."))], roster: Roster,
             parallel: Workers = 4, yes: YesOpt = False, json_out: JsonOpt = False) -> None:
    """Remove every student's resources (the workshop and its prerequisites), then confirm none is left."""
    import sys

    from ..engine.classroom import for_class, leftovers, teardown_estimate, teardown_student
    from ..errors import AwsFailure

    w, target, students = _begin(ctx, workshop, roster)
    expected = teardown_estimate(w.id, target, len(students))
    if expected:  # AWS's per-account quotas pace the class
        console().print(_("Expect it to take a while: {estimate}.").format(estimate=expected))
    confirm(_("Delete {workshop} (and its prerequisites) for {count} students?").format(workshop=w.id,
                                                                                       count=len(students)),
            yes, required=not target.is_local and not sys.stdin.isatty())
    with LiveTable(_title("teardown", w.id, len(students)), ("current", "deleted", "seconds")) as table:
        runs = for_class(students, lambda run: teardown_student(w.id, target, run, settings(ctx).lang, table.update),
                         table.update, parallel)
    left = leftovers(target, students)
    if not left:
        console().print(_("[green]Nothing is left[/green] for the {count} students.").format(count=len(students)))
    _finish(runs, json_out, {"remaining": left})
    if left:
        raise AwsFailure(ngettext("{count} resource is still there: {names}", "{count} resources are still there: {names}",
                                  len(left)).format(count=len(left), names=", ".join(left[:5])),
                         hint=_("Run the same command again; `codecraft teardown --sweep --student NAME` finds strays "
                                "by tag."))


@app.command("status")
def status(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help=N_("Workshop id."))], roster: Roster,
           json_out: JsonOpt = False) -> None:
    """Which students have the workshop deployed, and how many resources each."""
    from rich.table import Table

    from ..engine.classroom import class_status

    w, target, students = _begin(ctx, workshop, roster, start=False)
    rows = class_status(target.name, w.id, students)
    if json_out:
        print_json({"workshop": w.id, "students": rows})
        return
    table = Table(title=_("{workshop} · {count} students").format(workshop=w.id, count=len(students)),
                  title_justify="left")
    for col in ("student", "deployed", "resources", "workshops"):
        table.add_column(_(COLUMNS[col]))
    for row in rows:
        table.add_row(row["student"], _("[green]yes[/green]") if row["deployed"] else _("[dim]no[/dim]"),
                      str(row["resources"]), ", ".join(row["workshops"]) or "-")
    document().print(table)
