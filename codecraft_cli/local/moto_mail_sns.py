"""SNS e-mail subscriptions on the emulator (see :mod:`.moto_mail` for the whole picture).

``email``/``email-json`` subscriptions start ``PendingConfirmation`` and get a confirmation
e-mail whose link (or ConfirmSubscription with its token) confirms them (SNS API reference:
Subscribe, ConfirmSubscription; SNS Developer Guide, "Email notifications"); each publish then
reaches every confirmed one in SNS's e-mail format. moto is imported inside functions only.
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from .mailbox import current, patch

_FOOTER = ("Please do not reply directly to this email. If you have any questions or comments regarding "
           "this email, please contact us at https://aws.amazon.com/support")
EMAIL_PROTOCOLS = ("email", "email-json")


def _pending(subscription: Any) -> bool:
    return bool(subscription.__dict__.get("codecraft_pending"))


def _send_confirmation(subscription: Any) -> None:
    state = current()
    state.sns_tokens = {t: arn for t, arn in state.sns_tokens.items() if arn != subscription.arn}
    token = secrets.token_hex(64)
    state.sns_tokens[token] = subscription.arn
    topic = subscription.topic
    link = (f"{state.base}/_codecraft/sns/confirmation.html?"
            + urlencode({"TopicArn": topic.arn, "Token": token, "Endpoint": subscription.endpoint}))
    subject = "AWS Notification - Subscription Confirmation"
    if subscription.protocol == "email-json":
        from moto.core.utils import iso_8601_datetime_with_milliseconds

        body = json.dumps({
            "Type": "SubscriptionConfirmation", "MessageId": secrets.token_hex(16), "Token": token,
            "TopicArn": topic.arn,
            "Message": f"You have chosen to subscribe to the topic {topic.arn}.\nTo confirm the subscription, "
                       "visit the SubscribeURL included in this message.",
            "SubscribeURL": link, "Timestamp": iso_8601_datetime_with_milliseconds(), "SignatureVersion": "1",
            "Signature": "EXAMPLE", "SigningCertURL": "EXAMPLE"}, indent=2)
    else:
        body = (f"You have chosen to subscribe to the topic: \n{topic.arn}\n\n"
                "To confirm this subscription, click or visit the link below (If this was in error no action is "
                f"necessary): \nConfirm subscription\n{link}\n\n{_FOOTER}")
    state.mailbox.add("confirmation", _sns_sender(topic), [subscription.endpoint], subject, body, [link])


def _sns_sender(topic: Any) -> str:
    """SNS e-mails come from no-reply@sns.amazonaws.com, named by the topic's display name."""
    name = getattr(topic, "display_name", "") or "AWS Notifications"
    return f"{name} <no-reply@sns.amazonaws.com>"


def confirm(topic_arn: str, token: str) -> str | None:
    """Confirm the subscription this token was sent for (its ARN), or None (unknown token)."""
    from moto.sns.models import sns_backends

    state = current()
    arn = state.sns_tokens.get(token)
    if arn is None or not arn.startswith(topic_arn + ":"):
        return None
    parts = arn.split(":")
    subscription = sns_backends[parts[4]][parts[3]].subscriptions.get(arn)
    if subscription is None:
        return None
    if _pending(subscription):
        subscription.__dict__["codecraft_pending"] = False
        subscription.confirmed = True
        subscription.attributes["PendingConfirmation"] = "false"
        subscription.attributes["ConfirmationWasAuthenticated"] = "false"
        subscription.topic.subscriptions_pending = max(0, subscription.topic.subscriptions_pending - 1)
        subscription.topic.subscriptions_confimed += 1
    return str(arn)


def _notification(subscription: Any, message: str, message_id: str, subject: str | None,
                  attributes: dict[str, Any] | None) -> None:
    state = current()
    unsubscribe = f"{state.base}/_codecraft/sns/unsubscribe?{urlencode({'SubscriptionArn': subscription.arn})}"
    if subscription.protocol == "email-json":
        data = subscription.get_post_data(message, message_id, subject, message_attributes=attributes)
        data["UnsubscribeURL"] = unsubscribe
        body = json.dumps(data, indent=2)
    else:
        body = (f"{message}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or "
                f"visit the link below to unsubscribe:\n{unsubscribe}\n\n{_FOOTER}")
    state.mailbox.add("sns", _sns_sender(subscription.topic), [subscription.endpoint],
                      subject or "AWS Notification Message", body, [unsubscribe])


def patch_sns() -> None:
    from moto.sns.models import SNSBackend, Subscription
    from moto.sns.responses import SNSResponse

    subscribe = SNSBackend.subscribe
    unsubscribe = SNSBackend.unsubscribe
    publish = Subscription.publish
    respond_subscribe = SNSResponse.subscribe

    def subscribed(self: Any, topic_arn: str, endpoint: str, protocol: str) -> Any:
        known = self._find_subscription(topic_arn, endpoint, protocol)
        subscription = subscribe(self, topic_arn, endpoint, protocol)
        if protocol in EMAIL_PROTOCOLS and (known is None or _pending(subscription)):
            if known is None:
                subscription.__dict__["codecraft_pending"] = True
                subscription.confirmed = False
                subscription.attributes["PendingConfirmation"] = "true"
                subscription.attributes["ConfirmationWasAuthenticated"] = "false"
                subscription.topic.subscriptions_pending += 1
            _send_confirmation(subscription)  # again for a pending one, as SNS does
        return subscription

    def unsubscribed(self: Any, subscription_arn: str) -> None:
        state = current()
        state.sns_tokens = {t: arn for t, arn in state.sns_tokens.items() if arn != subscription_arn}
        unsubscribe(self, subscription_arn)

    def published(self: Any, message: str, message_id: str, subject: str | None = None,
                  message_attributes: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> None:
        if self.protocol not in EMAIL_PROTOCOLS:
            return publish(self, message, message_id, subject, message_attributes, *args, **kwargs)
        if _pending(self):
            return None  # SNS delivers to confirmed subscriptions only
        matcher = getattr(self, "_filter_policy_matcher", None)
        if matcher is not None and not matcher.matches(message_attributes, message):
            return None
        structure = kwargs.get("message_structure") or (args[2] if len(args) > 2 else None)
        if structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        _notification(self, message, message_id, subject, message_attributes)
        return None

    def subscribe_answer(self: Any) -> Any:
        """Subscribe answers "pending confirmation" for an unconfirmed subscription unless
        ReturnSubscriptionArn is true (SNS API reference, Subscribe)."""
        from moto.core.responses import ActionResult

        result = respond_subscribe(self)
        protocol = self._get_param("Protocol")
        returned = str(self._get_param("ReturnSubscriptionArn") or "false").lower() == "true"
        if protocol in EMAIL_PROTOCOLS and not returned:
            found = self.backend._find_subscription(self._get_param("TopicArn"), self._get_param("Endpoint"), protocol)
            if found is not None and _pending(found):
                return ActionResult({"SubscriptionArn": "pending confirmation"})
        return result

    def confirm_answer(self: Any) -> Any:
        from moto.core.responses import ActionResult
        from moto.sns.exceptions import SNSInvalidParameter, SNSNotFoundError

        topic_arn = self._get_param("TopicArn")
        if topic_arn not in self.backend.topics:
            raise SNSNotFoundError("Topic does not exist")
        arn = confirm(topic_arn, self._get_param("Token") or "")
        if arn is None:
            raise SNSInvalidParameter("Invalid token")
        return ActionResult({"SubscriptionArn": arn})

    patch(SNSBackend, "subscribe", subscribed)
    patch(SNSBackend, "unsubscribe", unsubscribed)
    patch(Subscription, "publish", published)
    # listed as "PendingConfirmation" until confirmed (ListSubscriptions, ListSubscriptionsByTopic)
    patch(Subscription, "SubscriptionArn", property(
        lambda self: "PendingConfirmation" if _pending(self) else self.arn))
    patch(SNSResponse, "subscribe", subscribe_answer)
    patch(SNSResponse, "confirm_subscription", confirm_answer)




def unsubscribe(arn: str) -> None:
    """The unsubscribe link of a notification: the subscription is deleted."""
    from moto.sns.models import sns_backends

    parts = arn.split(":")
    if len(parts) == 7:
        sns_backends[parts[4]][parts[3]].unsubscribe(arn)
