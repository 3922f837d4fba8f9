"""SNS: topic names, messages, subscriptions and their attributes (API reference:
CreateTopic, Publish, Subscribe, SetSubscriptionAttributes)."""

from __future__ import annotations

import json
import re

from .base import Params, Refusal, State, rule, text

INVALID = "InvalidParameter"
_NAME = re.compile(r"[A-Za-z0-9_-]{1,256}")
_FIFO = re.compile(r"[A-Za-z0-9_-]{1,251}\.fifo")


def _invalid(what: str) -> Refusal:
    return Refusal(INVALID, f"Invalid parameter: {what}")


@rule("sns", "CreateTopic")
def topic_name(params: Params, state: State) -> Refusal | None:
    """"Topic names must be made up of only uppercase and lowercase ASCII letters, numbers,
    underscores, and hyphens, and must be between 1 and 256 characters long. For a FIFO topic,
    the name must end with the .fifo suffix" (API_CreateTopic.html, Name)."""
    name = text(params.get("Name")) or ""
    attributes = params.get("Attributes") or {}
    fifo = str(attributes.get("FifoTopic", "false")).lower() == "true"
    if fifo and not _FIFO.fullmatch(name):
        return _invalid("Fifo Topic names must end with .fifo and must be made up of only uppercase and "
                        "lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 "
                        "and 256 characters long.")
    if not fifo and not _NAME.fullmatch(name):
        return _invalid("Topic Name")
    for key in ("FifoTopic", "ContentBasedDeduplication"):
        if key in attributes and str(attributes[key]).lower() not in ("true", "false"):
            return _invalid(f"Attributes Reason: {key}")
    if not fifo and "ContentBasedDeduplication" in attributes:
        return _invalid("Attributes Reason: ContentBasedDeduplication is only valid for FIFO topics")
    return None


@rule("sns", "Publish")
def publish(params: Params, state: State) -> Refusal | None:
    """Message: not empty, at most 256 KB; Subject: ASCII, no line breaks, under 100
    characters; a target; MessageGroupId on FIFO topics (API_Publish.html)."""
    message = text(params.get("Message"))
    if message is not None:
        if not message:
            return _invalid("Empty message")
        if len(message.encode()) > 262144:
            return _invalid("Message too long")
    if not any(params.get(k) for k in ("TopicArn", "TargetArn", "PhoneNumber")):
        return _invalid("TopicArn or TargetArn Reason: no value for required parameter")
    subject = text(params.get("Subject"))
    if subject is not None and (not subject or len(subject) >= 100 or not subject.isascii()
                                or "\n" in subject or "\r" in subject or not subject[:1].isprintable()):
        return _invalid("Subject")
    if params.get("MessageStructure") not in (None, "json"):
        return _invalid("MessageStructure")
    if params.get("MessageStructure") == "json":
        try:
            structure = json.loads(message or "")
        except ValueError:
            return _invalid("Message Structure - JSON message body failed to parse")
        if not isinstance(structure, dict) or "default" not in structure:
            return _invalid("Message Structure - No default entry in JSON message body")
    arn = text(params.get("TopicArn")) or text(params.get("TargetArn")) or ""
    if arn.endswith(".fifo") and not params.get("MessageGroupId"):
        return _invalid("The MessageGroupId parameter is required for FIFO topics")
    return None


_PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")


def _arn_of(endpoint: str, service: str) -> bool:
    parts = endpoint.split(":")
    return len(parts) >= 6 and parts[0] == "arn" and parts[2] == service


@rule("sns", "Subscribe")
def subscribe(params: Params, state: State) -> Refusal | None:
    """Protocol from the documented list; an Endpoint of the protocol's form (API_Subscribe.html)."""
    protocol = str(params.get("Protocol", ""))
    endpoint = text(params.get("Endpoint")) or ""
    if protocol not in _PROTOCOLS:
        return _invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    if protocol == "sqs" and not _arn_of(endpoint, "sqs"):
        return _invalid("SQS endpoint ARN")
    if protocol == "lambda" and not _arn_of(endpoint, "lambda"):
        return _invalid("Lambda endpoint ARN")
    if protocol == "firehose" and not _arn_of(endpoint, "firehose"):
        return _invalid("Firehose endpoint ARN")
    if protocol in ("email", "email-json") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", endpoint):
        return _invalid("Email address")
    if protocol in ("http", "https") and not endpoint.startswith(protocol + "://"):
        return _invalid("Endpoint must match the specified protocol")
    return _subscription_attributes(params.get("Attributes") or {})


_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
               "SubscriptionRoleArn", "ReplayPolicy")


def _subscription_attributes(attributes: dict[str, str]) -> Refusal | None:
    for name, value in attributes.items():
        if name not in _ATTRIBUTES:
            return _invalid("AttributeName")
        if name == "RawMessageDelivery" and str(value).lower() not in ("true", "false"):
            return _invalid("RawMessageDelivery: Invalid value [" + str(value) + "]. Must be true or false.")
        if name == "FilterPolicyScope" and value not in ("MessageAttributes", "MessageBody"):
            return _invalid("FilterPolicyScope: Invalid value [" + str(value) + "]. Please use either "
                            "MessageBody or MessageAttributes")
        if name in ("FilterPolicy", "DeliveryPolicy", "RedrivePolicy") and value:
            try:
                json.loads(value)
            except (TypeError, ValueError):
                return _invalid(f"{name}: failed to parse JSON.")
    return None


@rule("sns", "SetSubscriptionAttributes")
def set_subscription_attribute(params: Params, state: State) -> Refusal | None:
    name = str(params.get("AttributeName", ""))
    return _subscription_attributes({name: str(params.get("AttributeValue", ""))})


# SetTopicAttributes AttributeName: "Valid values: DeliveryPolicy, DisplayName, Policy,
# TracingConfig, KmsMasterKeyId, SignatureVersion, ContentBasedDeduplication, ArchivePolicy,
# FifoThroughputScope" and the delivery-status logging attributes of each protocol
# (API_SetTopicAttributes.html; sns-topic-attributes.html).
_TOPIC_ATTRIBUTES = {"DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId",
                     "SignatureVersion", "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"} | {
    f"{protocol}{suffix}"
    for protocol in ("Application", "Firehose", "HTTP", "Lambda", "SQS")
    for suffix in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")}


@rule("sns", "SetTopicAttributes")
def topic_attribute(params: Params, state: State) -> Refusal | None:
    name = text(params.get("AttributeName"))
    if name is not None and name not in _TOPIC_ATTRIBUTES:
        return _invalid("AttributeName")
    return None
