"""sqs.queue: the queue and its policy (only the topic may send), drift repaired in place."""

from __future__ import annotations

import json
from botocore.stub import ANY

from codecraft_cli.resources.base import Call, Observed

from .fakes import TOPIC, plan
from .orders_outputs import QUEUE_ARN, QUEUE_URL, TAGS, TOPIC_ARN
from .stubs import Harness


def test_queue_policy_lets_only_the_topic_send() -> None:
    (call,) = plan("processing_queue", Observed(False))
    assert call.method == "create_queue" and call.records
    policy = json.loads(call.params["Attributes"]["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": [TOPIC]}}


def test_queue_policy_drift_is_repaired_not_recreated() -> None:
    (wanted,) = plan("processing_queue", Observed(False))
    attrs = dict(wanted.params["Attributes"])
    attrs["Policy"] = json.dumps(json.loads(attrs["Policy"]))  # same JSON, other spacing
    assert plan("processing_queue", Observed(True, {"url": "u", **attrs}, {})) == []
    changed = plan("processing_queue", Observed(True, {"url": "u", **attrs, "VisibilityTimeout": "30"}, {}))
    assert changed == [Call("sqs", "set_queue_attributes", {"QueueUrl": "u", "Attributes": {"VisibilityTimeout": "60"}})]


# --- the requests sent ---


def test_create_queue_request_and_policy(orders: Harness) -> None:
    _, _, _, calls = orders.plan("processing_queue")
    orders.stub("sqs").add_response("create_queue", {"QueueUrl": QUEUE_URL}, {
        "QueueName": "OrderProcessingQueue",
        "Attributes": {"VisibilityTimeout": "60", "Policy": ANY},
        "tags": TAGS,
    })

    orders.executor().run(calls)

    orders.assert_done()
    sent = orders.sent_params("CreateQueue")[0]
    assert set(sent["Attributes"]) == {"VisibilityTimeout", "Policy"}
    policy = json.loads(sent["Attributes"]["Policy"])
    assert policy["Version"] == "2012-10-17"
    assert len(policy["Statement"]) == 1
    statement = policy["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == QUEUE_ARN
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": [TOPIC_ARN]}}


def test_a_queue_made_anew_is_no_longer_taken_for_one_being_deleted(orders: Harness) -> None:
    """SQS: a deleted queue may still answer for up to 60 s (API_DeleteQueue), so teardown
    remembers the deletion; once setup has created the queue again, that memory must not make
    the next run (or a sweep) take the new queue for the old one being deleted."""
    from codecraft_cli.aws.tombstones import recently_deleted, remember_deleted

    remember_deleted(f"sqs:{QUEUE_URL}")
    _, _, _, calls = orders.plan("processing_queue")
    orders.stub("sqs").add_response("create_queue", {"QueueUrl": QUEUE_URL}, {
        "QueueName": "OrderProcessingQueue", "Attributes": ANY, "tags": TAGS})

    orders.executor().run(calls)

    orders.assert_done()
    assert recently_deleted(f"sqs:{QUEUE_URL}", 60.0) is None
