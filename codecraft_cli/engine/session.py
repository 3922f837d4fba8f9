"""Open a target and a deployment context from the command-line options (no Typer here)."""

from __future__ import annotations

import os
from collections.abc import Callable

from ..aws.clients import DEFAULT_REGION, Clients, Target, open_session
from ..cli.options import Options
from ..errors import UserError
from ..workshop.model import Workshop
from .context import DeployContext, check_student, deployment_id
from .state import StateStore

TARGETS = ("local", "aws")


def resolve_region(options: Options) -> str:
    if options.region:
        return options.region
    if options.target == "local":
        return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    region = open_session(options.profile, None).get_config_variable("region")
    if not region:
        raise UserError("No AWS region configured.",
                        hint="Pass --region us-east-1 (or set AWS_REGION / `aws configure`).")
    return str(region)


def open_target(options: Options, start: bool = True,
                on_start: Callable[[], None] | None = None) -> Target:
    if options.target not in TARGETS:
        raise UserError(f"Unknown target {options.target!r}.", hint="Use --target local or --target aws.")
    region = resolve_region(options)
    if options.target == "aws":
        return Target("aws", region, options.profile)
    from ..local import process

    if not start:
        info = process.read_info()
        state = process.status()
        if not state["running"] or not info:
            return Target("local", region, None, None, None)
        return Target("local", region, None, info["endpoint"], info["gateway"])
    current = process.status()
    if not current["running"] and on_start:
        on_start()
    info, _ = process.start(region)
    return Target("local", region, None, info["endpoint"], info["gateway"])


def open_context(workshop: Workshop, target: Target, student: str | None, lang: str,
                 clients: Clients | None = None) -> DeployContext:
    return DeployContext(workshop, target, clients or Clients(target), check_student(student), lang)


def state_for(ctx: DeployContext) -> StateStore:
    return StateStore.for_deployment(ctx.target.name, ctx.region, ctx.workshop.id, ctx.student,
                                     deployment_id(ctx.workshop.id, ctx.student))
