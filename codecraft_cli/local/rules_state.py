"""The facts the refusal rules ask about (:class:`rules.State`), read from moto's backends.

One :class:`MotoState` per request (it carries the request's region); every answer is read
when a rule asks, through :mod:`.moto_adapter`. What moto does not keep (when a queue was
deleted) is recorded by the front in :class:`Deletions` when the deletion succeeds.
An answer the emulator cannot give is ``None`` ("unknown"): the rule then accepts.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from . import moto_adapter
from .rules import NoState


QUEUE_REUSE_ENV = "CODECRAFT_EMULATOR_QUEUE_REUSE"


class Deletions:
    """When each queue was last deleted, by (region, queue name): AWS refuses a queue of the
    same name for 60 seconds (API_DeleteQueue.html), moto forgets the queue at once.

    A deletion is remembered for ``remember`` seconds: 60, as AWS, unless
    ``CODECRAFT_EMULATOR_QUEUE_REUSE`` (read when the emulator starts) says less — for test
    suites that tear a workshop down and set it up again dozens of times.
    """

    def __init__(self, remember: float | None = None) -> None:
        import os

        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str], datetime] = {}
        configured = os.environ.get(QUEUE_REUSE_ENV, "")
        self.remember = remember if remember is not None else float(configured) if configured else 60.0

    def queue_deleted(self, region: str, name: str, when: datetime | None = None) -> None:
        with self._lock:
            self._queues[(region, name)] = when or datetime.now(UTC)

    def queue_deleted_at(self, region: str, name: str) -> datetime | None:
        with self._lock:
            when = self._queues.get((region, name))
        if when is not None and (datetime.now(UTC) - when).total_seconds() >= self.remember:
            return None
        return when


def _region_and_name(arn: str) -> tuple[str, str] | None:
    parts = arn.split(":")
    return (parts[3], parts[5]) if len(parts) == 6 and parts[0] == "arn" else None


def trusts(document: Any, principal: str) -> bool:
    """Whether a trust policy lets the service ``principal`` call ``sts:AssumeRole``: an Allow
    statement with that action (or a wildcard) and the principal (or ``*``) that no Deny
    statement takes back (reference_policies_evaluation-logic.html)."""
    try:
        policy = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return False
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    allowed = denied = False
    for statement in statements if isinstance(statements, list) else []:
        if not isinstance(statement, dict):
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(str(a).lower() in ("sts:assumerole", "sts:*", "*") for a in actions):
            continue
        who = statement.get("Principal")
        services = who.get("Service", []) if isinstance(who, dict) else []
        services = [services] if isinstance(services, str) else services
        if who == "*" or (isinstance(who, dict) and who.get("AWS") == "*") or principal in services:
            if statement.get("Effect") == "Allow":
                allowed = True
            elif statement.get("Effect") == "Deny":
                denied = True
    return allowed and not denied


class MotoState(NoState):
    """The rules' questions answered from moto's backends for one request's region."""

    def __init__(self, region: str, deletions: Deletions) -> None:
        self.region = region
        self.deletions = deletions

    def queue_visibility_timeout(self, queue_arn: str) -> int | None:
        where = _region_and_name(queue_arn)
        queue = moto_adapter.sqs_queue(*where) if where else None
        return int(queue.visibility_timeout) if queue is not None else None

    def queue_deleted_at(self, queue_name: str) -> datetime | None:
        return self.deletions.queue_deleted_at(self.region, queue_name)

    def _function(self, name: str, qualifier: str | None = None) -> Any:
        region = self.region
        if name.startswith("arn:"):
            region = name.split(":")[3] if len(name.split(":")) > 3 else region
        return moto_adapter.lambda_function_or_none(region, name, qualifier)

    def function_timeout(self, function_name: str) -> int | None:
        function = self._function(function_name)
        return int(function.timeout) if function is not None else None

    def function_runtime(self, function_name: str) -> str | None:
        function = self._function(function_name)
        runtime = getattr(function, "run_time", None)
        return str(runtime) if runtime else None

    def policy_statement_ids(self, function_name: str, qualifier: str | None) -> frozenset[str] | None:
        if qualifier:  # a version's or alias's own policy: not read here
            return None
        function = self._function(function_name)
        if function is None:
            return None
        policy = getattr(function, "policy", None)
        statements = getattr(policy, "statements", None) or []
        return frozenset(str(s.get("Sid")) for s in statements if isinstance(s, dict) and s.get("Sid"))

    def role_trusts(self, role_arn: str, principal: str) -> bool | None:
        """A role that does not exist cannot be assumed: ``False``, as for a role whose trust
        policy leaves the principal out (Lambda answers the same error for both)."""
        if not role_arn.startswith("arn:") or ":role/" not in role_arn:
            return None
        role = moto_adapter.iam_role_by_arn(role_arn)
        if role is None:
            return False
        return trusts(role.assume_role_policy_document, principal)

    def table_key_names(self, table_name: str) -> tuple[str, ...] | None:
        table = moto_adapter.dynamodb_table(self.region, table_name)
        if table is None:
            return None
        return tuple(k for k in (table.hash_key_attr, table.range_key_attr) if k)

    def secret_pending_deletion(self, name: str) -> bool | None:
        found = moto_adapter.secret(self.region, name)
        return bool(found.is_deleted()) if found is not None else False

    def user_pool_domain(self, user_pool_id: str) -> str | None:
        if moto_adapter.user_pool(self.region, user_pool_id) is None:
            return None
        names = moto_adapter.user_pool_domain_names(self.region, user_pool_id)
        return names[0] if names else ""

    def user_pool_deletion_protection(self, user_pool_id: str) -> bool | None:
        pool = moto_adapter.user_pool(self.region, user_pool_id)
        if pool is None:
            return None
        return (getattr(pool, "extended_config", None) or {}).get("DeletionProtection") == "ACTIVE"

    def db_instance_deletion_protection(self, identifier: str) -> bool | None:
        db = moto_adapter.db_instance_or_none(self.region, identifier.lower())
        return bool(getattr(db, "deletion_protection", False)) if db is not None else None

    def security_group_name(self, group_id: str) -> str | None:
        from moto.ec2.models import ec2_backends

        group = ec2_backends[moto_adapter.ACCOUNT_ID][self.region].get_security_group_from_id(group_id)
        return str(group.name) if group is not None else None

    def vpc_endpoint_service_exists(self, service_name: str) -> bool | None:
        from moto.ec2.models import ec2_backends

        backend = ec2_backends[moto_adapter.ACCOUNT_ID][self.region]
        try:  # moto raises InvalidServiceName for a name it does not offer
            backend.describe_vpc_endpoint_services([service_name], None, 1, None, self.region)
        except Exception as error:
            return False if type(error).__name__ == "InvalidServiceName" else None
        return True

    def rest_api_children(self, rest_api_id: str) -> dict[str, frozenset[str]] | None:
        from moto.apigateway.models import apigateway_backends

        api = apigateway_backends[moto_adapter.ACCOUNT_ID][self.region].apis.get(rest_api_id)
        if api is None:
            return {}
        return {"resources": frozenset(api.resources), "authorizers": frozenset(api.authorizers)}

    def resource_path_parts(self, rest_api_id: str, parent_id: str) -> frozenset[str] | None:
        from moto.apigateway.models import apigateway_backends

        api = apigateway_backends[moto_adapter.ACCOUNT_ID][self.region].apis.get(rest_api_id)
        if api is None or parent_id not in api.resources:
            return None
        return frozenset(str(r.path_part) for r in list(api.resources.values()) if r.parent_id == parent_id)

    def policy_attachment_count(self, policy_arn: str) -> int | None:
        from moto.iam.models import iam_backends

        policy = iam_backends[moto_adapter.ACCOUNT_ID]["global"].managed_policies.get(policy_arn)
        return int(policy.attachment_count) if policy is not None else None
