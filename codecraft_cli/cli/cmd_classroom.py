"""codecraft classroom setup|verify|teardown|status W --roster students.csv"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any

import typer

from .options import JsonOpt, YesOpt, settings
from .output import confirm, console, print_json

app = typer.Typer(help="A whole class at once: every student's deployment of a workshop, with a live table.",
                  no_args_is_help=True)

Roster = Annotated[Path, typer.Option("--roster", help="CSV with one student per line (a 'student' column).")]
Workers = Annotated[int, typer.Option("--parallel", min=1, max=16, help="Students handled at the same time.")]


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
            table.add_column(col)
        marks = {"done": "[green]✔ done[/green]", "failed": "[red]✘ failed[/red]", "running": "[cyan]… running[/cyan]",
                 "waiting": "[dim]waiting[/dim]"}
        for run in self.rows.values():
            cells = [_cell(getattr(run, c)) for c in self.columns]
            table.add_row(run.student, marks.get(run.status, run.status), *cells)
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


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if value != int(value) else f"{value:g}"
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
        console().print(f"[red]✘ {run.student}[/red]: {run.error}")
    if failed:
        raise CheckFailed(f"{len(failed)} of {len(runs)} students failed.",
                          hint="Fix what is said above and run the same command again: done work is kept.")


@app.command("setup")
def setup(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help="Workshop id.")], roster: Roster,
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
        console().print(f"Cost for the class: {line}.")
        confirm(f"Create {w.id} for {len(students)} students in {target.region}"
                 + (f" (≈ ${cost:.2f}/h)" if cost else "") + "?", yes, required=True)
    with LiveTable(f"classroom setup {w.id} · {len(students)} students", ("current", "created", "unchanged",
                                                                          "seconds")) as table:
        runs = for_class(students, lambda run: setup_student(w.id, target, run, settings(ctx).lang, table.update),
                         table.update, parallel)
    _finish(runs, json_out)


@app.command("verify")
def verify(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help="Workshop id.")], roster: Roster,
           output: Annotated[Path | None, typer.Option("--output", "-o", help="Grades CSV (default: <workshop>-grades.csv).")] = None,
           parallel: Workers = 4, json_out: JsonOpt = False) -> None:
    """Check every student's workshop (built by codecraft or by hand) and write a grades CSV."""
    from ..engine.classroom import for_class, verify_student, write_grades
    from ..errors import CheckFailed

    w, target, students = _begin(ctx, workshop, roster)
    with LiveTable(f"classroom verify {w.id} · {len(students)} students", ("current", "passed", "total", "score")) as table:
        runs = for_class(students, lambda run: verify_student(w.id, target, run, settings(ctx).lang, table.update),
                         table.update, parallel)
    path = output or Path(f"{w.id}-grades.csv")
    write_grades(path, w.id, runs)
    console().print(f"\nGrades written: [bold]{path}[/bold]")
    _finish(runs, json_out, {"grades": str(path)})
    below = [r.student for r in runs if r.score is not None and r.score < 100]
    if below:
        raise CheckFailed(f"{len(below)} student(s) below 100: {', '.join(below)}.",
                          hint=f"`codecraft verify {w.id} --student NAME` shows each fix.")


@app.command("teardown")
def teardown(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help="Workshop id.")], roster: Roster,
             parallel: Workers = 4, yes: YesOpt = False, json_out: JsonOpt = False) -> None:
    """Remove every student's resources (the workshop and its prerequisites), then confirm none is left."""
    import sys

    from ..engine.classroom import for_class, leftovers, teardown_estimate, teardown_student
    from ..errors import AwsFailure

    w, target, students = _begin(ctx, workshop, roster)
    expected = teardown_estimate(w.id, target, len(students))
    if expected:  # AWS's per-account quotas pace the class
        console().print(f"Expect it to take a while: {expected}.")
    confirm(f"Delete {w.id} (and its prerequisites) for {len(students)} students?", yes,
             required=not target.is_local and not sys.stdin.isatty())
    with LiveTable(f"classroom teardown {w.id} · {len(students)} students", ("current", "deleted", "seconds")) as table:
        runs = for_class(students, lambda run: teardown_student(w.id, target, run, settings(ctx).lang, table.update),
                         table.update, parallel)
    left = leftovers(target, students)
    if not left:
        console().print(f"[green]Nothing is left[/green] for the {len(students)} students.")
    _finish(runs, json_out, {"remaining": left})
    if left:
        raise AwsFailure(f"{len(left)} resource(s) are still there: " + ", ".join(left[:5]),
                         hint="Run the same command again; `codecraft teardown --sweep --student NAME` finds strays by tag.")


@app.command("status")
def status(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help="Workshop id.")], roster: Roster,
           json_out: JsonOpt = False) -> None:
    """Which students have the workshop deployed, and how many resources each."""
    from rich.table import Table

    from ..engine.classroom import class_status

    w, target, students = _begin(ctx, workshop, roster, start=False)
    rows = class_status(target.name, w.id, students)
    if json_out:
        print_json({"workshop": w.id, "students": rows})
        return
    table = Table(title=f"{w.id} · {len(students)} students", title_justify="left")
    for col in ("student", "deployed", "resources", "workshops"):
        table.add_column(col)
    for row in rows:
        table.add_row(row["student"], "[green]yes[/green]" if row["deployed"] else "[dim]no[/dim]",
                      str(row["resources"]), ", ".join(row["workshops"]) or "-")
    console().print(table)
