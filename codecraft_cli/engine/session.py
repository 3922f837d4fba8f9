"""Open a target and a deployment context from the run's settings (no Typer here)."""

from __future__ import annotations

import os
from collections.abc import Callable

from ..aws.clients import DEFAULT_REGION, Clients, Target, open_session
from ..errors import UserError
from ..i18n import _
from ..workshop.model import Workshop
from .context import DeployContext, check_student
from .settings import Settings
from .state import StateStore

TARGETS = ("local", "aws")


def resolve_region(options: Settings) -> str:
    if options.region:
        return check_region(options.region)
    if options.target == "local":
        return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    region = open_session(options.profile, None).get_config_variable("region")
    if not region:
        raise UserError(_("No AWS region configured."),
                        hint=_("Pass --region us-east-1 (or set AWS_REGION / `aws configure`)."))
    return str(region)


_KNOWN_REGIONS: set[str] | None = None


def check_region(region: str) -> str:
    """A region botocore knows (any partition), or a clear error before any call is made."""
    global _KNOWN_REGIONS
    if _KNOWN_REGIONS is None:  # from the process's shared botocore data (the clients reuse it)
        session = open_session(None, None, local=True)
        _KNOWN_REGIONS = {r for partition in session.get_available_partitions()
                          for r in session.get_available_regions("sts", partition_name=partition)}
    if region in _KNOWN_REGIONS or not _KNOWN_REGIONS:
        return region
    import difflib

    close = difflib.get_close_matches(region, sorted(_KNOWN_REGIONS), n=1)
    regions = _("Regions look like us-east-1 or eu-west-3 (AWS Academy Learner Lab: us-east-1 or us-west-2).")
    raise UserError(_("Unknown AWS region {region!r}.").format(region=region),
                    hint=_("Did you mean {region}? {regions}").format(region=close[0], regions=regions) if close
                    else regions)


def open_target(options: Settings, start: bool = True,
                on_start: Callable[[], None] | None = None) -> Target:
    if options.target not in TARGETS:
        raise UserError(_("Unknown target {target!r}.").format(target=options.target),
                        hint=_("Use --target local or --target aws."))
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
    info, _started = process.start(region)
    return Target("local", region, None, info["endpoint"], info["gateway"])


def open_context(workshop: Workshop, target: Target, student: str | None, lang: str,
                 clients: Clients | None = None) -> DeployContext:
    return DeployContext(workshop, target, clients or Clients(target), check_student(student), lang)


def state_for(ctx: DeployContext) -> StateStore:
    return ctx.key.store()
