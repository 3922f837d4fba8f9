"""sns.topic and sns.subscription: the subscription request."""

from __future__ import annotations

from .orders_outputs import QUEUE_ARN, TOPIC_ARN
from .stubs import Harness


def test_subscribe_request(orders: Harness) -> None:
    _, _, _, calls = orders.plan("queue_subscription")
    sub_arn = TOPIC_ARN + ":0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    orders.stub("sns").add_response("subscribe", {"SubscriptionArn": sub_arn}, {
        "TopicArn": TOPIC_ARN,
        "Protocol": "sqs",
        "Endpoint": QUEUE_ARN,
        "Attributes": {"RawMessageDelivery": "true"},
        "ReturnSubscriptionArn": True,
    })

    results = orders.executor().run(calls)

    orders.assert_done()
    assert results["created"]["SubscriptionArn"] == sub_arn
