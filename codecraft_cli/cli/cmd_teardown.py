"""codecraft teardown"""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_
from .options import DryOpt, JsonMsgOpt, StudentOpt, YesOpt, settings
from .output import print_json


def teardown(
    ctx: typer.Context,
    workshop: Annotated[str | None, typer.Argument(help=N_("Workshop id (or --all)."))] = None,
    all_: Annotated[bool, typer.Option("--all", help=N_("Every deployment on this target."))] = False,
    expired: Annotated[bool, typer.Option("--expired", help=N_("Every deployment past its expiry (see --expires)."))] = False,
    sweep: Annotated[bool, typer.Option("--sweep", help=N_(
        "Without the state file: find codecraft's resources by their tags (never a look-alike without them) "
        "and delete them."))] = False,
    student: StudentOpt = None,
    dry_run: DryOpt = False,
    yes: YesOpt = False,
    json_out: JsonMsgOpt = False,
) -> None:
    """Delete what setup created, in reverse dependency order, from the state file.

    Only resources recorded as created by codecraft are deleted; "already gone" counts as done.
    """
    from ..engine import lifecycle
    from .reporter import CliReporter

    options = settings(ctx)
    request = lifecycle.TeardownRequest(workshop, all_, expired, sweep, student, dry_run)
    report = lifecycle.teardown(options, request, CliReporter(options.lang, yes))
    if json_out:
        print_json(report.as_json())
