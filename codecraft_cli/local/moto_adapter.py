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


# -- requests as moto reads them (the refusal front, front.py) ------------------------------
def service_model(service: str) -> Any:
    """botocore's model of a service as moto's parsers take it (cached by moto), or None."""
    from moto.core.utils import get_service_model

    try:
        return get_service_model(service)
    except Exception:  # botocore.exceptions.UnknownServiceError, DataNotFoundError
        return None


def parse_request(service: str, operation: str, protocol: str, request: dict[str, Any]) -> dict[str, Any]:
    """The request's parameters in botocore's shapes, parsed as moto's own
    ``BaseResponse.parse_parameters`` does (``moto.core.parse``). ``request`` holds ``method``,
    ``values`` (a werkzeug MultiDict of query and form), ``headers``, ``body``, ``url_path``,
    ``url_params`` (the URI labels of a REST operation)."""
    from moto.core.parse import PROTOCOL_PARSERS, UNDEFINED

    model = get_operation(service, operation)
    parsed = PROTOCOL_PARSERS[protocol](model, map_type=dict).parse(request)  # type: ignore[arg-type]

    def clean(value: Any) -> Any:  # the parsers leave a sentinel for absent nested members
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if v is not UNDEFINED}
        if isinstance(value, list):
            return [clean(v) for v in value if v is not UNDEFINED]
        return value

    return dict(clean(parsed))


def get_operation(service: str, operation: str) -> Any:
    return service_model(service).operation_model(operation)


# -- the facts the rules ask about (rules_state.py); None when moto has no such resource -------
def sqs_queue(region: str, name: str) -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[ACCOUNT_ID][region].queues.get(name)


def lambda_function_or_none(region: str, name_or_arn: str, qualifier: str | None = None) -> Any:
    from moto.awslambda.models import lambda_backends

    try:
        return lambda_backends[ACCOUNT_ID][region].get_function(name_or_arn, qualifier)
    except Exception:  # moto's UnknownFunctionException
        return None


def iam_role_by_arn(arn: str) -> Any:
    from moto.iam.models import iam_backends

    backend = iam_backends[ACCOUNT_ID]["global"]
    return next((role for role in list(backend.roles.values()) if role.arn == arn), None)


def dynamodb_table(region: str, name: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT_ID][region].tables.get(name)


def secret(region: str, name: str) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends

    secrets = secretsmanager_backends[ACCOUNT_ID][region].secrets
    return secrets[name] if name in secrets else None


def user_pool(region: str, pool_id: str) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends

    return cognitoidp_backends[ACCOUNT_ID][region].user_pools.get(pool_id)


def user_pool_domain_names(region: str, pool_id: str) -> list[str]:
    from moto.cognitoidp.models import cognitoidp_backends

    domains = cognitoidp_backends[ACCOUNT_ID][region].user_pool_domains
    return [name for name, domain in list(domains.items()) if getattr(domain, "user_pool_id", None) == pool_id]


def db_instance_or_none(region: str, instance: str) -> Any:
    from moto.rds.models import rds_backends

    return rds_backends[ACCOUNT_ID][region].databases.get(instance)


# -- IAM enforcement (local/iam/): roles, their policies, the sessions of functions -------------
def iam_role(arn: str) -> Any:
    """The role an ARN names (``role/NAME`` or ``role/PATH/NAME``), or None."""
    from moto.iam.models import iam_backends

    backend = iam_backends[ACCOUNT_ID]["aws"]
    name = arn.rsplit("/", 1)[-1]
    return next((r for r in list(backend.roles.values()) if r.arn == arn or (r.name == name and ":role/" in arn)),
                None)


def role_policy_documents(role: Any) -> list[Any]:
    """The role's inline policies and the default version of each attached managed policy."""
    docs: list[Any] = list(dict(role.policies).values())
    for policy in list(role.managed_policies.values()):
        version = next((v for v in policy.versions if v.is_default), None)
        if version is not None and version.document:
            docs.append(version.document)
    return docs


def assume_role(role_arn: str, session_name: str, region: str, duration: int = 43200) -> tuple[str, str, str]:
    """STS AssumeRole in moto's backend: (access key id, secret access key, session token)."""
    from moto.sts.models import sts_backends

    session = sts_backends[ACCOUNT_ID]["aws"].assume_role(
        region_name=region, role_session_name=session_name, role_arn=role_arn, policy="", duration=duration,
        external_id="")
    return session.access_key_id, session.secret_access_key, session.session_token


def assumed_role(access_key_id: str) -> tuple[str, str] | None:
    """The (role ARN, session ARN) of temporary credentials from AssumeRole, or None."""
    if not access_key_id.startswith("ASIA"):
        return None
    from moto.sts.models import sts_backends

    session = sts_backends[ACCOUNT_ID]["aws"].get_assumed_role_from_access_key(access_key_id)
    return (session.role_arn, session.arn) if session is not None else None


def secret_arn(region: str, secret_id: str) -> str | None:
    """The full ARN of a secret named by name, full or partial ARN, or None."""
    from moto.secretsmanager.models import secretsmanager_backends

    found = secretsmanager_backends[ACCOUNT_ID][region].secrets.get(secret_id)
    return str(found.arn) if found is not None else None


def guard_sns_to_sqs(allowed: Callable[[str | None, str, str], bool]) -> None:
    """SNS → SQS deliveries (moto sends them itself) go through only when
    ``allowed(queue_policy, queue_arn, topic_arn)``; otherwise the message is dropped."""
    from moto.sns.models import Subscription
    from moto.sqs.models import sqs_backends

    original = Subscription.publish

    def publish(self: Any, message: str, message_id: str, *args: Any, **kwargs: Any) -> None:
        if self.protocol == "sqs":
            parts = self.endpoint.split(":")
            queue = sqs_backends[parts[4]][parts[3]].queues.get(parts[5]) if len(parts) == 6 else None
            if queue is not None and not allowed(queue.policy, self.endpoint, self.topic.arn):
                return None
        return original(self, message, message_id, *args, **kwargs)

    Subscription.publish = publish  # type: ignore[method-assign]


def keep_queue_policy() -> None:
    """SetQueueAttributes changes the attributes it names and no other (API_SetQueueAttributes.html);
    moto's drops the queue's access policy when the call does not name it (setting only a
    visibility timeout then silently stopped SNS deliveries to the queue)."""
    from moto.sqs.models import Queue

    original = Queue._set_attributes

    def set_attributes(self: Any, attributes: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        kept = getattr(self, "policy", None)
        original(self, attributes, *args, **kwargs)
        if "Policy" not in attributes and kept is not None:
            self.policy = kept

    Queue._set_attributes = set_attributes  # type: ignore[method-assign]


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
