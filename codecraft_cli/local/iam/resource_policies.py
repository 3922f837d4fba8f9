"""The resource-based policies AWS checks when a service principal acts for the account.

- Lambda's function policy (``add_permission``): S3, SNS and API Gateway invoke a function only
  when a statement allows their service principal ``lambda:InvokeFunction``, with conditions on
  ``aws:SourceArn`` (the bucket, topic or ``execute-api`` method ARN) and ``aws:SourceAccount``
  when the statement has them ("Using resource-based policies in Lambda", Lambda developer guide).
  Any statement id, and every SourceArn form AWS accepts (``api/*/POST/orders``, ``api/*/*``,
  ``api/*``, none at all) counts.
- The SQS queue policy: SNS delivers to a queue only when the policy allows
  ``sns.amazonaws.com`` ``sqs:SendMessage`` on the queue for the topic (``aws:SourceArn``)
  ("Subscribing an Amazon SQS queue to an Amazon SNS topic", SNS developer guide); otherwise the
  delivery fails.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .policy import evaluate, statements


def _without_resource(statement: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in statement.items() if k not in ("Resource", "NotResource")}


def lambda_permission_allows(policy: str | Mapping[str, Any] | Sequence[Mapping[str, Any]] | None, service: str,
                             source_arn: str | None, source_account: str | None = None,
                             function_arn: str | None = None) -> bool:
    """Whether the function's policy lets ``service`` invoke it for this source.

    ``policy`` is the document (or its text, or its statements). Without ``function_arn`` the
    statements' ``Resource`` is not compared (each names the function the policy belongs to).
    """
    if not policy:
        return False
    found = (statements(policy) if isinstance(policy, str | Mapping)
             else [st for st in policy if isinstance(st, Mapping)])
    if function_arn is None:
        found = [_without_resource(st) for st in found]
    context: dict[str, str] = {}
    if source_arn:
        context["aws:SourceArn"] = source_arn
    if source_account:
        context["aws:SourceAccount"] = source_account
    return evaluate([{"Statement": found}], "lambda:InvokeFunction", function_arn or "*", context,
                    caller={"Service": service}).allowed


def queue_accepts_topic(queue_policy: str | Mapping[str, Any] | None, queue_arn: str, topic_arn: str) -> bool:
    """Whether the queue's policy lets SNS send this topic's messages to it."""
    if not queue_policy:
        return False
    try:
        doc = json.loads(queue_policy) if isinstance(queue_policy, str) else queue_policy
    except ValueError:
        return False
    account = topic_arn.split(":")[4] if topic_arn.count(":") >= 5 else ""
    return evaluate([doc], "sqs:SendMessage", queue_arn,
                    {"aws:SourceArn": topic_arn, "aws:SourceAccount": account},
                    caller={"Service": "sns.amazonaws.com"}).allowed
