"""SNS topics and subscriptions.

YAML::

    - id: notifications
      type: sns.topic
      name: OrderNotifications

    - id: queue_subscription          # fan-out: every message published reaches the queue
      type: sns.subscription
      properties:
        topic: ${notifications.arn}
        protocol: sqs
        endpoint: ${processing_queue.arn}
        raw_message_delivery: true    # the queue receives the message itself, not an envelope
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..aws.errors import error_code, is_client_error
from ..workshop.model import ResourceSpec
from .base import Call, Context, Handler, Observed, Prop, register, tag_list, tags_from_list


@register
class Topic(Handler):
    type = "sns.topic"
    service = "sns"
    console = "SNS › Topics"
    outputs = ("name", "arn")
    permissions = ("sns:CreateTopic", "sns:GetTopicAttributes", "sns:DeleteTopic",
                   "sns:TagResource", "sns:ListTagsForResource")

    def _arn(self, ctx: Context, res: ResourceSpec) -> str:
        return f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{self.name(ctx, res)}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("sns")
        arn = self._arn(ctx, res)
        try:
            attrs = client.get_topic_attributes(TopicArn=arn)["Attributes"]
        except Exception as exc:
            if is_client_error(exc) and error_code(exc) in ("NotFound", "NotFoundException"):
                return Observed(False)
            raise
        tags = client.list_tags_for_resource(ResourceArn=arn).get("Tags")
        return Observed(True, {"arn": attrs.get("TopicArn", arn)}, tags_from_list(tags))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Call]:
        if observed.exists:
            return []
        return [Call("sns", "create_topic",
                     {"Name": self.name(ctx, res), "Tags": tag_list(ctx.tags)},
                     output="created", records=True)]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": self.name(ctx, res), "arn": self._arn(ctx, res)}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Call]:
        return [Call("sns", "delete_topic", {"TopicArn": record["outputs"]["arn"]},
                     gone_ok=("NotFound", "NotFoundException"))]


@register
class Subscription(Handler):
    type = "sns.subscription"
    service = "sns"
    console = "SNS › Topics › Subscriptions"
    named = False
    taggable = False
    schema = {
        "topic": Prop(str, required=True),
        "protocol": Prop(str, required=True, choices=("sqs", "lambda", "email", "https")),
        "endpoint": Prop(str, required=True),
        "raw_message_delivery": Prop(bool),
    }
    outputs = ("arn",)
    permissions = ("sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic",
                   "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("sns")
        try:
            pages = client.get_paginator("list_subscriptions_by_topic").paginate(
                TopicArn=props["topic"])
            subs = [sub for page in pages for sub in page.get("Subscriptions", [])]
        except Exception as exc:
            if is_client_error(exc) and error_code(exc) in ("NotFound", "NotFoundException"):
                return Observed(False)
            raise
        for sub in subs:
            if sub["Protocol"] == props["protocol"] and sub["Endpoint"] == props["endpoint"]:
                arn = sub["SubscriptionArn"]
                attrs = client.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
                raw = attrs.get("RawMessageDelivery", "false") == "true"
                return Observed(True, {"arn": arn, "raw_message_delivery": raw})
        return Observed(False)

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Call]:
        raw = bool(props.get("raw_message_delivery", False))
        if not observed.exists:
            params: dict[str, Any] = {
                "TopicArn": props["topic"], "Protocol": props["protocol"],
                "Endpoint": props["endpoint"], "ReturnSubscriptionArn": True,
            }
            if raw:
                params["Attributes"] = {"RawMessageDelivery": "true"}
            return [Call("sns", "subscribe", params, output="created", records=True)]
        if observed.attrs["raw_message_delivery"] != raw:
            return [Call("sns", "set_subscription_attributes", {
                "SubscriptionArn": observed.attrs["arn"], "AttributeName": "RawMessageDelivery",
                "AttributeValue": "true" if raw else "false"})]
        return []

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return (f"SNS › Topics › the topic › Create subscription: protocol {props['protocol']}, "
                f"endpoint {str(props['endpoint']).rsplit(':', 1)[-1]}")

    def explain(self, ctx: Context, res: ResourceSpec, call: Call) -> str:
        return "SNS › Subscriptions › the subscription › Edit: enable raw message delivery"

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        if "created" in results:
            return {"arn": results["created"]["SubscriptionArn"]}
        return {"arn": observed.attrs.get("arn")}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Call]:
        return [Call("sns", "unsubscribe", {"SubscriptionArn": record["outputs"]["arn"]},
                     gone_ok=("NotFound", "NotFoundException", "InvalidParameter"))]
