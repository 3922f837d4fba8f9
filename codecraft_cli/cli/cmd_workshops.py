"""codecraft workshops"""

from __future__ import annotations

from typing import Any

import typer

from ..i18n import N_, _, text
from .options import JsonOpt, settings
from .output import console, document, print_json

COLUMNS = (N_("id"), N_("title"), N_("requires"), N_("services"))


def workshops(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """List the workshops of the catalogue."""
    from ..workshop import all_workshops

    lang = settings(ctx).lang
    items: list[dict[str, Any]] = []
    for w in all_workshops():
        items.append({"id": w.id, "title": text(w.title, lang), "seed": w.seed,
                      "requires": list(w.requires), "services": list(w.services)})
    if json_out:
        print_json(items)
        return
    from rich.table import Table

    table = Table(title=_("codecraft workshops"), title_justify="left")
    for col in COLUMNS:
        table.add_column(_(col))
    for item in items:
        table.add_row(item["id"], item["title"], ", ".join(item["requires"]) or "-",
                      ", ".join(item["services"]))
    document().print(table)
    console().print(_("Next: [bold]codecraft show <id>[/bold] to read the steps, "
                      "[bold]codecraft setup <id>[/bold] to build it."))
