"""What every rule shares: the refusal, the state a rule may ask about, the registry, and the
wording AWS's validation layer (Coral) uses for its messages.

A rule is a small pure function ``(params, state) -> Refusal | None`` registered under one or
more ``(service, operation)`` pairs with :func:`rule`. ``params`` are the botocore-shaped
request parameters (what moto's ``moto.core.parse`` produces); ``state`` answers questions
about resources that already exist, and answers ``None`` when it does not know (a rule that
needs the fact then lets the request through).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Refusal:
    """An error as AWS answers it: ``code`` (the error code a client sees), ``message``,
    the HTTP ``status``, and whether the caller is at fault (``Sender`` vs ``Receiver``)."""

    code: str
    message: str
    status: int = 400
    sender_fault: bool = True


class State(Protocol):
    """Read-only facts about existing resources. Every question may answer ``None``
    ("unknown"): the rule asking it then accepts the request."""

    @property
    def region(self) -> str:
        """The region the request is addressed to."""
        ...

    def now(self) -> datetime:
        """The current time (timezone-aware, UTC): injectable for tests."""
        ...

    def queue_visibility_timeout(self, queue_arn: str) -> int | None: ...

    def queue_deleted_at(self, queue_name: str) -> datetime | None:
        """When a queue of this name was last deleted in this account and region."""
        ...

    def function_timeout(self, function_name: str) -> int | None: ...

    def function_runtime(self, function_name: str) -> str | None: ...

    def policy_statement_ids(self, function_name: str, qualifier: str | None) -> frozenset[str] | None:
        """The ``Sid`` of each statement of the function's resource-based policy."""
        ...

    def role_trusts(self, role_arn: str, principal: str) -> bool | None:
        """Whether the role exists and its trust policy lets ``principal`` (a service
        principal such as ``lambda.amazonaws.com``) call ``sts:AssumeRole``."""
        ...

    def table_key_names(self, table_name: str) -> tuple[str, ...] | None:
        """The attribute names of the table's primary key (hash, then range)."""
        ...

    def secret_pending_deletion(self, name: str) -> bool | None: ...

    def user_pool_domain(self, user_pool_id: str) -> str | None:
        """The user pool's domain prefix, ``""`` when it has none."""
        ...

    def user_pool_deletion_protection(self, user_pool_id: str) -> bool | None: ...

    def db_instance_deletion_protection(self, identifier: str) -> bool | None: ...

    def security_group_name(self, group_id: str) -> str | None:
        """The name of the security group with this id."""
        ...

    def vpc_endpoint_service_exists(self, service_name: str) -> bool | None:
        """Whether a VPC endpoint service of this name is offered in the region."""
        ...

    def rest_api_children(self, rest_api_id: str) -> dict[str, frozenset[str]] | None:
        """The ids of a REST API's ``resources`` and ``authorizers`` ({} when it does not exist)."""

    def resource_path_parts(self, rest_api_id: str, parent_id: str) -> frozenset[str] | None:
        """The path parts of the REST API resources directly under ``parent_id``."""
        ...

    def policy_attachment_count(self, policy_arn: str) -> int | None:
        """How many identities (roles, users, groups) the managed policy is attached to."""
        ...


class NoState:
    """A :class:`State` that knows nothing (every rule needing a fact lets the request
    through); a base class for real implementations and test fakes."""

    region = "us-east-1"

    def now(self) -> datetime:
        return datetime.now(UTC)

    def queue_visibility_timeout(self, queue_arn: str) -> int | None:
        return None

    def queue_deleted_at(self, queue_name: str) -> datetime | None:
        return None

    def function_timeout(self, function_name: str) -> int | None:
        return None

    def function_runtime(self, function_name: str) -> str | None:
        return None

    def policy_statement_ids(self, function_name: str, qualifier: str | None) -> frozenset[str] | None:
        return None

    def role_trusts(self, role_arn: str, principal: str) -> bool | None:
        return None

    def table_key_names(self, table_name: str) -> tuple[str, ...] | None:
        return None

    def secret_pending_deletion(self, name: str) -> bool | None:
        return None

    def user_pool_domain(self, user_pool_id: str) -> str | None:
        return None

    def user_pool_deletion_protection(self, user_pool_id: str) -> bool | None:
        return None

    def db_instance_deletion_protection(self, identifier: str) -> bool | None:
        return None

    def security_group_name(self, group_id: str) -> str | None:
        return None

    def vpc_endpoint_service_exists(self, service_name: str) -> bool | None:
        return None

    def rest_api_children(self, rest_api_id: str) -> dict[str, frozenset[str]] | None:
        """The ids of a REST API's ``resources`` and ``authorizers`` ({} when it does not exist)."""

    def resource_path_parts(self, rest_api_id: str, parent_id: str) -> frozenset[str] | None:
        return None

    def policy_attachment_count(self, policy_arn: str) -> int | None:
        return None


Rule = Callable[[Params, State], "Refusal | None"]
RULES: dict[tuple[str, str], list[Rule]] = {}


def rule(service: str, *operations: str) -> Callable[[Rule], Rule]:
    """Register a rule for each ``(service, operation)``; rules run in registration order."""

    def register(fn: Rule) -> Rule:
        for operation in operations:
            RULES.setdefault((service, operation), []).append(fn)
        return fn

    return register


# --- Coral's wording ("1 validation error detected: Value '901' at 'timeout' failed to satisfy
# constraint: Member must have value less than or equal to 900"), as Lambda, DynamoDB, IAM,
# CloudWatch Logs, Cognito, Secrets Manager and API Gateway return it.

def shown(value: Any) -> str:
    """A value as Coral prints it inside the quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return "java.nio.HeapByteBuffer"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def violation(value: Any, where: str, constraint: str) -> str:
    """One violation: ``Value 'x' at 'where' failed to satisfy constraint: Member must ...``."""
    seen = "null" if value is None else f"'{shown(value)}'"
    return f"Value {seen} at '{where}' failed to satisfy constraint: {constraint}"


def detected(violations: list[str]) -> str:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(violations)


def validation(code: str, value: Any, where: str, constraint: str, status: int = 400) -> Refusal:
    """A one-violation refusal in Coral's wording."""
    return Refusal(code, detected([violation(value, where, constraint)]), status)


def at_most(limit: int | float, *, length: bool = False) -> str:
    what = "length" if length else "value"
    return f"Member must have {what} less than or equal to {limit}"


def at_least(limit: int | float, *, length: bool = False) -> str:
    what = "length" if length else "value"
    return f"Member must have {what} greater than or equal to {limit}"


def matching(pattern: str) -> str:
    return f"Member must satisfy regular expression pattern: {pattern}"


def one_of(values: list[str] | tuple[str, ...]) -> str:
    return "Member must satisfy enum value set: [" + ", ".join(values) + "]"


def text(value: Any) -> str | None:
    """A string parameter, or ``None`` when absent or of another type."""
    return value if isinstance(value, str) else None


def number(value: Any) -> int | None:
    """An integer parameter (or an integer written as text, as SQS attributes are)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None
