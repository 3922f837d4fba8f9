"""A denied request as each service answers it: its error code, HTTP status and message.

The message follows "Access denied error message examples" (IAM user guide,
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
``User: PRINCIPAL is not authorized to perform: ACTION on resource: RESOURCE because no
identity-based policy allows the ACTION action`` (implicit deny), or ``... with an explicit deny
in an identity-based policy``; a request on no particular resource omits ``on resource: ...``.

Each service keeps its own code and spelling (as they answer it today):
DynamoDB, Secrets Manager, CloudWatch Logs ``AccessDeniedException`` (400); Lambda
``AccessDeniedException`` (403); SNS ``AuthorizationError`` (403) spelling the action ``SNS:Publish``;
SQS ``AccessDenied`` (403) spelling it in lower case (``sqs:sendmessage``); S3 ``AccessDenied``
(403) with the resource in double quotes; Secrets Manager names the secret as the request did;
RDS, STS, IAM (query APIs) ``AccessDenied`` (403); EC2 ``UnauthorizedOperation`` (403).
"""

from __future__ import annotations

from ..rules.base import Refusal
from .actions import Target
from .policy import Decision

_CODES: dict[str, tuple[str, int]] = {
    "dynamodb": ("AccessDeniedException", 400),
    "secretsmanager": ("AccessDeniedException", 400),
    "logs": ("AccessDeniedException", 400),
    "lambda": ("AccessDeniedException", 403),
    "sns": ("AuthorizationError", 403),
    "sqs": ("AccessDenied", 403),
    "s3": ("AccessDenied", 403),
    "rds": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
    "iam": ("AccessDenied", 403),
    "ses": ("AccessDenied", 403),
    "ec2": ("UnauthorizedOperation", 403),
}


def spelled(service: str, action: str) -> str:
    """The action as the service writes it in its message."""
    prefix, _, name = action.partition(":")
    if service == "sns":
        return f"SNS:{name}"
    if service == "sqs":
        return action.lower()
    return action


def message(principal: str, service: str, target: Target, decision: Decision) -> str:
    action = spelled(service, target.action)
    on = "" if target.resource == "*" else f" on resource: {target.shown or target.resource}"
    why = ("with an explicit deny in an identity-based policy" if decision is Decision.EXPLICIT_DENY
           else f"because no identity-based policy allows the {action} action")
    return f"User: {principal} is not authorized to perform: {action}{on} {why}"


def refusal(principal: str, service: str, target: Target, decision: Decision) -> Refusal:
    code, status = _CODES.get(service, ("AccessDeniedException", 403))
    text = message(principal, service, target, decision)
    if service == "ec2":
        text = f"You are not authorized to perform this operation. {text}"
    return Refusal(code, text, status)
