"""codecraft diagram: the workshop's architecture drawn from its model (Graphviz), no AWS call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UserError
from ..i18n import N_, _
from .options import settings
from .output import console


def diagram(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help=N_("Workshop id (see `codecraft workshops`)."))],
    output: Annotated[Path | None, typer.Option("--output", "-o", help=N_(
        "The file to write: .svg, .png (drawn by Graphviz) or .dot (its source, no Graphviz needed); "
        "- writes the DOT source to stdout (default: <workshop>.<lang>.svg)."))] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=N_("fr or en."))] = None,
    student: Annotated[str | None, typer.Option("--student", help=N_(
        "The student's names (<student>-<name>), as setup --student makes them."))] = None,
    group: Annotated[str, typer.Option("--group", help=N_("Group the resources by step or by service."))] = "step",
    roles: Annotated[bool, typer.Option("--roles", help=N_("Also draw the IAM roles the functions assume."))] = False,
) -> None:
    """Draw the workshop's architecture: its resources, and the requests and events between them.

    From the workshop file alone (no AWS call): one node per function, table, queue, topic,
    bucket, API (with its routes), user pool and database, grouped by step (or by service), and
    an arrow for each HTTP request, S3 event, DynamoDB stream, trigger, delivery and call.
    SVG and PNG are drawn by Graphviz's `dot`; a .dot file needs nothing.
    """
    from ..engine.diagram import GROUPS, architecture
    from ..engine.diagram_dot import FORMATS, render, to_dot
    from ..i18n import pick_lang, require_lang, set_lang
    from ..workshop import load_workshop

    require_lang(lang)
    chosen = pick_lang(lang) if lang else settings(ctx).lang
    set_lang(chosen)
    if group not in GROUPS:
        raise UserError(_("Unknown grouping {value!r}.").format(value=group), hint=_("Use --group step or --group service."))
    target = output or Path(f"{workshop}.{chosen}.svg")
    fmt = "dot" if str(target) == "-" else target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UserError(_("Cannot tell the format of {path}.").format(path=target),
                        hint=_("Name the file .svg, .png or .dot (or -o - for the DOT source on stdout)."))
    if student is not None:
        from ..engine.context import check_student

        student = check_student(student)
    w = load_workshop(workshop)
    drawn = render(to_dot(architecture(w, student=student, group=group, roles=roles)), fmt)
    if str(target) == "-":
        import sys

        sys.stdout.write(drawn.decode("utf-8"))
        sys.stdout.flush()
        return
    try:
        target.write_bytes(drawn)
    except OSError as exc:
        raise UserError(_("Cannot write {path}: {reason}.").format(path=target, reason=exc.strerror or exc),
                        hint=_("Choose another file with -o FILE (or -o - for stdout).")) from exc
    console().print(_("Diagram written: [bold]{path}[/bold]").format(path=target))


# A handout (``show --format md|html``) with the architecture diagram before its first step: HTML:
# the SVG inline; Markdown: an SVG file written beside the handout, linked (a handout on stdout has
# no "beside": none). Without Graphviz, the handout has no diagram (a warning). Not a docstring: the
# catalog's extractor takes a public function's docstring in cli/cmd_*.py for a command's help.
def embed(said: str, w: Any, fmt: str, target: Path) -> str:
    import html

    from ..engine.diagram import architecture
    from ..engine.diagram_dot import INSTALL_HINT, dot_binary, render, to_dot

    if fmt == "md" and str(target) == "-":
        return said
    if dot_binary() is None:
        console().print(_("[yellow]Graphviz is not installed: the handout has no architecture diagram.[/yellow]"))
        console().print(_("[bold]Hint:[/bold] {hint}").format(hint=_(INSTALL_HINT)))
        return said
    svg = render(to_dot(architecture(w)), "svg").decode("utf-8")
    title = _("Architecture")
    if fmt == "html":
        figure = (f'<h2>{html.escape(title)}</h2>\n<figure class="architecture" style="overflow-x:auto;margin:0">'
                  f'{svg[svg.find("<svg"):]}</figure>\n')
        at = said.find("<h2>")
        return said[:at] + figure + said[at:] if at >= 0 else said
    image = target.with_suffix(".svg")
    try:
        image.write_text(svg, encoding="utf-8")
    except OSError as exc:
        raise UserError(_("Cannot write {path}: {reason}.").format(path=image, reason=exc.strerror or exc),
                        hint=_("Choose another file with -o FILE (or -o - for stdout).")) from exc
    console().print(_("Diagram written: [bold]{path}[/bold]").format(path=image))
    at = said.find("\n## ")
    block = f"\n## {title}\n\n![{title} — {w.id}]({image.name})\n"
    return said[:at] + block + said[at:] if at >= 0 else said + block
