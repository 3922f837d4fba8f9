"""Options shared by the commands, defined once, and the run's settings from Typer's context.

Kept light (start-up time): Typer only; the settings type is import-free.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..engine.settings import Settings


def json_flag(also: str = "") -> Any:
    """The --json option (one definition); ``also`` completes its help, e.g. "also when a check fails"."""
    detail = f" ({also})" if also else ""
    return typer.Option("--json", help=f"JSON on stdout{detail}.")


JsonOpt = Annotated[bool, json_flag()]
JsonMsgOpt = Annotated[bool, json_flag("messages stay on stderr")]
StudentOpt = Annotated[str | None, typer.Option(
    "--student", help="Deploy under this student's names and tags (e.g. alice-Orders).")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="Show the API calls; change nothing.")]


def settings(ctx: typer.Context) -> Settings:
    """The global options of this run (filled by the ``codecraft`` callback)."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()
