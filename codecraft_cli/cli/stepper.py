"""`codecraft setup W --step-by-step`: a class follows the console, one step at a time.

Before each step a panel shows its console click-path and the calls codecraft would make.
Enter lets codecraft do it; `m` means someone does it by hand in the console (on the local
emulator, which has none: with the AWS CLI, the step's commands shown with the values of the
earlier steps filled in, as `show W --as cli --step S` gives them), and codecraft then checks it (found by the names the workshop prescribes); `s` skips it; `q` quits. After
each step its checks run (✔/✘ with the console fix). Progress is kept in the state file, so
running the same command again resumes at the first step not done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine.context import DeployContext
from ..engine.deploy import Deployer
from ..engine.executor import Executor
from ..engine.narrate import step_calls
from ..engine.state import StateStore
from ..engine.verifier import CheckResult, run_checks
from ..i18n import _, text
from .output import ok_mark



def words() -> dict[str, str]:
    """The prompts and lines of step-by-step, in the current language (the keys stay Enter/m/s/q/c)."""
    return {
        "prompt": _("[Enter] codecraft does it · [m] by hand · [s] skip · [q] quit › "),
        "manual": _("Do it in the console now (the click-path is above), then press Enter to check it "
                    "(q to quit) › "),
        "retry": _("[Enter] check again · [c] continue anyway · [q] quit › "),
        "done_before": _("already done"),
        "quit": _("Stopped before step {n}. Run the same command to resume there."),
        "all": _("All {n} checks passed."),
        "some": _("{bad} of {n} checks failed: `codecraft verify {w}` shows the fixes."),
        "skipped": _("skipped"),
        "manual_local": _("Do it by hand now with the AWS CLI (the emulator has no console; the commands are "
                          "above), then press Enter to check it (q to quit) › "),
        "local": _("No console on the emulator: do this step with the AWS CLI, in another terminal:\n"
                   "  {env}   then aws ...   (or codecraft aws ... without it)\n"
                   "  codecraft show {w} --as cli --step {step}   gives this step's commands:"),
        "fix": _("[yellow]fix:[/yellow] {fix}"),
    }


class StepByStep:
    def __init__(self, ctx: DeployContext, state: StateStore, out: Any, ask: Callable[[str], str],
                 progress: Callable[[], Any]) -> None:
        self.ctx = ctx
        self.state = state
        self.out = out
        self.ask = ask
        self.progress = progress  # a context manager factory giving an event callback
        self.words = words()
        self.outputs: dict[str, dict[str, Any]] = {}

    def run(self, steps: list[Any]) -> list[CheckResult] | None:
        """None when the user quit; else the final verification of the whole workshop."""
        from rich.panel import Panel

        calls = step_calls(self.ctx.workshop)
        numbers = {step.id: n for n, step in enumerate(self.ctx.workshop.steps, start=1)}
        done = self.state.steps
        for step in steps:
            number = numbers[step.id]
            title = f"{number}/{len(numbers)}. {text(step.title, self.ctx.lang)}"
            if done.get(step.id) in ("done", "manual"):
                self.out.print(f"[green]✔[/green] {title} [dim]({self.words['done_before']})[/dim]")
                continue
            body = text(step.console, self.ctx.lang).rstrip()
            if calls[step.id]:
                body += "\n\n" + _("[bold]codecraft calls:[/bold]") + "\n" + "\n".join(f"  [dim]{c}[/dim]" for c in calls[step.id])
            self.out.print(Panel(body, title=title, title_align="left", expand=False))
            choice = self.ask(self.words["prompt"]).strip().lower()
            if choice == "q":
                self.out.print(self.words["quit"].format(n=number))
                return None
            if choice == "s":
                self.state.set_step(step.id, "skipped")
                self.out.print(f"[yellow]»[/yellow] {title} [dim]({self.words['skipped']})[/dim]")
                continue
            if choice == "m":
                if not self._by_hand(step):
                    self.out.print(self.words["quit"].format(n=number))
                    return None
                self.state.set_step(step.id, "manual")
                continue
            self._by_codecraft(step)
            self._report(self._check([step.id]))
            self.state.set_step(step.id, "done")
        results = self._check(None)
        bad = sum(not r.ok for r in results)
        self._report(results)
        message = self.words["all"] if not bad else self.words["some"]
        self.out.print(message.format(n=len(results), bad=bad, w=self.ctx.workshop.id))
        return results

    def _by_codecraft(self, step: Any) -> None:
        self._learn_outputs()
        with self.progress() as event:
            deployer = Deployer(self.ctx, self.state, Executor(self.ctx), event)
            deployer.outputs.update(self.outputs)
            deployer.setup(list(step.resources))
            self.outputs.update(deployer.outputs)

    def _by_hand(self, step: Any) -> bool:
        prompt = self.words["manual"]
        if self.ctx.is_local:  # no console: the AWS CLI against the emulator, this step's commands
            self._cli_help(step)
            prompt = self.words["manual_local"]
        answer = self.ask(prompt).strip().lower()
        while answer != "q":
            results = self._check([step.id])
            self._report(results)
            if not any(r.failed for r in results):
                return True
            answer = self.ask(self.words["retry"]).strip().lower()
            if answer == "c":
                return True
        return False

    def _cli_help(self, step: Any) -> None:
        from ..engine.cli_steps import cli_script

        self.out.print(self.words["local"].format(w=self.ctx.workshop.id, step=step.id,
                                                 env='eval "$(codecraft local env)"'), markup=False,
                       highlight=False)
        self._learn_outputs()  # the values of earlier steps, filled in for the student
        script = cli_script(self.ctx.workshop, self.ctx.lang, student=self.ctx.student, only_step=step.id,
                            known=self.outputs)
        # unwrapped, no markup: the lines are pasted into a shell
        self.out.print(script.split("\n", 1)[1].rstrip(), markup=False, highlight=False, soft_wrap=True)

    def _check(self, steps: list[str] | None) -> list[CheckResult]:
        # what was built by hand counts, found by its name
        return run_checks(self.ctx, only_steps=set(steps) if steps else None, outputs=self.outputs, by_hand=True)

    def _learn_outputs(self) -> None:
        """Outputs of earlier resources (built by codecraft or by hand) for the next plans."""
        self.outputs.update({rid: dict(rec.get("outputs") or {}) for rid, rec in self.state.resources.items()})
        missing = [r.step for r in self.ctx.workshop.resources if r.id not in self.outputs]
        if missing:
            run_checks(self.ctx, only_steps=set(), outputs=self.outputs, by_hand=True)

    def _report(self, results: list[CheckResult]) -> None:
        for r in results:
            label = r.title or r.check
            self.out.print(f"  {ok_mark(r.ok)} " + _("{label}: [dim]{detail}[/dim]").format(label=label, detail=r.detail))
            if not r.ok and r.fix:
                self.out.print("      " + self.words["fix"].format(fix=r.fix))
