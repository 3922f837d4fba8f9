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

    - id: mail_subscription           # e-mail: PendingConfirmation until the link of the
      type: sns.subscription          # confirmation e-mail is followed (local: setup follows it)
      properties:
        topic: ${notifications.arn}
        protocol: email
        endpoint: student@example.com
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, register, tag_list,
                   tags_from_list)
from .base import STUDENT_PREFIX, Text, short
from .teaching import finding

_GONE = ("NotFound", "NotFoundException")


@register
class Topic(Handler):
    # Name: 1-256 of [A-Za-z0-9_-], a FIFO topic's ending in .fifo (SNS API reference, CreateTopic)
    info = TypeInfo("sns.topic", "sns", N_("SNS › Topics"), gone=_GONE, sweep_rank=60, arn_service="sns",
                    name_text=Text(r"[A-Za-z0-9_-]+(\.fifo)?", 256, N_("letters, digits, hyphens and underscores only"),
                                   reserve=STUDENT_PREFIX))
    outputs = ("name", "arn")
    # seed 004: "Nommer le sujet : OrderNotifications" (a Standard topic: a FIFO one's name ends in .fifo)
    prescribed = ("name",)
    permissions = ("sns:CreateTopic", "sns:GetTopicAttributes", "sns:DeleteTopic",
                   "sns:TagResource", "sns:ListTagsForResource")

    def _arn(self, ctx: Context, res: ResourceSpec) -> str:
        return f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{self.name(ctx, res)}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("sns")
        arn = self._arn(ctx, res)
        got = self.fetch(lambda: client.get_topic_attributes(TopicArn=arn))
        if got is None:
            return Observed(False)
        tags = client.list_tags_for_resource(ResourceArn=arn).get("Tags")
        return Observed(True, {"arn": got["Attributes"].get("TopicArn", arn)}, tags_from_list(tags))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        if observed.exists:
            return []
        return [Call("sns", "create_topic",
                     {"Name": self.name(ctx, res), "Tags": tag_list(ctx.tags)},
                     output="created", records=True)]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"name": self.name(ctx, res), "arn": self._arn(ctx, res)}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("sns", "delete_topic", {"TopicArn": record["outputs"]["arn"]}, gone_ok=_GONE)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return None if ":" in resource else {"arn": arn, "name": resource}


@register
class Subscription(Handler):
    info = TypeInfo("sns.subscription", "sns", N_("SNS › Topics › Subscriptions"), gone=_GONE, named=False,
                    taggable=False)
    schema = {"topic": Prop(str, required=True),
              "protocol": Prop(str, required=True, choices=("sqs", "lambda", "email", "email-json", "https")),
              "endpoint": Prop(str, required=True), "raw_message_delivery": Prop(bool)}
    outputs = ("arn",)
    # the topic reaches the queue (seed 004: "Un message est ajouté dans la file SQS"); raw delivery
    # is codecraft's choice
    prescribed = ("protocol", "endpoint")
    permissions = ("sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic",
                   "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return f"{short(props.get('topic'))} → {short(props.get('endpoint'))}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("sns")
        pages = client.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=props["topic"])
        subs = self.fetch(lambda: [sub for page in pages for sub in page.get("Subscriptions", [])])
        for sub in subs or []:
            if sub["Protocol"] == props["protocol"] and sub["Endpoint"] == props["endpoint"]:
                arn = sub["SubscriptionArn"]
                if arn == "PendingConfirmation":  # an e-mail subscription not confirmed yet: no ARN listed
                    return Observed(True, {"arn": None, "pending": True, "raw_message_delivery": False})
                attrs = client.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
                raw = attrs.get("RawMessageDelivery", "false") == "true"
                return Observed(True, {"arn": arn, "raw_message_delivery": raw})
        return Observed(False)

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        raw = bool(props.get("raw_message_delivery", False))
        if observed.attrs.get("pending"):  # SNS sends the confirmation e-mail again (console: Request confirmation)
            return [Call("sns", "subscribe", {"TopicArn": props["topic"], "Protocol": props["protocol"],
                                              "Endpoint": props["endpoint"], "ReturnSubscriptionArn": True},
                         output="resent")]
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

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """Found by its protocol and endpoint (prescribed); raw delivery is advice: without it the
        queue receives SNS's JSON envelope, the message in its "Message" field (SNS Developer
        Guide, "Amazon SNS raw message delivery")."""
        if observed.attrs.get("pending"):
            return [finding("*", _('Open the e-mail "AWS Notification - Subscription Confirmation" sent to {endpoint} '
                                   'and click "Confirm subscription" (SNS › Subscriptions: the status becomes '
                                   'Confirmed)').format(endpoint=props["endpoint"]),
                            _("SNS delivers nothing to an e-mail address until its owner confirms the subscription"))]
        raw = bool(props.get("raw_message_delivery", False))
        if observed.attrs.get("raw_message_delivery") == raw:
            return []
        return [finding("raw_message_delivery",
                        _('SNS › Subscriptions › the subscription › Edit: tick "Enable raw message delivery"') if raw
                        else _('SNS › Subscriptions › the subscription › Edit: untick "Enable raw message delivery"'),
                        _("the queue then receives the published message itself, without SNS's JSON envelope around it") if raw else "")]

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        endpoint = str(props["endpoint"]).rsplit(":", 1)[-1]
        return _("SNS › Topics › the topic › Create subscription: protocol {protocol}, endpoint {endpoint}").format(
            protocol=props["protocol"], endpoint=endpoint)

    def explain(self, ctx: Context, res: ResourceSpec, call: Step) -> str:
        return _('SNS › Subscriptions › the subscription › Edit: tick "Enable raw message delivery"')

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        answer = results.get("created") or results.get("resent")
        if answer and ctx.is_local and props["protocol"] in ("email", "email-json"):
            confirm_by_mail(ctx, str(props["topic"]), str(props["endpoint"]))  # the link of the confirmation e-mail, as a user clicks it
        if answer:
            return {"arn": answer["SubscriptionArn"]}
        return {"arn": observed.attrs.get("arn")}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("sns", "unsubscribe", {"SubscriptionArn": record["outputs"]["arn"]},
                     gone_ok=(*_GONE, "InvalidParameter"))]


def confirm_by_mail(ctx: Context, topic: str, address: str) -> bool:
    """On the emulator: follow the newest link confirming ``topic`` sent to ``address`` (True: confirmed)."""
    from urllib.parse import unquote

    from ..local.mailbox import follow, read, select

    if not ctx.gateway:
        return False
    for message in reversed(select(read(ctx.gateway), to=address, kind="confirmation")):
        for link in message.get("links") or []:
            if f"TopicArn={topic}&" in unquote(str(link)) and follow(str(link))[0] == 200:
                return True
    return False
