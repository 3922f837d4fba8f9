"""The authorization of one request to the emulator, as AWS authorizes it.

A request signed with temporary credentials of an assumed role (a function's: Lambda gives its
process the role's session, see :mod:`.credentials`) is evaluated against that role's policies,
inline and attached managed ones, for the action and resource it needs (:mod:`.actions`); a
denial is the service's own ``AccessDenied...`` error (:mod:`.denial`).

Every other request (codecraft itself, a student with the account's keys, the emulator's own
calls) is the account's administrator's, and is allowed. Resource-based policies are not part
of this evaluation (within one account an identity policy suffices); the ones AWS checks for
service principals (Lambda permissions, the SQS queue policy for SNS) are checked where the
emulator delivers events (``pump.py``, ``gateway.py``, :mod:`.resource_policies`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..rules.base import Refusal
from .actions import Params, Where, targets
from .denial import refusal
from .policy import Decision, evaluate

if TYPE_CHECKING:
    from ..front import RequestInfo


@dataclass(frozen=True)
class Session:
    """Who signed: the role and the session's ARN (``arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME``)."""

    role_arn: str
    arn: str


class Facts(Protocol):
    def session(self, access_key_id: str) -> Session | None: ...

    def role_policies(self, role_arn: str) -> Sequence[Any]: ...

    def secret_arn(self, region: str, secret_id: str) -> str | None: ...


@dataclass(frozen=True)
class Call:
    service: str  # the SigV4 signing name
    operation: str
    params: Params
    region: str
    access_key_id: str
    account: str = "123456789012"
    extra_context: Mapping[str, str] = field(default_factory=dict)


def context(call: Call, session: Session) -> dict[str, str]:
    """The global condition keys of a request from a role session ("AWS global condition context keys")."""
    return {
        "aws:PrincipalArn": session.role_arn, "aws:PrincipalAccount": call.account,
        "aws:PrincipalType": "AssumedRole", "aws:RequestedRegion": call.region,
        "aws:SecureTransport": "true",  # AWS endpoints are HTTPS; the emulator's plain HTTP stands for them
        **call.extra_context,
    }


def decide(call: Call, facts: Facts) -> Refusal | None:
    """None when the call is allowed; the service's error when the caller's role does not allow it."""
    session = facts.session(call.access_key_id) if call.access_key_id else None
    if session is None:
        return None  # the account's own keys: an administrator's
    where = Where(call.region, call.account, lambda secret_id: facts.secret_arn(call.region, secret_id))
    policies = facts.role_policies(session.role_arn)
    ctx = context(call, session)
    for target in targets(call.service, call.operation, call.params, where):
        decision = evaluate(policies, target.action, target.resource, ctx)
        if decision is not Decision.ALLOW:
            return refusal(session.arn, call.service, target, decision)
    return None


class MotoFacts:
    """The facts, read from the emulator's moto backends at each request."""

    def session(self, access_key_id: str) -> Session | None:
        from .. import moto_adapter

        found = moto_adapter.assumed_role(access_key_id)
        return Session(*found) if found else None

    def role_policies(self, role_arn: str) -> Sequence[Any]:
        from .. import moto_adapter

        role = moto_adapter.iam_role(role_arn)
        return moto_adapter.role_policy_documents(role) if role is not None else []

    def secret_arn(self, region: str, secret_id: str) -> str | None:
        from .. import moto_adapter

        try:
            return moto_adapter.secret_arn(region, secret_id)
        except Exception:  # an unknown region or secret: the name stands
            return None


_FACTS = MotoFacts()
_SERVICES = {"dynamodbstreams": "dynamodb", "sesv2": "ses"}  # botocore's name → the service whose actions it uses


def _mapping(info: RequestInfo) -> Refusal | None:
    """CreateEventSourceMapping: Lambda checks that the function's role can read the source."""
    from .. import moto_adapter
    from .mappings import mapping_refusal

    fn = moto_adapter.lambda_function_or_none(info.region, str(info.params.get("FunctionName") or ""))
    source = str(info.params.get("EventSourceArn") or "")
    if fn is None or not source:
        return None
    return mapping_refusal(source, _FACTS.role_policies(str(fn.role or "")))


def authorize(info: RequestInfo) -> Refusal | None:
    """The front's hook (``front.Authorize``): a function's call its role does not allow is refused;
    an event source mapping whose function's role cannot read the source too."""
    call = Call(_SERVICES.get(info.service, info.service), info.operation, info.params, info.region,
                info.access_key)
    try:
        refused = decide(call, _FACTS)
        if refused is None and (info.service, info.operation) == ("lambda", "CreateEventSourceMapping"):
            refused = _mapping(info)
        return refused
    except Exception as exc:  # the emulator's own bug must not refuse what AWS would allow
        print(f"codecraft emulator: IAM evaluation failed on {info.service}.{info.operation}: {exc!r}",
              file=sys.stderr, flush=True)
        return None
