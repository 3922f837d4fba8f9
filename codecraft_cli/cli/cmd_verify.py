"""codecraft verify"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import CheckFailed
from ..i18n import text
from .options import json_flag, settings
from .output import console, ok_mark, print_json


_WORDS = {"fix": {"fr": "correction :", "en": "fix:"}, "cause": {"fr": "cause :", "en": "cause:"},
          "advice": {"fr": "conseil :", "en": "advice:"}, "bonus": {"fr": "bonus", "en": "bonus"}}


def verify(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help="Workshop id.")],
    student: Annotated[str | None, typer.Option("--student", help="Check this student's resources.")] = None,
    grade: Annotated[bool, typer.Option("--grade", help="Print the score from the workshop's rubric.")] = False,
    api: Annotated[str | None, typer.Option("--api", metavar="NAME",
                                            help="The REST API to judge, when several could be the student's.")] = None,
    keep_probes: Annotated[bool, typer.Option("--keep-probes",
                                              help="Leave what the probes wrote (items, objects, messages).")] = False,
    json_out: Annotated[bool, json_flag("also when a check fails")] = False,
) -> None:
    """Check every step as a teacher would: what the seed requires, and the path working end to end.

    Resources built by codecraft, by hand in the console or by another tool all count: a name the
    seed leaves open (role, API, stage) is found through the links. What the seed leaves open is
    accepted; codecraft's own choices there are shown as advice. A probe order goes through the
    API; the checks look for it in the table, the queue and the logs, then remove it (unless
    --keep-probes). A failed check names its cause from the evidence (the function's log, its
    role, the API's answer). Exit 1 if a required check fails (the JSON report is still printed).
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
        mark = ok_mark(result.ok) if result.ok or result.kind == "required" else "[dim]·[/dim]"
        out.print(f"  {mark} {label}: [dim]{result.detail}[/dim]")
        # the cause found in the evidence says the fix better than the check's general advice
        if not result.ok and result.fix and result.kind != "optional" and not result.causes:
            out.print(f"      [yellow]{text(_WORDS['fix'], options.lang)}[/yellow] {result.fix}")
        for cause in result.causes:
            out.print(f"      [red]{text(_WORDS['cause'], options.lang)}[/red] {cause.get('message', '')}")
            if cause.get("fix"):
                out.print(f"      [yellow]{text(_WORDS['fix'], options.lang)}[/yellow] {cause['fix']}")
        for advice in result.advice:
            out.print(f"      [cyan]{text(_WORDS['advice'], options.lang)}[/cyan] [dim]{advice}[/dim]")

    report = check_workshop(options, workshop, student, on_result=show, keep_probes=keep_probes, api_name=api)
    results, passed = report.results, report.passed
    if json_out:
        print_json(report.as_json())
    else:
        out.print(f"{passed}/{len(results)} checks passed" + (f" · score {report.score:g}/100" if grade else ""))
    if grade and not json_out:
        from ..engine.grading import item_met, passed_names

        names = passed_names(results)
        for item in w.rubric:
            bonus = f" · {text(_WORDS['bonus'], options.lang)}" if item.bonus else ""
            out.print(f"  {ok_mark(item_met(item, names))} {text(item.criterion, options.lang)} "
                      f"({item.points:g} pts{bonus})")
    if report.nothing_built:
        raise CheckFailed(f"Nothing of {w.id} exists on the {options.target} target"
                          + (f" for {student}" if student else "") + ".",
                          hint=f"Run `codecraft setup {w.id}`, or build it by hand following "
                          f"`codecraft show {w.id}` (then verify again).")
    if report.failed:
        failed_steps = sorted({r.step for r in results if r.failed}, key=list(titles).index)
        raise CheckFailed(f"{report.failed} check(s) failed, in step(s): "
                          + ", ".join(titles[s] for s in failed_steps),
                          hint=f"Fix what is marked ✘, or rerun `codecraft setup {w.id}`.")
