"""codecraft status"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ..i18n import N_, _, number
from .options import JsonMsgOpt, StudentOpt, settings
from .output import console, document, print_json

COLUMNS = (N_("type"), N_("name"), N_("id"), N_("age"))


def status(
    ctx: typer.Context,
    workshop: Annotated[str | None, typer.Argument(help=N_("Only this workshop."))] = None,
    student: StudentOpt = None,
    json_out: JsonMsgOpt = False,
) -> None:
    """What codecraft has deployed on this target: resources, since when, and what it costs per hour."""
    from ..engine.overview import status as deployed

    report = deployed(settings(ctx), workshop, student)
    if json_out:
        print_json(report.as_json())
        return
    if not report.deployments:
        console().print(_("Nothing deployed on the {target} target.").format(target=report.target))
        return
    from rich.table import Table

    out = document()
    now = time.time()
    for dep in report.deployments:
        title = f"{dep['workshop']}" + (f" · {dep['student']}" if dep["student"] else "") + f" · {dep['target']} {dep['region']}"
        title += " · " + _("up {age}").format(age=_age(now - (dep["created_at"] or now)))
        if dep["expires_at"]:
            left = dep["expires_at"] - now
            title += " · " + (_("expires in {age}").format(age=_age(left)) if left > 0
                              else _("[red]expired[/red] (teardown --expired)"))
        title += " · " + (_("${cost}/h").format(cost=number(dep["cost_per_hour"], 3)) if dep["cost_per_hour"]
                          else _("$0/h idle"))
        table = Table(title=title, title_justify="left")
        for col in COLUMNS:
            table.add_column(_(col))
        for res in dep["resources"]:
            table.add_row(res["type"], res["name"], str(res["id"])[-60:], _age(now - (res["created_at"] or now)))
        out.print(table)
    if report.is_local:
        console().print("[dim]" + _("On the embedded emulator nothing bills; the figures are what AWS would "
                                    "charge.") + "[/dim]")
    out.print(_("Total: ${cost}/hour while these deployments exist.").format(cost=number(report.cost_per_hour, 3)))


def _age(seconds: float) -> str:
    """A duration as short as a table cell wants it: 42s, 17m, 3.5h (42 s, 17 min, 3,5 h)."""
    if seconds < 120:
        return _("{count}s").format(count=int(seconds))
    if seconds < 7200:
        return _("{count}m").format(count=int(seconds // 60))
    return _("{count}h").format(count=number(seconds / 3600))
