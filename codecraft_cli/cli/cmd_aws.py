"""codecraft aws ARGS...: the AWS CLI against the embedded emulator (like LocalStack's awslocal)."""

from __future__ import annotations

from typing import Any

import typer

from ..i18n import _
from .options import settings
from .output import console

# app.py: app.command("aws", **REGISTRATION); every argument is the AWS CLI's (its help: `aws sqs help`)
REGISTRATION: dict[str, Any] = {
    "context_settings": {"allow_extra_args": True, "ignore_unknown_options": True},
    "add_help_option": False,
    "options_metavar": "AWS-CLI-ARGS...",
}


def aws(ctx: typer.Context) -> None:
    """Run the AWS CLI against the embedded emulator (started if needed), e.g. codecraft aws sqs list-queues.

    Every argument goes to `aws` unchanged, with the environment of `codecraft local env` and
    --endpoint-url set; the exit code is the AWS CLI's. Uses the `aws` on PATH, otherwise installs
    it on first use into CODECRAFT_HOME/tools/awscli (pip install awscli). AWS CLI help: codecraft aws sqs help.
    """
    import sys
    from pathlib import Path

    from ..engine.aws_cli import run_aws

    args = list(ctx.args)
    if args in ([], ["--help"], ["-h"]):
        console().print(ctx.get_help(), markup=False, highlight=False)
        raise typer.Exit(0 if args else 2)

    def installing(where: Path) -> None:
        console().print(_("The AWS CLI is not on PATH: installing it into {path} (pip install awscli, "
                          "first use only)…").format(path=where), soft_wrap=True)

    def starting() -> None:
        console().print(_("Starting the embedded emulator…"))

    code = run_aws(settings(ctx), args, on_start=starting, on_install=installing)
    sys.stdout.flush()
    raise typer.Exit(code)

