"""What a deployment costs per hour while it exists (the resources that bill by the hour).

Lambda, API Gateway, DynamoDB on demand, SQS, SNS, S3 and Cognito bill per request or per GB:
an idle workshop costs nothing there. What bills every hour is the RDS instance (and its
storage) and the interface VPC endpoints: their handlers say what they cost
(``hourly_cost``, prices in resources/pricing.py); this module adds them up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import _, number
from ..resources import all_handlers


def resource_cost(type_: str, outputs: Mapping[str, Any], region: str) -> tuple[float, str] | None:
    """(USD per hour, what it is) for a resource that bills by the hour, else None."""
    handler = all_handlers().get(type_)
    return handler.hourly_cost(outputs, region) if handler else None


def deployment_cost(records: Mapping[str, Mapping[str, Any]], region: str) -> tuple[float, list[str]]:
    total, parts = 0.0, []
    for rec in records.values():
        got = resource_cost(str(rec.get("type")), rec.get("outputs") or {}, region)
        if got:
            total += got[0]
            parts.append(_("{what} ${price}/h").format(what=got[1], price=number(got[0], 3)))
    return total, parts


def workshop_cost(workshop: Any, region: str) -> tuple[float, list[str]]:
    """The hourly cost of a workshop once set up (its own resources, from its definition)."""
    handlers = all_handlers()
    records = {res.id: {"type": res.type, "outputs": handlers[res.type].cost_outputs(res)}
               for res in workshop.resources}
    return deployment_cost(records, region)
