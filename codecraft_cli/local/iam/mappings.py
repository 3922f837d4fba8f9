"""Lambda checks the function's role when an event source mapping is created: its poller reads
the source with the role's session, so the role must allow it ("Amazon SQS / DynamoDB Streams:
execution role permissions", Lambda developer guide). Otherwise CreateEventSourceMapping fails with
``InvalidParameterValueException``, in Lambda's wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..rules.base import Refusal
from .policy import evaluate

SQS_ACTIONS = ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")
STREAM_ACTIONS = ("GetRecords", "GetShardIterator", "DescribeStream", "ListStreams")


def mapping_refusal(source_arn: str, policies: Sequence[Any]) -> Refusal | None:
    """The refusal of CreateEventSourceMapping for a role with these policies, or None."""
    if source_arn.startswith("arn:aws:sqs:"):
        for action in SQS_ACTIONS:
            if not evaluate(policies, f"sqs:{action}", source_arn).allowed:
                return Refusal("InvalidParameterValueException",
                               f"The function execution role does not have permissions to call {action} on SQS")
    elif source_arn.startswith("arn:aws:dynamodb:") and "/stream/" in source_arn:
        if not all(evaluate(policies, f"dynamodb:{a}", source_arn).allowed for a in STREAM_ACTIONS):
            return Refusal("InvalidParameterValueException",
                           f"Cannot access stream {source_arn}. Please ensure the role can perform the GetRecords, "
                           "GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.")
    return None
