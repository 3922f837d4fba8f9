"""Options shared by the commands, defined once, and the run's settings from Typer's context.

Kept light (start-up time): Typer only; the settings type is import-free.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..engine.settings import Settings
from ..i18n import N_

# the --json option's help, by what it adds (cli/help.py translates a help text when shown)
JSON_HELPS = {"": N_("JSON on stdout."),
              "messages stay on stderr": N_("JSON on stdout (messages stay on stderr)."),
              "also when a check fails": N_("JSON on stdout (also when a check fails)."),
              "also for a non-2xx answer": N_("JSON on stdout (also for a non-2xx answer).")}


def json_flag(also: str = "") -> Any:
    """The --json option (one definition); ``also`` completes its help, e.g. "also when a check fails"."""
    return typer.Option("--json", help=JSON_HELPS[also])


JsonOpt = Annotated[bool, json_flag()]
JsonMsgOpt = Annotated[bool, json_flag("messages stay on stderr")]
StudentOpt = Annotated[str | None, typer.Option(
    "--student", help=N_("Deploy under this student's names and tags (e.g. alice-Orders)."))]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask for confirmation."))]
DryOpt = Annotated[bool, typer.Option("--dry-run", help=N_("Show the API calls; change nothing."))]
EmailOpt = Annotated[str | None, typer.Option(
    "--email", envvar="CODECRAFT_EMAIL", metavar="ADDRESS", show_envvar=False, help=N_(
        "The e-mail address you can open, for the workshops that send e-mail (anycompany-challenge): the SES "
        "sender and recipient and the SNS e-mail subscription. Required on AWS; default on the emulator: "
        "its example.com addresses; also CODECRAFT_EMAIL."))]


def settings(ctx: typer.Context) -> Settings:
    """The global options of this run (filled by the ``codecraft`` callback)."""
    found = ctx.find_object(Settings)
    return found if found is not None else Settings()
