"""Rules that refused what AWS accepts, found by plugging the rules in front of the emulator
(each test fails without its fix)."""

from __future__ import annotations

from codecraft_cli.local.rules import refuse

QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/orders"


def test_receive_message_takes_message_system_attribute_names() -> None:
    """ReceiveMessage's AttributeNames takes message system attributes ("All,
    ApproximateFirstReceiveTimestamp, ApproximateReceiveCount, AWSTraceHeader, SenderId,
    SentTimestamp, ...", API_ReceiveMessage.html), though botocore models it with the queue
    attribute enum; codecraft's `inspect queue` asks for SentTimestamp."""
    for name in ("SentTimestamp", "ApproximateReceiveCount", "SenderId", "All"):
        assert refuse("sqs", "ReceiveMessage", {"QueueUrl": QUEUE, "AttributeNames": [name]}) is None


def test_receive_message_ranges_still_checked() -> None:
    """MaxNumberOfMessages 1-10 (API_ReceiveMessage.html)."""
    refusal = refuse("sqs", "ReceiveMessage", {"QueueUrl": QUEUE, "AttributeNames": ["All"], "MaxNumberOfMessages": 11})
    assert refusal is not None and refusal.code == "InvalidParameterValue"
