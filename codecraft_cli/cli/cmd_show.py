"""codecraft show: the workshop as a document — on stdout (text, or an AWS CLI script), or as a
Markdown or HTML handout written to a file (``-o -``: stdout). Messages go to stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from ..i18n import N_, _, text
from .options import settings
from .output import console, document

FORMATS = ("text", "md", "html")


def _steps(w: Any, lang: str) -> list[dict[str, Any]]:
    from ..engine.narrate import step_calls

    calls = step_calls(w)
    return [{"number": n, "id": step.id, "title": text(step.title, lang), "console": text(step.console, lang).rstrip(),
             "calls": calls[step.id], "checks": [text(c.title, lang) for c in step.checks],
             "pitfall": text(step.pitfalls, lang)} for n, step in enumerate(w.steps, start=1)]


def _markdown(w: Any, lang: str) -> str:
    """A course handout: each step's click-path, what codecraft does, the checks, the pitfalls."""
    head = f"`{w.id}`" + (" · " + _("Original workshop: {seed}").format(seed=f"`{w.seed}`") if w.seed else "")
    lines = [f"# {text(w.title, lang)}", "", head, ""]
    if w.requires:
        lines += [_("**Requires**: {workshops}").format(workshops=", ".join(f"`{r}`" for r in w.requires)), ""]
    for step in _steps(w, lang):
        title = _("Step {number} — {title}").format(number=step["number"], title=step["title"])
        lines += [f"## {title}", "", "```text", step["console"], "```", ""]
        if step["calls"]:
            lines += [_("**codecraft calls**"), ""] + [f"- `{c}`" for c in step["calls"]] + [""]
        if step["checks"]:
            lines += [_("**Checks**"), ""] + [f"- [ ] {c}" for c in step["checks"]] + [""]
        if step["pitfall"]:
            lines += ["> " + _("**Pitfall** — {pitfall}").format(pitfall=step["pitfall"]), ""]
    return "\n".join(lines)


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
          "pre{background:#f4f4f4;padding:.8rem;overflow-x:auto}code{font-size:.92em}"
          ".pitfall{border-left:4px solid #d97706;padding:.3rem .8rem;background:#fff7ed}")


def _page(w: Any, lang: str) -> str:
    """The handout as a standalone HTML page (every text escaped)."""
    import html

    e = html.escape
    title = e(text(w.title, lang))
    body = [f"<h1>{title}</h1>", f"<p><code>{e(w.id)}</code>"
            + (" · " + e(_("Original workshop: {seed}").format(seed=w.seed)) if w.seed else "") + "</p>"]
    if w.requires:
        body.append("<p>" + e(_("Requires: {workshops}").format(workshops=", ".join(w.requires))) + "</p>")
    for step in _steps(w, lang):
        body.append(f"<h2>{e(_('Step {number} — {title}').format(number=step['number'], title=step['title']))}</h2>")
        body.append(f"<pre>{e(step['console'])}</pre>")
        if step["calls"]:
            body.append(f"<h3>{e(_('codecraft calls'))}</h3><ul>"
                        + "".join(f"<li><code>{e(c)}</code></li>" for c in step["calls"]) + "</ul>")
        if step["checks"]:
            body.append(f"<h3>{e(_('Checks'))}</h3><ul>"
                        + "".join(f"<li>☐ {e(c)}</li>" for c in step["checks"]) + "</ul>")
        if step["pitfall"]:
            body.append(f"<p class=\"pitfall\">{e(_('Pitfall — {pitfall}').format(pitfall=step['pitfall']))}</p>")
    return (f"<!DOCTYPE html>\n<html lang=\"{e(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n" + "\n".join(body)
            + "\n</body>\n</html>\n")


def show(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help=N_("Workshop id (see `codecraft workshops`)."))],
    lang: Annotated[str | None, typer.Option("--lang", help=N_("fr or en."))] = None,
    fmt: Annotated[str, typer.Option("--format", help=N_(
        "text (on stdout), md (a Markdown handout) or html (a standalone web page)."))] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help=N_(
        "With --format md or html: the file to write (default: <workshop>.<lang>.md or .html; - for "
        "stdout); with --as cli: a script file (default: stdout)."))] = None,
    as_: Annotated[str, typer.Option("--as", help=N_(
        "console (the click-path, default) or cli: each step as the AWS CLI commands to paste (after "
        "`eval \"$(codecraft local env)\"` on the emulator, or on an AWS account)."))] = "console",
    student: Annotated[str | None, typer.Option("--student", help=N_(
        "With --as cli: the student's names (<student>-<name>), as setup --student makes them."))] = None,
    only_step: Annotated[str | None, typer.Option("--step", help=N_("With --as cli: only this step (its id)."))] = None,
    runtime: Annotated[str | None, typer.Option("--runtime", help=N_(
        "python or nodejs: the click-path for the functions in that language (where the workshop has it)."))] = None,
    email: Annotated[str | None, typer.Option("--email", envvar="CODECRAFT_EMAIL", metavar="ADDRESS", help=N_(
        "The address the student will use, for the workshops that send e-mail (default: <your e-mail>; "
        "with --as cli: the emulator's example.com addresses)."))] = None,
) -> None:
    """Show each step: the console click-path, the calls codecraft makes, the checks, the pitfalls.

    The document goes to stdout (codecraft show W > W.txt); --format md or html writes a handout.
    --as cli: each step as AWS CLI commands, a bash script that runs top to bottom
    (`codecraft show W --as cli > W.sh; eval "$(codecraft local env)"; bash W.sh`).
    """
    from ..i18n import pick_lang, require_lang, set_lang
    from ..workshop import load_workshop

    require_lang(lang)
    chosen = pick_lang(lang) if lang else settings(ctx).lang
    set_lang(chosen)
    if fmt not in FORMATS:
        raise UserError(_("Unknown format {format!r}.").format(format=fmt),
                        hint=_("Use --format text, --format md or --format html."))
    if as_ not in ("console", "cli"):
        raise UserError(_("Unknown --as {value!r}.").format(value=as_), hint=_("Use --as console or --as cli."))
    w = load_workshop(workshop)
    if runtime:
        from ..engine.runtime_choice import Runtime, check_runtime

        check_runtime(w, runtime)
        w = Runtime(runtime).workshop(w)
    from ..engine.email_choice import Email, check_email, placeholder, sends_email

    check_email(w, email)
    if email or (as_ != "cli" and sends_email(w)):  # a script keeps addresses that run on the emulator
        w = Email(email or placeholder()).workshop(w)
    if as_ == "cli":
        _cli(w, chosen, student, only_step, output)
        return
    if fmt in ("md", "html"):
        from .cmd_diagram import embed  # the architecture diagram (Graphviz) before the first step

        said = _markdown(w, chosen) + "\n" if fmt == "md" else _page(w, chosen)
        target = output or Path(f"{w.id}.{chosen}.{fmt}")
        _write(embed(said, w, fmt, target), target, _("Handout written: [bold]{path}[/bold]"))
        return
    _text(w, chosen)


def _write(said: str, target: Path, written: str) -> None:
    """``said`` into ``target`` (``-``: stdout), then one line on stderr saying where."""
    import sys

    if str(target) == "-":
        sys.stdout.write(said)
        sys.stdout.flush()
        return
    try:
        target.write_text(said, encoding="utf-8")
    except OSError as exc:
        raise UserError(_("Cannot write {path}: {reason}.").format(path=target, reason=exc.strerror or exc),
                        hint=_("Choose another file with -o FILE (or -o - for stdout).")) from exc
    console().print(written.format(path=target))


def _text(w: Any, lang: str) -> None:
    """The workshop on stdout, one panel per step."""
    from rich.panel import Panel

    out = document()
    out.print(f"[bold]{text(w.title, lang)}[/bold]  ({w.id})")
    if w.requires:
        out.print(_("Requires: {workshops}").format(workshops=", ".join(w.requires)))
    for step in _steps(w, lang):
        body = [step["console"]]
        if step["calls"]:
            body += ["", _("[bold]codecraft calls:[/bold]")] + [f"  [dim]{c}[/dim]" for c in step["calls"]]
        if step["checks"]:
            body += ["", _("[bold]Checks:[/bold]")] + [f"  ✓ {c}" for c in step["checks"]]
        if step["pitfall"]:
            body += ["", _("[yellow]Pitfall:[/yellow] {pitfall}").format(pitfall=step["pitfall"])]
        out.print(Panel("\n".join(body), title=f"{step['number']}. {step['title']}", title_align="left", expand=False))


def _cli(w: Any, lang: str, student: str | None, step: str | None, output: Path | None) -> None:
    """The workshop as an AWS CLI script: stdout (paste or redirect), or a file."""
    from ..engine.cli_steps import cli_script

    if step is not None and step not in {s.id for s in w.steps}:
        raise UserError(_("{workshop} has no step {step!r}.").format(workshop=w.id, step=step),
                        hint=_("Steps: {steps} (codecraft show {workshop}).").format(
                            steps=", ".join(s.id for s in w.steps), workshop=w.id))
    if student is not None:
        from ..engine.context import check_student

        student = check_student(student)
    script = cli_script(w, lang, student=student, only_step=step)
    _write(script, output or Path("-"), _("Script written: [bold]{path}[/bold]"))
    if output is not None and str(output) != "-":
        output.chmod(0o755)
