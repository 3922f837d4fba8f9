"""codecraft show"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from ..i18n import text
from .options import settings
from .output import console

LABELS = {
    "fr": {"requires": "Prérequis", "tool": "codecraft appelle", "checks": "Vérifications", "pitfall": "Piège",
           "seed": "Atelier d'origine", "step": "Étape"},
    "en": {"requires": "Requires", "tool": "codecraft calls", "checks": "Checks", "pitfall": "Pitfall",
           "seed": "Original workshop", "step": "Step"},
}


def _steps(w: Any, lang: str) -> list[dict[str, Any]]:
    from ..engine.narrate import step_calls

    calls = step_calls(w)
    return [{"number": n, "id": step.id, "title": text(step.title, lang), "console": text(step.console, lang).rstrip(),
             "calls": calls[step.id], "checks": [text(c.title, lang) for c in step.checks],
             "pitfall": text(step.pitfalls, lang)} for n, step in enumerate(w.steps, start=1)]


def markdown(w: Any, lang: str) -> str:
    """A course handout: each step's click-path, what codecraft does, the checks, the pitfalls."""
    labels = LABELS.get(lang, LABELS["en"])
    lines = [f"# {text(w.title, lang)}", "", f"`{w.id}`" + (f" · {labels['seed']} : `{w.seed}`" if w.seed else ""), ""]
    if w.requires:
        lines += [f"**{labels['requires']}** : " + ", ".join(f"`{r}`" for r in w.requires), ""]
    for step in _steps(w, lang):
        lines += [f"## {labels['step']} {step['number']} — {step['title']}", "", "```text", step["console"], "```", ""]
        if step["calls"]:
            lines += [f"**{labels['tool']}**", ""] + [f"- `{c}`" for c in step["calls"]] + [""]
        if step["checks"]:
            lines += [f"**{labels['checks']}**", ""] + [f"- [ ] {c}" for c in step["checks"]] + [""]
        if step["pitfall"]:
            lines += [f"> **{labels['pitfall']}** — {step['pitfall']}", ""]
    return "\n".join(lines)


def show(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help="Workshop id (see `codecraft workshops`).")],
    lang: Annotated[str | None, typer.Option("--lang", help="fr or en.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text (the terminal) or md (a Markdown handout).")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="With --format md: the file to write "
                                                "(default: <workshop>.<lang>.md); with --as cli: a script file "
                                                "(default: stdout).")] = None,
    as_: Annotated[str, typer.Option("--as", help="console (the click-path, default) or cli: each step as the "
                                     "AWS CLI commands to paste (after eval \"$(codecraft local env)\" on the "
                                     "emulator, or on an AWS account).")] = "console",
    student: Annotated[str | None, typer.Option("--student", help="With --as cli: the student's names "
                                                "(<student>-<name>), as setup --student makes them.")] = None,
    only_step: Annotated[str | None, typer.Option("--step", help="With --as cli: only this step (its id).")] = None,
) -> None:
    """Show each step: the console click-path, the calls codecraft makes, the checks, the pitfalls.

    --as cli: each step as AWS CLI commands, a bash script that runs top to bottom
    (codecraft show W --as cli > W.sh; eval "$(codecraft local env)"; bash W.sh).
    """
    from rich.panel import Panel

    from ..i18n import pick_lang, require_lang
    from ..workshop import load_workshop

    require_lang(lang)
    chosen = pick_lang(lang) if lang else settings(ctx).lang
    if fmt not in ("text", "md"):
        raise UserError(f"Unknown format {fmt!r}.", hint="Use --format text or --format md.")
    if as_ not in ("console", "cli"):
        raise UserError(f"Unknown --as {as_!r}.", hint="Use --as console or --as cli.")
    w = load_workshop(workshop)
    if as_ == "cli":
        _cli(w, chosen, student, only_step, output)
        return
    if fmt == "md":
        target = output or Path(f"{w.id}.{chosen}.md")
        target.write_text(markdown(w, chosen), encoding="utf-8")
        console().print(f"Handout written: [bold]{target}[/bold]")
        return
    labels = LABELS[chosen]
    out = console()
    out.print(f"[bold]{text(w.title, chosen)}[/bold]  ({w.id})")
    if w.requires:
        out.print(f"{labels['requires']}: " + ", ".join(w.requires))
    for step in _steps(w, chosen):
        body = [step["console"]]
        if step["calls"]:
            body += ["", f"[bold]{labels['tool']}:[/bold]"] + [f"  [dim]{c}[/dim]" for c in step["calls"]]
        if step["checks"]:
            body += ["", f"[bold]{labels['checks']}:[/bold]"] + [f"  ✓ {c}" for c in step["checks"]]
        if step["pitfall"]:
            body += ["", f"[yellow]{labels['pitfall']}:[/yellow] {step['pitfall']}"]
        out.print(Panel("\n".join(body), title=f"{step['number']}. {step['title']}", title_align="left", expand=False))


def _cli(w: Any, lang: str, student: str | None, step: str | None, output: Path | None) -> None:
    """The workshop as an AWS CLI script: stdout (paste or redirect), or a file."""
    import sys

    from ..engine.cli_steps import cli_script

    if step is not None and step not in {s.id for s in w.steps}:
        raise UserError(f"{w.id} has no step {step!r}.",
                        hint="Steps: " + ", ".join(s.id for s in w.steps) + " (codecraft show " + w.id + ").")
    if student is not None:
        from ..engine.context import check_student

        student = check_student(student)
    script = cli_script(w, lang, student=student, only_step=step)
    if output is None:
        sys.stdout.write(script)
        sys.stdout.flush()
        return
    output.write_text(script, encoding="utf-8")
    output.chmod(0o755)
    console().print(("Script écrit : " if lang == "fr" else "Script written: ") + f"[bold]{output}[/bold]")
