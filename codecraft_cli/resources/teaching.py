"""Judging a resource as a teacher would (DESIGN.md §7): the shared pieces of the handlers' checks.

A handler's ``check`` returns :class:`~.base.Finding` values; each names the YAML property it
is about, so that what the seed leaves open becomes advice (with its reason) and what it
prescribes stays a failure. Texts go through the catalogs (``_("English {field}")``, the French in
``locale/fr/LC_MESSAGES/resources.po``); the console labels are those of the AWS console in each
language ("Runtime settings" / "Paramètres d'exécution").

Reading policies: what the consoles really write (``Principal: {"AWS": "*"}`` with a condition on
the source, ``SQS:SendMessage`` in capitals, ``aws:SourceArn`` or ``AWS:SourceArn``) is accepted:
IAM compares action names and condition keys without regard to case (IAM User Guide, "IAM JSON
policy elements: Action" and "Condition": "Condition key names are not case-sensitive").
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from .base import Finding


def finding(prop: str, fix: str, reason: str = "") -> Finding:
    """A Finding from texts already said in the user's language (``_(...)``)."""
    return Finding(prop, fix, reason)


# --- policy documents ---


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def statements(doc: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return [st for st in as_list((doc or {}).get("Statement")) if isinstance(st, Mapping)]


def action_allowed(statement: Mapping[str, Any], action: str) -> bool:
    """The statement's Action covers ``action`` (wildcards, any case)."""
    return any(fnmatch.fnmatchcase(action.lower(), str(pattern).lower())
               for pattern in as_list(statement.get("Action")))


def principal_allows(statement: Mapping[str, Any], service: str) -> bool:
    """The statement's principal is the service, or anyone ("*", {"AWS": "*"})."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    return service in as_list(principal.get("Service")) or "*" in as_list(principal.get("AWS"))


def source_patterns(statement: Mapping[str, Any]) -> list[str] | None:
    """The aws:SourceArn values the statement's condition allows (ArnLike/ArnEquals/StringLike/
    StringEquals, any case of the key); None: the statement has no such condition."""
    found: list[str] | None = None
    for op, block in (statement.get("Condition") or {}).items():
        if str(op).lower() not in ("arnlike", "arnequals", "stringlike", "stringequals") or \
                not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            if str(key).lower() == "aws:sourcearn":
                found = (found or []) + [str(v) for v in as_list(value)]
    return found


def arn_matches(arn: str, pattern: str) -> bool:
    """ArnLike: ``*`` any run of characters, ``?`` one (IAM: "Amazon Resource Name (ARN)
    condition operators")."""
    return fnmatch.fnmatchcase(arn, pattern)


def allows_from(statement: Mapping[str, Any], service: str, action: str, source_arn: str) -> bool:
    """An Allow statement that lets ``service`` do ``action`` when called on behalf of
    ``source_arn`` (no source condition: from anything)."""
    if statement.get("Effect", "Allow") != "Allow" or not principal_allows(statement, service):
        return False
    if not action_allowed(statement, action):
        return False
    patterns = source_patterns(statement)
    return patterns is None or any(arn_matches(source_arn, p) for p in patterns)


# --- least privilege (IAM User Guide, "Apply least-privilege permissions") ---

# AWS managed policies broader than a workshop's function needs, with what the function needs instead
BROAD_MANAGED = {
    "AdministratorAccess": "*",
    "PowerUserAccess": "*",
    "AmazonDynamoDBFullAccess": "dynamodb",
    "AmazonSNSFullAccess": "sns",
    "AmazonSQSFullAccess": "sqs",
    "AmazonS3FullAccess": "s3",
    "AmazonRDSFullAccess": "rds",
    "AWSLambda_FullAccess": "lambda",
    "SecretsManagerReadWrite": "secretsmanager",
    "CloudWatchLogsFullAccess": "logs",
    "AmazonAPIGatewayAdministrator": "apigateway",
}


def broad_actions(doc: Mapping[str, Any] | None) -> list[str]:
    """The wildcard actions a policy allows: a whole service ("*", "dynamodb:*") on anything, or
    a family of actions ("s3:Put*") on every resource ("*")."""
    broad = []
    for st in statements(doc):
        if st.get("Effect", "Allow") != "Allow":
            continue
        on_all = "*" in as_list(st.get("Resource"))
        for action in map(str, as_list(st.get("Action"))):
            if action == "*" or action.endswith(":*") or ("*" in action and on_all):
                broad.append(action)
    return broad
