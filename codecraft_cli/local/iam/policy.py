"""IAM's policy evaluation, pure: policies + action + resource + request context → a decision.

The logic of "Policy evaluation logic" in IAM's user guide
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

- every request starts denied (implicit deny);
- a matching ``Deny`` statement in any policy wins over every ``Allow`` (explicit deny);
- otherwise a matching ``Allow`` allows it.

A statement matches when its ``Action``/``NotAction`` matches the action (case-insensitive,
``*`` and ``?`` wildcards: "IAM JSON policy elements: Action"), its ``Resource``/``NotResource``
matches the resource ARN (case-sensitive wildcards, "IAM JSON policy elements: Resource"), its
``Principal``/``NotPrincipal`` (resource-based policies only) names the caller, and every
condition holds (:mod:`.conditions`).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .conditions import Context, conditions_hold
from .wildcards import wildcard_match


class Decision(enum.Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"

    @property
    def allowed(self) -> bool:
        return self is Decision.ALLOW


Policy = Mapping[str, Any]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def statements(policy: Policy | str) -> list[Mapping[str, Any]]:
    """A policy's statements (a document, or its JSON text; ``Statement`` may be one object)."""
    doc = json.loads(policy) if isinstance(policy, str) else policy
    return [st for st in as_list(doc.get("Statement")) if isinstance(st, Mapping)]


def action_matches(patterns: Sequence[Any], action: str) -> bool:
    return any(isinstance(p, str) and wildcard_match(p, action, ignore_case=True) for p in patterns)


def resource_matches(patterns: Sequence[Any], resource: str) -> bool:
    """A resource ARN against the statement's patterns; a request on no particular resource
    (``*``) is matched by ``*`` only."""
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        if pattern == "*" or (resource != "*" and wildcard_match(pattern, resource)):
            return True
    return False


def principal_matches(principal: Any, caller: Mapping[str, str]) -> bool:
    """A statement's ``Principal`` against the caller, ``{"Service": ...}`` or ``{"AWS": arn}``.

    ``"*"`` and ``{"AWS": "*"}`` name everyone; an account (``123456789012`` or its root ARN)
    names every principal of that account ("AWS JSON policy elements: Principal").
    """
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    for kind, names in principal.items():
        for name in as_list(names):
            if not isinstance(name, str):
                continue
            if kind == "AWS" and name == "*":
                return True
            if kind == "Service" and caller.get("Service") == name:
                return True
            if kind == "AWS" and "AWS" in caller:
                arn = caller["AWS"]
                account = caller.get("Account", "")
                if name == arn or name in (account, f"arn:aws:iam::{account}:root"):
                    return True
    return False


def statement_matches(st: Mapping[str, Any], action: str, resource: str, context: Context,
                      caller: Mapping[str, str] | None = None) -> bool:
    if "NotAction" in st:
        if action_matches(as_list(st["NotAction"]), action):
            return False
    elif not action_matches(as_list(st.get("Action")), action):
        return False
    if "NotResource" in st:
        if resource_matches(as_list(st["NotResource"]), resource):
            return False
    elif "Resource" in st:
        if not resource_matches(as_list(st["Resource"]), resource):
            return False
    elif caller is None:  # an identity-based statement must name its resources
        return False
    if caller is not None:  # a resource-based policy names who it applies to
        if "NotPrincipal" in st:
            if principal_matches(st["NotPrincipal"], caller):
                return False
        elif not principal_matches(st.get("Principal"), caller):
            return False
    return conditions_hold(st.get("Condition") or {}, context)


def evaluate(policies: Sequence[Policy | str], action: str, resource: str, context: Context | None = None,
             caller: Mapping[str, str] | None = None) -> Decision:
    """The decision of these policies for one action on one resource.

    ``caller`` is given for a resource-based policy (its statements name a ``Principal``):
    ``{"Service": "s3.amazonaws.com"}`` or ``{"AWS": principal_arn, "Account": account}``.
    """
    ctx = context or {}
    allowed = False
    for policy in policies:
        for st in statements(policy):
            if not statement_matches(st, action, resource, ctx, caller):
                continue
            if st.get("Effect") == "Deny":
                return Decision.EXPLICIT_DENY
            if st.get("Effect") == "Allow":
                allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY
