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


# --- judged as a teacher would ---


def test_subscription_without_raw_delivery_passes_with_advice() -> None:
    """The SQS console's "Subscribe to Amazon SNS topic" leaves raw delivery off (SNS Developer
    Guide, "Amazon SNS raw message delivery"): the message arrives in an envelope, and still arrives."""
    from codecraft_cli.resources import handler_for
    from codecraft_cli.resources.base import Observed

    from .fakes import PLANNED, PlanContext, W
    from codecraft_cli.workshop.model import resolve

    res = W.resource("queue_subscription")
    handler = handler_for(res.type)
    props = resolve(res.properties, {**PLANNED, "processing_queue": {"arn": "arn:aws:sqs:eu-west-3:111122223333:Q"}})
    (advice,) = handler.check(PlanContext(), res, props, Observed(True, {"arn": "s", "raw_message_delivery": False}),
                              by_hand=True)
    assert advice.prop == "raw_message_delivery" and not handler.requires(res, advice) and advice.reason
    assert handler.check(PlanContext(), res, props, Observed(True, {"arn": "s", "raw_message_delivery": True})) == []


def test_topic_prescribes_its_name_only() -> None:
    from codecraft_cli.resources.sns import Subscription, Topic

    assert Topic.prescribed == ("name",) and Subscription.prescribed == ("protocol", "endpoint")
