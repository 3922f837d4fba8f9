"""The registry: one handler per AWS resource type, by type name (``sqs.queue``).

The handler modules register themselves (``@register``, base.py) when this module loads
them, on the first question asked: importing ``resources`` itself stays cheap.
"""

from __future__ import annotations

from .base import REGISTRY, Handler


def _load_all() -> None:
    # importing the modules registers their handlers (idempotent: modules load once)
    from . import (apigateway, apigateway_routes, cognito, database, dynamodb, ec2, iam,  # noqa: F401
                   lambda_, logs, rds, s3, secrets, sns, sqs)
    from . import ses  # noqa: F401  SES e-mail identities (anycompany-challenge)
    from . import cloudwatch  # noqa: F401  workshop4: alarms, dashboards, X-Ray tracing of a function
    from . import dynamodb_stream  # noqa: F401  anycompany-challenge: a stream on another workshop's table


def handler_for(type_name: str) -> Handler:
    _load_all()
    return REGISTRY[type_name]


def all_handlers() -> dict[str, Handler]:
    _load_all()
    return dict(REGISTRY)


def swept() -> list[Handler]:
    """The types the sweep deletes, in its order (lowest ``info.sweep_rank`` first)."""
    _load_all()
    ranked = [h for h in REGISTRY.values() if h.info.sweep_rank is not None]
    return sorted(ranked, key=lambda h: h.info.sweep_rank or 0)


def gone_codes(*type_names: str) -> tuple[str, ...]:
    """The error codes that mean "it does not exist" for any of these types (``inspect``'s names)."""
    _load_all()
    codes: list[str] = []
    for name in type_names:
        codes += [code for code in REGISTRY[name].info.gone if code not in codes]
    return tuple(codes)


__all__ = ["REGISTRY", "Handler", "all_handlers", "gone_codes", "handler_for", "swept"]
