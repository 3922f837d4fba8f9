"""Every contact with moto: its server application, the models the emulator reads, the patches.

This is the only module of the emulator that imports moto (always inside a function: importing
moto takes seconds, and the CLI imports ``local/`` only to start or query the emulator). The
patches switch moto's own Lambda delivery (through Docker) over to the emulator's runner and
point RDS endpoints at the emulator's real MariaDB servers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

ACCOUNT_ID = "123456789012"  # moto's default account: every local deployment lives there


def wsgi_app() -> Any:
    """moto's server as one WSGI application (every service, dispatched by host and signature)."""
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")  # before moto is imported
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


# -- the models the emulator reads ---------------------------------------------------------
def lambda_function(region: str, name_or_arn: str) -> Any:
    """The function in moto's Lambda store (raises when there is none)."""
    from moto.awslambda.models import lambda_backends

    return lambda_backends[ACCOUNT_ID][region].get_function(name_or_arn)


def regions_with_functions() -> list[str]:
    from moto.awslambda.models import lambda_backends

    backends = lambda_backends[ACCOUNT_ID]
    return [region for region in list(backends.keys()) if backends[region].list_functions()]


def rest_api_region(api_id: str) -> str | None:
    """The region holding a REST API, or None."""
    from moto.apigateway.models import apigateway_backends

    for region, backend in apigateway_backends[ACCOUNT_ID].items():
        if api_id in backend.apis:
            return str(region)
    return None


def db_instance(region: str, instance: str) -> Any:
    from moto.rds.models import rds_backends

    return rds_backends[ACCOUNT_ID][region].databases[instance]


# -- the patches -----------------------------------------------------------------------------
def neutralise_lambda_delivery() -> None:
    """moto tries to run the mapped function in Docker on every send_message: turn it off."""

    class Inert(dict):  # type: ignore[type-arg]
        def __setitem__(self, key: Any, value: Any) -> None:
            return None

    from moto.dynamodb.models.table import Table
    from moto.sqs.models import Queue

    inert = property(lambda self: Inert(), lambda self, value: None)
    Queue.lambda_event_source_mappings = inert  # type: ignore[assignment]
    Table.lambda_event_source_mappings = inert  # type: ignore[assignment]


def route_s3_notifications(invoke: Callable[[str, Any], None]) -> None:
    """S3 → Lambda notifications: moto builds the event, ``invoke(function_arn, event)`` runs it."""
    from moto.s3 import notifications

    def _invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        invoke(fn_arn, event_body)

    notifications._invoke_awslambda = _invoke


SnsDelivery = Callable[[str, str, str, str, str, "str | None", "dict[str, Any] | None"], None]


def route_sns_to_lambda(deliver: SnsDelivery) -> None:
    """SNS → Lambda subscriptions go to ``deliver(function_arn, subscription_arn, topic_arn,
    message_id, message, subject, attributes)`` instead of moto's placeholder event in Docker.

    The subscription's filter policy and message structure are applied first, as SNS does.
    Other protocols (SQS, HTTP) keep moto's own delivery.
    """
    from moto.sns.models import Subscription

    original = Subscription.publish

    def publish(self: Any, message: str, message_id: str, subject: str | None = None,
                message_attributes: dict[str, Any] | None = None, group_id: str | None = None,
                deduplication_id: str | None = None, message_structure: str | None = None) -> None:
        if self.protocol != "lambda":
            return original(self, message, message_id, subject, message_attributes, group_id,
                            deduplication_id, message_structure)
        matcher = getattr(self, "_filter_policy_matcher", None)
        if matcher is not None and not matcher.matches(message_attributes, message):
            return None
        if message_structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        deliver(self.endpoint, self.arn, self.topic.arn, message_id, message, subject, message_attributes)
        return None

    Subscription.publish = publish  # type: ignore[method-assign]


def point_rds_endpoints_at_real_servers() -> None:
    """An instance given an address by :func:`serve_instance_at` reports it as its endpoint."""
    from moto.rds.models import DBInstance

    original = DBInstance.address

    def address(self: Any) -> str:
        return str(self.__dict__.get("codecraft_address") or original.fget(self))  # type: ignore[attr-defined]

    DBInstance.address = property(address)  # type: ignore[assignment,method-assign]


def serve_instance_at(db: Any, host: str, port: int) -> None:
    db.__dict__["codecraft_address"] = host
    db.port = port
