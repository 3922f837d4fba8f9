"""Rendering of setup and teardown as they happen: per-resource lines under a live spinner,
and the engine's notes (lifecycle.Reporter) in words, on stderr."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

from ..i18n import text
from .output import confirm, console

_MARKS = {"created": "[green]+ created[/green]", "updated": "[yellow]~ updated[/yellow]",
          "unchanged": "[dim]= unchanged[/dim]", "deleted": "[red]- deleted[/red]",
          "planned": "[cyan]» planned[/cyan]", "failed": "[bold red]✘ failed[/bold red]",
          "kept": "[dim]= kept[/dim]"}


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
                mark = _MARKS.get(result.action, result.action)
                line = (f"  [dim]step {self._step_number(result.step)}[/dim] {mark}  {result.type} "
                        f"[cyan]{result.name}[/cyan]  [dim]{result.seconds:.1f}s[/dim]")
                if result.error:
                    line += f"\n      [red]{result.error}[/red]"
                elif result.action == "kept":
                    line += f"  [dim]({result.note or 'not created by codecraft'})[/dim]"
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
        out.print("[dim]Starting the embedded emulator…[/dim]")

    def _prerequisite(self, out: Any, workshop: str, dry_run: bool) -> None:
        then = "its dry run comes first" if dry_run else "setting it up first"
        out.print(f"[bold]{workshop}[/bold] is a prerequisite and is not set up: {then}.")

    def _learner_lab(self, out: Any) -> None:
        out.print("[yellow]AWS Academy Learner Lab detected:[/yellow] roles cannot be created there, "
                  "so the functions use the lab's existing LabRole.")

    def _cost(self, out: Any, line: str) -> None:
        out.print(f"Cost: {line}.")

    def _setting_up(self, out: Any, workshop: Any, where: str, dry_run: bool) -> None:
        out.print(f"[bold]{'Planning' if dry_run else 'Setting up'} {workshop.id}[/bold] "
                  f"({text(workshop.title, self.lang)}) on {where}")

    def set_up(self, report: Any) -> None:
        out, counts, elapsed = console(), report.counts, report.seconds
        if report.dry_run:
            out.print(f"[bold]Dry run:[/bold] {counts['planned']} resource(s) would change, "
                      f"{counts['unchanged']} already match. Nothing was changed.")
        elif counts["created"] or counts["updated"]:
            out.print(f"[green]Done[/green] in {elapsed:.1f}s: {counts['created']} created, "
                      f"{counts['updated']} updated, {counts['unchanged']} unchanged.")
        else:
            out.print(f"[green]Nothing to change[/green]: all {len(report.results)} resources already match the "
                      f"workshop ({elapsed:.1f}s).")
        if report.invoke_url:
            out.print(f"Invoke URL: [cyan]{report.invoke_url}[/cyan]")
            who = f" --student {report.student}" if report.student else ""
            out.print(f"Next: [bold]codecraft test-api --workshop {report.workshop}{who}[/bold] · "
                      f"[bold]codecraft verify {report.workshop}{who}[/bold]")

    def step_by_step(self, ctx: Any, state: Any, steps: list[Any]) -> list[Any] | None:
        from ..errors import UserError
        from .stepper import StepByStep

        if not sys.stdin.isatty():
            raise UserError("--step-by-step asks before each step and needs a terminal.",
                            hint="Run it in a terminal, or drop --step-by-step (with --from/--to to limit the steps).")

        def ask(prompt: str) -> str:
            console().print(prompt, end="")
            try:
                return input()
            except EOFError:
                return "q"

        return StepByStep(ctx, state, console(), ask, lambda: self.progress(ctx.workshop, 1, "working")).run(steps)

    def _nothing_to_tear_down(self, out: Any, workshop: str | None, target: str, none_expired: int) -> None:
        if none_expired:
            out.print(f"Nothing to tear down: none of the {none_expired} deployment(s) on the {target} "
                      "target has expired (`codecraft status` shows when each expires).")
        else:
            out.print("Nothing to tear down: no deployment recorded"
                      + (f" for {workshop}" if workshop else "") + f" on the {target} target.")

    def _tearing_down(self, out: Any, workshop: str, student: str | None, dry_run: bool) -> None:
        out.print(f"[bold]{'Planning the teardown of' if dry_run else 'Tearing down'} {workshop}[/bold]"
                  + (f" ({student})" if student else ""))

    def _torn_down(self, out: Any, workshop: str, count: int, seconds: float, dry_run: bool) -> None:
        out.print(f"{workshop}: {count} resource(s) {'would delete' if dry_run else 'deleted'} in {seconds:.1f}s.")

    def _swept(self, out: Any, found: list[Any], who: str) -> None:
        out.print(f"Sweep ({who}): {len(found)} resource(s) carry codecraft's tags.")
        for item in found:
            out.print(f"  [red]-[/red] {item.label}  [dim]{item.tags.get('codecraft:deployment')}[/dim]")

    def _dry_run_nothing_deleted(self, out: Any) -> None:
        out.print("Dry run: nothing was deleted.")
