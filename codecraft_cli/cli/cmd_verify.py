"""codecraft verify"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import CheckFailed
from ..i18n import N_, _, ngettext, number, text
from .options import EmailOpt, json_flag, settings
from .output import console, ok_mark, print_json


def verify(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help=N_("Workshop id."))],
    student: Annotated[str | None, typer.Option("--student", help=N_("Check this student's resources."))] = None,
    grade: Annotated[bool, typer.Option("--grade", help=N_("Print the score from the workshop's rubric."))] = False,
    api: Annotated[str | None, typer.Option("--api", metavar="NAME",
                                            help=N_("The REST API to judge, when several could be the student's."))] = None,
    keep_probes: Annotated[bool, typer.Option("--keep-probes",
                                              help=N_("Leave what the probes wrote (items, objects, messages)."))] = False,
    json_out: Annotated[bool, json_flag("also when a check fails")] = False,
    email: EmailOpt = None,
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
        out.print(f"  {mark} " + _("{label}: [dim]{detail}[/dim]").format(label=label, detail=result.detail))
        # the cause found in the evidence says the fix better than the check's general advice
        if not result.ok and result.fix and result.kind != "optional" and not result.causes:
            out.print("      " + _("[yellow]fix:[/yellow] {fix}").format(fix=result.fix))
        for cause in result.causes:
            out.print("      " + _("[red]cause:[/red] {cause}").format(cause=cause.get("message", "")))
            if cause.get("fix"):
                out.print("      " + _("[yellow]fix:[/yellow] {fix}").format(fix=cause["fix"]))
        for advice in result.advice:
            out.print("      " + _("[cyan]advice:[/cyan] [dim]{advice}[/dim]").format(advice=advice))

    report = check_workshop(options, workshop, student, on_result=show, keep_probes=keep_probes, api_name=api,
                            email=email)
    results, passed = report.results, report.passed
    if json_out:
        print_json(report.as_json())
    else:
        said = ngettext("{passed}/{total} check passed", "{passed}/{total} checks passed", len(results))
        said = said.format(passed=passed, total=len(results))
        if grade:
            score = report.score or 0
            said += " · " + _("score {score}/100").format(score=number(score, 0 if score == int(score) else 1))
        out.print(said)
    if grade and not json_out:
        from ..engine.grading import item_met, passed_names

        names = passed_names(results)
        for item in w.rubric:
            points = (_("{points} pts · bonus") if item.bonus else _("{points} pts")).format(
                points=number(item.points, 0 if item.points == int(item.points) else 1))
            out.print(f"  {ok_mark(item_met(item, names))} {text(item.criterion, options.lang)} ({points})")
    if report.nothing_built:
        said = (_("Nothing of {workshop} exists on the {target} target for {student}.") if student
                else _("Nothing of {workshop} exists on the {target} target."))
        raise CheckFailed(said.format(workshop=w.id, target=options.target, student=student),
                          hint=_("Run `codecraft setup {workshop}`, or build it by hand following "
                                 "`codecraft show {workshop}` (then verify again).").format(workshop=w.id))
    if report.failed:
        failed_steps = sorted({r.step for r in results if r.failed}, key=list(titles).index)
        raise CheckFailed(ngettext("{count} check failed, in: {steps}", "{count} checks failed, in: {steps}",
                                   report.failed).format(count=report.failed,
                                                         steps=", ".join(titles[s] for s in failed_steps)),
                          hint=(_("Fix what is marked ✘, or rerun `codecraft setup {workshop}`.") if report.recorded
                                else _("Fix what is marked ✘ (the causes and fixes above say how), then run "
                                       "`codecraft verify {workshop}` again.")).format(workshop=w.id))
