"""SQS: names, attributes, messages and batches, as the SQS API reference documents them.

Error codes are the ones boto3 shows: SQS speaks JSON with the ``awsQueryCompatible`` trait,
so clients read the legacy query code from ``x-amzn-query-error`` (e.g.
``AWS.SimpleQueueService.QueueDeletedRecently``).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

from .base import Params, Refusal, State, number, rule, text

INVALID = "InvalidParameterValue"
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")

# Attribute ranges: API_SetQueueAttributes.html / API_CreateQueue.html, Attributes.
RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1048576),
    "MessageRetentionPeriod": (60, 1209600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43200),
    "KmsDataKeyReusePeriodSeconds": (60, 86400),
}
FIFO_ONLY = ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
SETTABLE = frozenset(RANGES) | frozenset(FIFO_ONLY) | {
    "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled"}
BOOLEAN = ("FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled")
ENUMS = {"DeduplicationScope": ("messageGroup", "queue"),
         "FifoThroughputLimit": ("perQueue", "perMessageGroupId")}


def _invalid_attribute(name: str) -> Refusal:
    return Refusal("InvalidAttributeValue", f"Invalid value for the parameter {name}.")


@rule("sqs", "CreateQueue")
def queue_name(params: Params, state: State) -> Refusal | None:
    """QueueName: up to 80 characters, alphanumerics, hyphens and underscores; a FIFO queue's
    name ends in .fifo (API_CreateQueue.html, QueueName)."""
    name = text(params.get("QueueName")) or ""
    attributes = params.get("Attributes") or {}
    fifo = str(attributes.get("FifoQueue", "")).lower() == "true"
    if fifo and not _FIFO_NAME.fullmatch(name):
        return Refusal(INVALID, "The name of a FIFO queue can only include alphanumeric characters, hyphens, "
                                "or underscores, must end with .fifo suffix and be 1 to 80 in length.")
    if not fifo and not _NAME.fullmatch(name):
        return Refusal(INVALID, "Can only include alphanumeric characters, hyphens, or underscores. "
                                "1 to 80 in length")
    return None


@rule("sqs", "CreateQueue")
def not_deleted_recently(params: Params, state: State) -> Refusal | None:
    """"After you delete a queue, you must wait at least 60 seconds before creating a queue
    with the same name" (API_DeleteQueue.html; API_CreateQueue.html, QueueDeletedRecently)."""
    name = text(params.get("QueueName"))
    deleted = state.queue_deleted_at(name) if name else None
    if deleted is not None and state.now() - deleted < timedelta(seconds=60):
        return Refusal("AWS.SimpleQueueService.QueueDeletedRecently",
                       "You must wait 60 seconds after deleting a queue before you can create another "
                       "with the same name.")
    return None


def _attributes(params: Params, fifo: bool | None) -> Refusal | None:
    attributes = params.get("Attributes")
    if not isinstance(attributes, dict):
        return None
    for key, value in attributes.items():
        if key not in SETTABLE:
            return Refusal("InvalidAttributeName", f"Unknown Attribute {key}.")
        if key in FIFO_ONLY and fifo is False:
            return Refusal("InvalidAttributeName", f"Unknown Attribute {key}.")
        if key in RANGES:
            low, high = RANGES[key]
            amount = number(value)
            if amount is None or not low <= amount <= high:
                return _invalid_attribute(key)
        if key in BOOLEAN and str(value).lower() not in ("true", "false"):
            return _invalid_attribute(key)
        if key in ENUMS and value not in ENUMS[key]:
            return _invalid_attribute(key)
        if key in ("Policy", "RedriveAllowPolicy") and value:
            try:
                json.loads(value)
            except (TypeError, ValueError):
                return _invalid_attribute(key)
        if key == "RedrivePolicy" and value:
            refusal = _redrive(value, fifo)
            if refusal:
                return refusal
    return None


def _redrive(value: str, fifo: bool | None) -> Refusal | None:
    """RedrivePolicy: JSON with deadLetterTargetArn and maxReceiveCount 1-1000; a FIFO queue's
    dead-letter queue is FIFO too (sqs-dead-letter-queues.html)."""
    prefix = f"Value {value} for parameter RedrivePolicy is invalid. Reason: "
    try:
        policy = json.loads(value)
    except ValueError:
        return Refusal(INVALID, prefix + "Redrive policy is not a valid JSON map.")
    if not isinstance(policy, dict) or "deadLetterTargetArn" not in policy:
        return Refusal(INVALID, prefix + "Redrive policy does not contain mandatory attribute: "
                                         "deadLetterTargetArn.")
    if "maxReceiveCount" not in policy:
        return Refusal(INVALID, prefix + "Redrive policy does not contain mandatory attribute: maxReceiveCount.")
    count = number(policy["maxReceiveCount"])
    if count is None or not 1 <= count <= 1000:
        return Refusal(INVALID, prefix + f"Invalid value for maxReceiveCount: {policy['maxReceiveCount']}, "
                                         "valid values are from 1 to 1000 both inclusive.")
    target = str(policy["deadLetterTargetArn"])
    if not target.startswith("arn:") or len(target.split(":")) != 6 or target.split(":")[2] != "sqs":
        return Refusal(INVALID, prefix + "Invalid value for deadLetterTargetArn.")
    if fifo is not None and target.endswith(".fifo") != fifo:
        return Refusal(INVALID, prefix + "Dead-letter target must be also be a FIFO queue." if fifo else
                       prefix + "Dead-letter target must be a standard queue.")
    return None


@rule("sqs", "CreateQueue")
def create_attributes(params: Params, state: State) -> Refusal | None:
    name = text(params.get("QueueName")) or ""
    return _attributes(params, name.endswith(".fifo"))


@rule("sqs", "SetQueueAttributes")
def set_attributes(params: Params, state: State) -> Refusal | None:
    url = text(params.get("QueueUrl")) or ""
    attributes = params.get("Attributes") or {}
    if isinstance(attributes, dict) and "FifoQueue" in attributes:  # fixed at creation
        return Refusal("InvalidAttributeName", "Unknown Attribute FifoQueue.")
    return _attributes(params, url.endswith(".fifo"))


# #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (API_SendMessage.html)
_BAD_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _message(body: str | None, delay: int | None, group: str | None, fifo: bool) -> Refusal | None:
    if body is not None:
        if not body:
            return Refusal("MissingParameter", "The request must contain the parameter MessageBody.")
        bad = _BAD_CHAR.search(body)
        if bad:
            return Refusal("InvalidMessageContents",
                           f"Invalid binary character '#x{ord(bad.group(0)):X}' was found in the message body, "
                           "the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
                           "#xFFFD | #x10000 to #x10FFFF")
        if len(body.encode()) > 1048576:
            return Refusal(INVALID, "One or more parameters are invalid. Reason: Message must be shorter than "
                                    "1048576 bytes.")
    if delay is not None:
        if not 0 <= delay <= 900:
            return Refusal(INVALID, f"Value {delay} for parameter DelaySeconds is invalid. Reason: "
                                    "DelaySeconds must be >= 0 and <= 900.")
        if fifo and delay:
            return Refusal(INVALID, f"Value {delay} for parameter DelaySeconds is invalid. Reason: The request "
                                    "include parameter that is not valid for this queue type.")
    if fifo and not group:
        return Refusal("MissingParameter", "The request must contain the parameter MessageGroupId.")
    return None


@rule("sqs", "SendMessage")
def send_message(params: Params, state: State) -> Refusal | None:
    """Message body characters and size (1 MiB), DelaySeconds 0-900 (not per message on FIFO
    queues), MessageGroupId required on FIFO queues (API_SendMessage.html)."""
    fifo = (text(params.get("QueueUrl")) or "").endswith(".fifo")
    return _message(text(params.get("MessageBody")), number(params.get("DelaySeconds")),
                    text(params.get("MessageGroupId")), fifo)


_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")


def _batch(entries: object, size_of: str | None = None) -> Refusal | None:
    """Batches: 1 to 10 entries, distinct ids of up to 80 alphanumerics, hyphens and
    underscores, at most 1 MiB in all (API_SendMessageBatch.html, API_DeleteMessageBatch.html)."""
    if not isinstance(entries, list) or not entries:
        return Refusal("AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one "
                       "SendMessageBatchRequestEntry in the request.")
    if len(entries) > 10:
        return Refusal("AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                       f"Maximum number of entries per request are 10. You have sent {len(entries)}.")
    ids = [str(e.get("Id", "")) for e in entries if isinstance(e, dict)]
    for entry_id in ids:
        if not _ENTRY_ID.fullmatch(entry_id):
            return Refusal("AWS.SimpleQueueService.InvalidBatchEntryId",
                           "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                           "It can be at most 80 letters long.")
    if len(set(ids)) != len(ids):
        return Refusal("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id "
                       f"{next(i for i in ids if ids.count(i) > 1)} repeated.")
    if size_of:
        total = sum(len(str(e.get(size_of, "")).encode()) for e in entries if isinstance(e, dict))
        if total > 1048576:
            return Refusal("AWS.SimpleQueueService.BatchRequestTooLong",
                           f"Batch requests cannot be longer than 1048576 bytes. You have sent {total} bytes.")
    return None


@rule("sqs", "SendMessageBatch")
def send_message_batch(params: Params, state: State) -> Refusal | None:
    entries = params.get("Entries")
    refusal = _batch(entries, "MessageBody")
    if refusal or not isinstance(entries, list):
        return refusal
    fifo = (text(params.get("QueueUrl")) or "").endswith(".fifo")
    for entry in entries:
        refusal = _message(text(entry.get("MessageBody")), number(entry.get("DelaySeconds")),
                           text(entry.get("MessageGroupId")), fifo)
        if refusal:
            return refusal
    return None


@rule("sqs", "DeleteMessageBatch", "ChangeMessageVisibilityBatch")
def other_batches(params: Params, state: State) -> Refusal | None:
    return _batch(params.get("Entries"))


@rule("sqs", "ReceiveMessage")
def receive_ranges(params: Params, state: State) -> Refusal | None:
    """MaxNumberOfMessages 1-10, WaitTimeSeconds 0-20, VisibilityTimeout 0-43200
    (API_ReceiveMessage.html)."""
    for name, low, high in (("MaxNumberOfMessages", 1, 10), ("WaitTimeSeconds", 0, 20),
                            ("VisibilityTimeout", 0, 43200)):
        value = number(params.get(name))
        if value is not None and not low <= value <= high:
            return Refusal(INVALID, f"Value {value} for parameter {name} is invalid. Reason: Must be between "
                                    f"{low} and {high}, if provided.")
    return None


@rule("sqs", "ChangeMessageVisibility")
def change_visibility_range(params: Params, state: State) -> Refusal | None:
    """VisibilityTimeout: 0 to 43,200 seconds (API_ChangeMessageVisibility.html)."""
    value = number(params.get("VisibilityTimeout"))
    if value is not None and not 0 <= value <= 43200:
        return Refusal(INVALID, f"Value {value} for parameter VisibilityTimeout is invalid. Reason: Must be "
                                "between 0 and 43200, if provided.")
    return None
