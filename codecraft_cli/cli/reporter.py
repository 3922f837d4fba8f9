"""Rendering of setup and teardown as they happen: per-resource lines under a live spinner,
and the engine's notes (lifecycle.Reporter) in words, on stderr."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

from ..i18n import N_, _, ngettext, text
from ..i18n import seconds as duration
from .output import confirm, console

_MARKS = {"created": N_("[green]+ created[/green]"), "updated": N_("[yellow]~ updated[/yellow]"),
          "unchanged": N_("[dim]= unchanged[/dim]"), "deleted": N_("[red]- deleted[/red]"),
          "planned": N_("[cyan]» planned[/cyan]"), "failed": N_("[bold red]✘ failed[/bold red]"),
          "kept": N_("[dim]= kept[/dim]")}
# what the engine says it is doing (lifecycle: reporter.progress(..., verb))
VERBS = {"planning": N_("planning"), "creating": N_("creating"), "deleting": N_("deleting"),
         "working": N_("working")}


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
        self.verb = _(VERBS[verb]) if verb in VERBS else verb
        self.task = self.progress.add_task(self.verb, total=total)

    def __enter__(self) -> Progress:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def _step_number(self, step_id: str) -> str:
        ids = [step.id for step in self.workshop.steps]
        return f"{ids.index(step_id) + 1}/{len(ids)}" if step_id in ids else "-"

    def event(self, kind: str, result: Any) -> None:
        with self.lock:
            if kind == "start":
                self.running[result.id] = result.name
            elif kind == "wait":  # a bounded wait (AWS eventual consistency, a quota): say why
                self.progress.console.print(f"      [yellow]…[/yellow] [dim]{result.name}: {result.note}[/dim]")
            else:
                self.running.pop(result.id, None)
                mark = _(_MARKS[result.action]) if result.action in _MARKS else result.action
                step = _("step {number}").format(number=self._step_number(result.step))
                line = (f"  [dim]{step}[/dim] {mark}  {result.type} "
                        f"[cyan]{result.name}[/cyan]  [dim]{duration(result.seconds)}[/dim]")
                if result.error:
                    line += f"\n      [red]{result.error}[/red]"
                elif result.action == "kept":  # (a call inside an f-string is not extracted)
                    kept = result.note or _("not created by codecraft")
                    line += f"  [dim]({kept})[/dim]"
                self.progress.console.print(line)
                if result.action == "planned":
                    for call in result.calls:
                        self.progress.console.print(f"      [dim]{call.describe()}[/dim]")
                self.progress.advance(self.task)
            names = ", ".join(list(self.running.values())[:3])
            self.progress.update(self.task, description=f"{self.verb} {names}" if names else self.verb)


class CliReporter:
    """The engine's lifecycle.Reporter for a terminal: Rich on stderr, prompts unless --yes."""

    def __init__(self, lang: str, yes: bool) -> None:
        self.lang = lang
        self.yes = yes

    def confirm(self, question: str, required: bool) -> None:
        confirm(question, self.yes, required)

    @contextlib.contextmanager
    def progress(self, workshop: Any, total: int, verb: str) -> Iterator[Any]:
        with Progress(workshop, self.lang, total, verb) as bar:
            yield bar.event

    def note(self, what: str, **facts: Any) -> None:
        getattr(self, f"_{what}")(console(), **facts)

    def _starting_emulator(self, out: Any) -> None:
        out.print("[dim]" + _("Starting the embedded emulator…") + "[/dim]")

    def _prerequisite(self, out: Any, workshop: str, dry_run: bool) -> None:
        if dry_run:
            out.print(_("[bold]{workshop}[/bold] is a prerequisite and is not set up: its dry run comes first.")
                      .format(workshop=workshop))
        else:
            out.print(_("[bold]{workshop}[/bold] is a prerequisite and is not set up: setting it up first.")
                      .format(workshop=workshop))

    def _learner_lab(self, out: Any) -> None:
        out.print(_("[yellow]AWS Academy Learner Lab detected:[/yellow] roles cannot be created there, "
                    "so the functions use the lab's existing LabRole."))

    def _cost(self, out: Any, line: str) -> None:
        out.print(_("Cost: {line}.").format(line=line))

    def _setting_up(self, out: Any, workshop: Any, where: str, dry_run: bool) -> None:
        said = (_("[bold]Planning {workshop}[/bold] ({title}) on {where}") if dry_run
                else _("[bold]Setting up {workshop}[/bold] ({title}) on {where}"))
        out.print(said.format(workshop=workshop.id, title=text(workshop.title, self.lang), where=where))

    def set_up(self, report: Any) -> None:
        out, counts, elapsed = console(), report.counts, report.seconds
        if report.dry_run:
            out.print(_("[bold]Dry run:[/bold] {planned} resource(s) would change, {unchanged} already match. "
                        "Nothing was changed.").format(planned=counts["planned"], unchanged=counts["unchanged"]))
        elif counts["created"] or counts["updated"]:
            out.print(_("[green]Done[/green] in {seconds}: {created} created, {updated} updated, "
                        "{unchanged} unchanged.").format(seconds=duration(elapsed), created=counts["created"],
                                                         updated=counts["updated"], unchanged=counts["unchanged"]))
        else:
            out.print(ngettext("[green]Nothing to change[/green]: the {count} resource already matches the "
                               "workshop ({seconds}).",
                               "[green]Nothing to change[/green]: all {count} resources already match the "
                               "workshop ({seconds}).", len(report.results))
                      .format(count=len(report.results), seconds=duration(elapsed)))
        if report.invoke_url:
            out.print(_("Invoke URL: [cyan]{url}[/cyan]").format(url=report.invoke_url))
            who = f" --student {report.student}" if report.student else ""
            out.print(_("Next: {test} · {verify}").format(
                test=f"[bold]codecraft test-api --workshop {report.workshop}{who}[/bold]",
                verify=f"[bold]codecraft verify {report.workshop}{who}[/bold]"))

    def step_by_step(self, ctx: Any, state: Any, steps: list[Any]) -> list[Any] | None:
        from ..errors import UserError
        from .stepper import StepByStep

        if not sys.stdin.isatty():
            raise UserError(_("--step-by-step asks before each step and needs a terminal."),
                            hint=_("Run it in a terminal, or drop --step-by-step (with --from/--to to limit the "
                                   "steps)."))

        def ask(prompt: str) -> str:  # plain text: "[m]" is a key, not Rich markup
            console().print(prompt, end="", markup=False, highlight=False)
            try:
                return input()
            except EOFError:
                return "q"

        return StepByStep(ctx, state, console(), ask, lambda: self.progress(ctx.workshop, 1, "working")).run(steps)

    def _nothing_to_tear_down(self, out: Any, workshop: str | None, target: str, none_expired: int) -> None:
        if none_expired:
            out.print(_("Nothing to tear down: none of the {count} deployment(s) on the {target} target has expired "
                        "(`codecraft status` shows when each expires).").format(count=none_expired, target=target))
        elif workshop:
            out.print(_("Nothing to tear down: no deployment recorded for {workshop} on the {target} target.")
                      .format(workshop=workshop, target=target))
        else:
            out.print(_("Nothing to tear down: no deployment recorded on the {target} target.").format(target=target))

    def _tearing_down(self, out: Any, workshop: str, student: str | None, dry_run: bool) -> None:
        said = (_("[bold]Planning the teardown of {workshop}[/bold]") if dry_run
                else _("[bold]Tearing down {workshop}[/bold]")).format(workshop=workshop)
        out.print(said + (f" ({student})" if student else ""))

    def _torn_down(self, out: Any, workshop: str, count: int, seconds: float, dry_run: bool) -> None:
        said = (ngettext("{workshop}: {count} resource would be deleted ({seconds}).",
                         "{workshop}: {count} resources would be deleted ({seconds}).", count) if dry_run
                else ngettext("{workshop}: {count} resource deleted in {seconds}.",
                              "{workshop}: {count} resources deleted in {seconds}.", count))
        out.print(said.format(workshop=workshop, count=count, seconds=duration(seconds)))

    def _swept(self, out: Any, found: list[Any], who: str) -> None:
        out.print(ngettext("Sweep ({who}): {count} resource carries codecraft's tags.",
                           "Sweep ({who}): {count} resources carry codecraft's tags.", len(found))
                  .format(who=who, count=len(found)))
        for item in found:
            out.print(f"  [red]-[/red] {item.label}  [dim]{item.tags.get('codecraft:deployment')}[/dim]")

    def _dry_run_nothing_deleted(self, out: Any) -> None:
        out.print(_("Dry run: nothing was deleted."))
