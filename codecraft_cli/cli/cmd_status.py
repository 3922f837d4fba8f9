"""codecraft status"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from .options import JsonMsgOpt, StudentOpt, settings
from .output import console, print_json


def status(
    ctx: typer.Context,
    workshop: Annotated[str | None, typer.Argument(help="Only this workshop.")] = None,
    student: StudentOpt = None,
    json_out: JsonMsgOpt = False,
) -> None:
    """What codecraft has deployed on this target: resources, since when, and what it costs per hour."""
    from ..engine.overview import status as deployed

    report = deployed(settings(ctx), workshop, student)
    if json_out:
        print_json(report.as_json())
        return
    out = console()
    if not report.deployments:
        out.print(f"Nothing deployed on the {report.target} target.")
        return
    from rich.table import Table

    now = time.time()
    for dep in report.deployments:
        title = f"{dep['workshop']}" + (f" · {dep['student']}" if dep["student"] else "") + f" · {dep['target']} {dep['region']}"
        title += f" · up {age(now - (dep['created_at'] or now))}"
        if dep["expires_at"]:
            left = dep["expires_at"] - now
            title += f" · expires in {age(left)}" if left > 0 else " · [red]expired[/red] (teardown --expired)"
        title += f" · ${dep['cost_per_hour']:.3f}/h" if dep["cost_per_hour"] else " · $0/h idle"
        table = Table(title=title, title_justify="left")
        for col in ("type", "name", "id", "age"):
            table.add_column(col)
        for res in dep["resources"]:
            table.add_row(res["type"], res["name"], str(res["id"])[-60:], age(now - (res["created_at"] or now)))
        out.print(table)
    if report.is_local:
        out.print("[dim]On the embedded emulator nothing bills; the figures are what AWS would charge.[/dim]")
    out.print(f"Total: ${report.cost_per_hour:.3f}/hour while these deployments exist.")


def age(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)}s"
    if seconds < 7200:
        return f"{int(seconds // 60)}m"
    return f"{seconds / 3600:.1f}h"
