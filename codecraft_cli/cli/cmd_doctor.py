"""codecraft doctor"""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_, _
from .options import JsonMsgOpt, settings
from .output import console, ok_mark, print_json


def doctor(
    ctx: typer.Context,
    workshop: Annotated[str | None, typer.Argument(help=N_("Check the permissions of this workshop only."))] = None,
    json_out: JsonMsgOpt = False,
) -> None:
    """Check this machine (and, with --target aws, the account): what is ready and what to fix."""
    from ..engine.overview import doctor as check_machine
    from ..errors import CheckFailed

    report = check_machine(settings(ctx), workshop)
    if json_out:
        print_json(report.as_json())
    else:
        for f in report.findings:
            console().print(f"  {ok_mark(f.ok)} " + _("{label}: {detail}").format(label=f.check, detail=f.detail))
            if not f.ok and f.fix:
                console().print("      " + _("[yellow]fix:[/yellow] {fix}").format(fix=f.fix))
    bad = [f.check for f in report.findings if not f.ok]
    if bad:
        raise CheckFailed(_("Not ready: {checks}.").format(checks=", ".join(bad)),
                          hint=_("Apply the fixes above, then run doctor again."))
