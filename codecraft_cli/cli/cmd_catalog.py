"""codecraft workshops · codecraft show"""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import text
from .output import console, print_json


def workshops(json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False) -> None:
    """List the workshops of the catalogue."""
    from ..workshop import catalogue, load_workshop_file
    from .app import OPTIONS

    items = []
    for path in catalogue():
        w = load_workshop_file(path)
        items.append({"id": w.id, "title": text(w.title, OPTIONS.lang), "seed": w.seed,
                      "requires": list(w.requires), "services": list(w.services)})
    if json_out:
        print_json(items)
        return
    from rich.table import Table

    table = Table(title="codecraft workshops", title_justify="left")
    for col in ("id", "title", "requires", "services"):
        table.add_column(col)
    for item in items:
        table.add_row(item["id"], item["title"], ", ".join(item["requires"]) or "-",
                      ", ".join(item["services"]))
    console().print(table)
    console().print("Next: [bold]codecraft show <id>[/bold] to read the steps, "
                    "[bold]codecraft setup <id>[/bold] to build it.")


def show(
    workshop: Annotated[str, typer.Argument(help="Workshop id (see `codecraft workshops`).")],
    lang: Annotated[str | None, typer.Option("--lang", help="fr or en.")] = None,
) -> None:
    """Show each step: the console click-path, what the tool will create, and its checks."""
    from rich.panel import Panel

    from ..i18n import pick_lang
    from ..resources.base import handler_for
    from ..workshop import load_workshop
    from .app import OPTIONS

    chosen = pick_lang(lang) if lang else OPTIONS.lang
    w = load_workshop(workshop)
    out = console()
    out.print(f"[bold]{text(w.title, chosen)}[/bold]  ({w.id})")
    if w.requires:
        out.print(("Prérequis : " if chosen == "fr" else "Requires: ") + ", ".join(w.requires))
    for number, step in enumerate(w.steps, start=1):
        body = [text(step.console, chosen).rstrip()]
        if step.resources:
            body.append("")
            body.append("[bold]codecraft:[/bold]" if chosen == "en" else "[bold]codecraft fera :[/bold]")
            for res in step.resources:
                handler = handler_for(res.type)
                label = res.name or res.properties.get("function") or res.id
                body.append(f"  • {res.type} [cyan]{label}[/cyan]  ({handler.console})")
        if step.checks:
            body.append("")
            body.append("[bold]checks:[/bold]" if chosen == "en" else "[bold]vérifications :[/bold]")
            for check in step.checks:
                body.append(f"  ✓ {text(check.title, chosen)}")
        pitfall = text(step.pitfalls, chosen)
        if pitfall:
            body.append("")
            body.append(("[yellow]Piège :[/yellow] " if chosen == "fr" else "[yellow]Pitfall:[/yellow] ") + pitfall)
        out.print(Panel("\n".join(body), title=f"{number}. {text(step.title, chosen)}",
                        title_align="left", expand=False))


def register(app: typer.Typer) -> None:
    app.command("workshops")(workshops)
    app.command("show")(show)
