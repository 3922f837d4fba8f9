"""Pure plan tests: a context with names, tags, account and region and no client at all, and
anycompany-orders' resources planned against given dependency outputs (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codecraft_cli.engine.packaging import Artifact
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed, Step
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve


@dataclass
class PlanContext:
    region: str = "eu-west-3"
    is_local: bool = False
    student: str | None = None
    gateway: str | None = None
    account_id: str = "111122223333"
    artifacts: dict[str, Artifact] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        raise AssertionError(f"a pure plan must not call AWS ({service})")

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base

    @property
    def tags(self) -> dict[str, str]:
        return {"codecraft:workshop": "anycompany-orders", "codecraft:student": self.student or "-",
                "codecraft:deployment": "anycompany-orders"}

    @property
    def identity_tags(self) -> dict[str, str]:
        return self.tags

    def artifact(self, source: str) -> Artifact:
        return self.artifacts[source]


W = load_workshop("anycompany-orders")
TOPIC = "arn:aws:sns:eu-west-3:111122223333:OrderNotifications"
# What the dependencies of anycompany-orders' resources produced, for the pure plans.
PLANNED = {
    "orders_table": {"name": "Orders", "arn": "arn:aws:dynamodb:eu-west-3:111122223333:table/Orders"},
    "notifications": {"name": "OrderNotifications", "arn": TOPIC},
    "processing_queue": {"arn": "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue"},
    "logs": {"arn": "arn:aws:logs:eu-west-3:111122223333:log-group:/aws/lambda/ProcessOrder"},
    "role": {"arn": "arn:aws:iam::111122223333:role/ProcessOrderRole"},
    "process_order": {"name": "ProcessOrder", "arn": "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder"},
    "orders_api": {"id": "api123"},
    "post_orders": {"fingerprint": "f1", "execute_arn": "arn:aws:execute-api:eu-west-3:111122223333:api123/*/POST/orders"},
}


def plan(rid: str, observed: Observed, ctx: PlanContext | None = None) -> list[Step]:
    """The plan of anycompany-orders' resource ``rid`` (its dependencies as PLANNED)."""
    res = W.resource(rid)
    return handler_for(res.type).plan(ctx or PlanContext(), res, resolve(res.properties, PLANNED), observed)
