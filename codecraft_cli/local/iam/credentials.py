"""A function's temporary credentials: Lambda assumes its execution role (STS AssumeRole,
session name = the function's name) and gives the process the session's keys
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: "Defined runtime environment
variables", Lambda developer guide).

A role that does not exist, or whose trust policy does not let ``lambda.amazonaws.com`` call
``sts:AssumeRole``, cannot be assumed: Lambda answers ``InvalidParameterValueException`` "The role
defined for the function cannot be assumed by Lambda." (Lambda API reference, Invoke errors).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import moto_adapter
from .policy import evaluate

LAMBDA = "lambda.amazonaws.com"


class RoleNotAssumable(Exception):
    """Lambda cannot assume the function's role: the invocation fails with this error."""

    code = "InvalidParameterValueException"
    status = 400

    def __init__(self, role_arn: str) -> None:
        super().__init__("The role defined for the function cannot be assumed by Lambda.")
        self.role_arn = role_arn


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str

    def environment(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.access_key_id, "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
                "AWS_SESSION_TOKEN": self.session_token}


def trusts(trust_policy: object, service: str, role_arn: str) -> bool:
    """The role's trust policy lets ``service`` call sts:AssumeRole (and no statement denies it)."""
    if not isinstance(trust_policy, str | dict):
        return False
    try:
        return evaluate([trust_policy], "sts:AssumeRole", role_arn, {}, caller={"Service": service}).allowed
    except ValueError:  # not JSON
        return False


def function_credentials(role_arn: str, function_name: str, region: str) -> Credentials:
    """Temporary credentials of the function's role (RoleNotAssumable when Lambda cannot)."""
    role = moto_adapter.iam_role(role_arn) if role_arn else None
    if role is None or not trusts(role.assume_role_policy_document, LAMBDA, role.arn):
        raise RoleNotAssumable(role_arn)
    key, secret, token = moto_adapter.assume_role(role.arn, function_name, region)
    return Credentials(key, secret, token)
