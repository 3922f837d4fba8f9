"""codecraft verify"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import CheckFailed
from ..i18n import text
from .options import json_flag, settings
from .output import console, ok_mark, print_json


def verify(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help="Workshop id.")],
    student: Annotated[str | None, typer.Option("--student", help="Check this student's resources.")] = None,
    grade: Annotated[bool, typer.Option("--grade", help="Print the score from the workshop's rubric.")] = False,
    json_out: Annotated[bool, json_flag("also when a check fails")] = False,
) -> None:
    """Check every step: resources exist with the workshop's settings, and the path works end to end.

    A probe order goes through the API; the checks look for it in the table, the queue and the
    logs, then remove it. Exit 1 if a check fails (the JSON report is still printed).
    """
    from ..engine.overview import verify as check_workshop
    from ..workshop import load_workshop

    options = settings(ctx)
    w = load_workshop(workshop)
    out = console()
    titles = {step.id: f"{n}. {text(step.title, options.lang)}" for n, step in enumerate(w.steps, start=1)}
    shown: set[str] = set()

    def show(result: Any) -> None:
        if json_out:
            return
        if result.step not in shown:
            shown.add(result.step)
            out.print(f"[bold]{titles.get(result.step, result.step)}[/bold]")
        label = result.title or result.check
        out.print(f"  {ok_mark(result.ok)} {label}: [dim]{result.detail}[/dim]")
        if not result.ok and result.fix:
            out.print(f"      [yellow]fix:[/yellow] {result.fix}")

    report = check_workshop(options, workshop, student, on_result=show)
    results, passed = report.results, report.passed
    if json_out:
        print_json(report.as_json())
    else:
        out.print(f"{passed}/{len(results)} checks passed" + (f" · score {report.score:g}/100" if grade else ""))
    if grade and not json_out:
        for item in w.rubric:
            ok = all(any(r.ok and (r.check == c or f"{r.step}.{r.check}" == c) for r in results) for c in item.checks)
            out.print(f"  {ok_mark(ok)} {text(item.criterion, options.lang)} ({item.points:g} pts)")
    if report.nothing_built:
        raise CheckFailed(f"Nothing of {w.id} exists on the {options.target} target"
                          + (f" for {student}" if student else "") + ".",
                          hint=f"Run `codecraft setup {w.id}`, or build it by hand following "
                          f"`codecraft show {w.id}` (then verify again).")
    if passed != len(results):
        failed_steps = sorted({r.step for r in results if not r.ok}, key=list(titles).index)
        raise CheckFailed(f"{len(results) - passed} check(s) failed, in step(s): "
                          + ", ".join(titles[s] for s in failed_steps),
                          hint=f"Fix what is marked ✘, or rerun `codecraft setup {w.id}`.")
