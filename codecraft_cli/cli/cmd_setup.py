"""codecraft setup"""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_
from .options import DryOpt, EmailOpt, JsonMsgOpt, StudentOpt, YesOpt, settings
from .output import print_json

ExpiresOpt = Annotated[str | None, typer.Option(
    "--expires", help=N_("When the deployment should be gone (e.g. 3h, 2d): tagged on every resource, "
                         "removed by `teardown --expired`. Default on AWS: 24h."))]
RuntimeOpt = Annotated[str | None, typer.Option(
    "--runtime", help=N_("python or nodejs: the language of the workshop's functions (workshop2, workshop3 and "
                         "anycompany-orders have Node.js versions). Default: as set up before, else python."))]


def setup(
    ctx: typer.Context,
    workshop: Annotated[str, typer.Argument(help=N_("Workshop id, e.g. anycompany-orders."))],
    student: StudentOpt = None,
    step_by_step: Annotated[bool, typer.Option(
        "--step-by-step", help=N_("One step at a time: codecraft does it, or you do it by hand and it checks."))] = False,
    from_step: Annotated[str | None, typer.Option("--from", help=N_("First step to run."))] = None,
    to_step: Annotated[str | None, typer.Option("--to", help=N_("Last step to run."))] = None,
    dry_run: DryOpt = False,
    expires: ExpiresOpt = None,
    runtime: RuntimeOpt = None,
    email: EmailOpt = None,
    yes: YesOpt = False,
    json_out: JsonMsgOpt = False,
) -> None:
    """Create the workshop's resources, step by step (idempotent: a rerun changes nothing).

    Resources that do not depend on each other are created at the same time. Everything
    created is tagged and recorded at once, so a crash loses nothing: run setup again.
    """
    from ..engine import lifecycle
    from .reporter import CliReporter

    options = settings(ctx)
    request = lifecycle.SetupRequest(workshop, student, from_step, to_step, dry_run, expires, step_by_step, runtime,
                                      email=email)
    report = lifecycle.setup(options, request, CliReporter(options.lang, yes))
    if json_out and report is not None:
        print_json(report.as_json())
