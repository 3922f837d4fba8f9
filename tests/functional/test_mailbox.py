"""E-mail on the emulator, with moto in-process: SES's sandbox and identity verification, SNS's
e-mail subscriptions and their confirmation, the mailbox and its links.

Expectations come from AWS: SES Developer Guide "Request production access (Moving out of the
Amazon SES sandbox)" and "Creating an email address identity" (sender and recipients verified in
the sandbox; an address is Pending until the link of its verification e-mail is followed; the
MessageRejected text "Email address is not verified. The following identities failed the check
in region ..."), SES API reference GetIdentityVerificationAttributes / SES v2 GetEmailIdentity
(Pending/Success, PENDING/SUCCESS), SNS API reference Subscribe ("pending confirmation" unless
ReturnSubscriptionArn), ListSubscriptionsByTopic ("PendingConfirmation"), ConfirmSubscription
(InvalidParameter for a bad token), SNS Developer Guide "Email notifications" (only confirmed
subscriptions receive; default subject "AWS Notification Message").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from werkzeug.test import Client

from codecraft_cli.local.mail_routes import MailRoutes, install, uninstall
from codecraft_cli.local.mailbox import MailState, select

REGION = "us-east-1"


class Env:
    def __init__(self, state: MailState) -> None:
        self.state = state
        self.ses = boto3.client("ses", region_name=REGION)
        self.v2 = boto3.client("sesv2", region_name=REGION)
        self.sns = boto3.client("sns", region_name=REGION)
        self.web = Client(MailRoutes(_empty_app, state))

    def mail(self, **filters: Any) -> list[dict[str, Any]]:
        return select(self.state.mailbox.messages(), **filters)

    def click(self, url: str) -> tuple[int, str]:
        parts = urlsplit(url)
        answer = self.web.get(parts.path, query_string=parts.query)
        return answer.status_code, answer.get_data(as_text=True)

    def verify(self, address: str) -> None:
        self.ses.verify_email_identity(EmailAddress=address)
        (message,) = self.mail(to=address, kind="verification")[-1:]
        assert self.click(message["links"][0])[0] == 200


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    for key, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_DEFAULT_REGION": REGION}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    state = install(tmp_path / "mail")
    state.base = "http://127.0.0.1:9"
    try:
        with mock_aws():
            yield Env(state)
    finally:
        uninstall()


def _send(env: Env, source: str, to: str, subject: str = "Order 42", body: str = "Your order 42") -> Any:
    return env.ses.send_email(Source=source, Destination={"ToAddresses": [to]},
                              Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": body}}})


def _rejected(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


# -- SES ------------------------------------------------------------------------------------
def test_a_new_address_is_pending_until_its_link_is_followed(env: Env) -> None:
    env.ses.verify_email_identity(EmailAddress="orders@example.com")
    status = env.ses.get_identity_verification_attributes(Identities=["orders@example.com"])["VerificationAttributes"]
    assert status["orders@example.com"]["VerificationStatus"] == "Pending"
    (message,) = env.mail(to="orders@example.com")
    assert message["kind"] == "verification" and "Email Address Verification Request" in message["subject"]
    assert message["links"] and message["links"][0] in message["body"]

    code, page = env.click(message["links"][0])

    assert code == 200 and "successfully verified" in page
    status = env.ses.get_identity_verification_attributes(Identities=["orders@example.com"])["VerificationAttributes"]
    assert status["orders@example.com"]["VerificationStatus"] == "Success"
    assert env.click(message["links"][0])[0] == 400  # a link verifies once


def test_ses_v2_identity_is_pending_then_verified(env: Env) -> None:
    env.v2.create_email_identity(EmailIdentity="student@example.com")
    got = env.v2.get_email_identity(EmailIdentity="student@example.com")
    assert (got["VerificationStatus"], got["VerifiedForSendingStatus"]) == ("PENDING", False)
    (message,) = env.mail(to="student@example.com", kind="verification")
    env.click(message["links"][0])
    got = env.v2.get_email_identity(EmailIdentity="student@example.com")
    assert (got["VerificationStatus"], got["VerifiedForSendingStatus"]) == ("SUCCESS", True)


def test_sandbox_rejects_an_unverified_sender_and_recipient_naming_both(env: Env) -> None:
    env.ses.verify_email_identity(EmailAddress="orders@example.com")  # pending: not verified yet
    with pytest.raises(ClientError) as exc:
        _send(env, "orders@example.com", "student@example.com")
    assert _rejected(exc) == ("MessageRejected", "Email address is not verified. The following identities failed "
                              "the check in region US-EAST-1: orders@example.com, student@example.com")
    assert env.mail(kind="ses") == []


def test_sandbox_rejects_an_unverified_recipient_of_a_verified_sender(env: Env) -> None:
    env.verify("orders@example.com")
    with pytest.raises(ClientError) as exc:
        env.v2.send_email(FromEmailAddress="orders@example.com", Destination={"ToAddresses": ["nobody@example.com"]},
                          Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}})
    assert _rejected(exc)[0] == "MessageRejected" and _rejected(exc)[1].endswith(": nobody@example.com")


def test_verified_sender_and_recipient_deliver_to_the_mailbox(env: Env) -> None:
    env.verify("orders@example.com")
    env.verify("student@example.com")
    _send(env, "orders@example.com", "student@example.com", "Order confirmation 42", "Thank you for order 42")
    env.v2.send_email(FromEmailAddress="orders@example.com", Destination={"ToAddresses": ["student@example.com"]},
                      Content={"Simple": {"Subject": {"Data": "v2"}, "Body": {"Text": {"Data": "via SES v2"}}}})
    sent = env.mail(to="student@example.com", kind="ses")
    assert [(m["from"], m["subject"], m["body"]) for m in sent] == [
        ("orders@example.com", "Order confirmation 42", "Thank you for order 42"),
        ("orders@example.com", "v2", "via SES v2")]


def test_the_mailbox_simulator_is_allowed_in_the_sandbox(env: Env) -> None:
    env.verify("orders@example.com")
    _send(env, "orders@example.com", "success@simulator.amazonses.com")


def test_raw_email_checks_the_header_recipients_and_keeps_the_text_part(env: Env) -> None:
    env.verify("orders@example.com")
    raw = ("From: orders@example.com\r\nTo: student@example.com\r\nSubject: Raw 7\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nRaw body 7\r\n")
    with pytest.raises(ClientError) as exc:
        env.ses.send_raw_email(RawMessage={"Data": raw})
    assert _rejected(exc)[1].endswith(": student@example.com")
    env.verify("student@example.com")
    env.ses.send_raw_email(RawMessage={"Data": raw})
    (message,) = env.mail(kind="ses")
    assert (message["to"], message["subject"], message["body"].strip()) == (["student@example.com"], "Raw 7", "Raw body 7")


def test_templated_email_is_rendered(env: Env) -> None:
    env.verify("orders@example.com")
    env.verify("student@example.com")
    env.ses.create_template(Template={"TemplateName": "T", "SubjectPart": "Order {{id}}",
                                      "TextPart": "Order {{id}} confirmed", "HtmlPart": "<p>{{id}}</p>"})
    env.ses.send_templated_email(Source="orders@example.com", Destination={"ToAddresses": ["student@example.com"]},
                                 Template="T", TemplateData=json.dumps({"id": "99"}))
    (message,) = env.mail(kind="ses")
    assert message["subject"] == "Order 99" and "Order 99 confirmed" in message["body"]


# -- SNS ------------------------------------------------------------------------------------
def test_email_subscription_is_pending_and_receives_nothing_until_confirmed(env: Env) -> None:
    topic = env.sns.create_topic(Name="OrderNotifications")["TopicArn"]
    answer = env.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="student@example.com")
    assert answer["SubscriptionArn"] == "pending confirmation"
    (listed,) = env.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == "PendingConfirmation"
    arn = env.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="student@example.com",
                            ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert env.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "true"

    env.sns.publish(TopicArn=topic, Message="before")
    assert env.mail(kind="sns") == []
    confirmations = env.mail(to="student@example.com", kind="confirmation")
    assert len(confirmations) == 2  # subscribing again sends the confirmation again
    assert confirmations[-1]["subject"] == "AWS Notification - Subscription Confirmation"
    assert topic in confirmations[-1]["body"]

    code, page = env.click(confirmations[-1]["links"][0])

    assert code == 200 and arn in page
    (listed,) = env.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == arn
    env.sns.publish(TopicArn=topic, Message="Order 42 received")
    env.sns.publish(TopicArn=topic, Message="Order 43 received", Subject="New order")
    sent = env.mail(kind="sns")
    assert [(m["to"], m["subject"]) for m in sent] == [(["student@example.com"], "AWS Notification Message"),
                                                       (["student@example.com"], "New order")]
    assert sent[0]["body"].startswith("Order 42 received") and "unsubscribe" in sent[0]["body"]


def test_confirm_subscription_api_needs_the_token(env: Env) -> None:
    topic = env.sns.create_topic(Name="T")["TopicArn"]
    env.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    with pytest.raises(ClientError) as exc:
        env.sns.confirm_subscription(TopicArn=topic, Token="not-the-token")
    assert exc.value.response["Error"]["Code"] == "InvalidParameter"
    token = [t for t, arn in env.state.sns_tokens.items() if arn.startswith(topic)][0]
    arn = env.sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    assert env.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "false"


def test_email_json_and_filter_policy(env: Env) -> None:
    topic = env.sns.create_topic(Name="T")["TopicArn"]
    env.sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="ops@example.com",
                      Attributes={"FilterPolicy": json.dumps({"kind": ["alarm"]})})
    (confirmation,) = env.mail(kind="confirmation")
    document = json.loads(confirmation["body"])
    assert document["Type"] == "SubscriptionConfirmation" and document["SubscribeURL"] == confirmation["links"][0]
    env.click(document["SubscribeURL"])
    env.sns.publish(TopicArn=topic, Message="ignored", MessageAttributes={"kind": {"DataType": "String",
                                                                                 "StringValue": "order"}})
    env.sns.publish(TopicArn=topic, Message="fired", MessageAttributes={"kind": {"DataType": "String",
                                                                               "StringValue": "alarm"}})
    (message,) = env.mail(kind="sns")
    body = json.loads(message["body"])
    assert (body["Type"], body["Message"], body["TopicArn"]) == ("Notification", "fired", topic)


def test_unsubscribe_link_removes_the_subscription(env: Env) -> None:
    topic = env.sns.create_topic(Name="T")["TopicArn"]
    env.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    env.click(env.mail(kind="confirmation")[0]["links"][0])
    env.sns.publish(TopicArn=topic, Message="hello")
    (message,) = env.mail(kind="sns")
    assert env.click(message["links"][0])[0] == 200
    assert env.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def _empty_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return [b""]


# -- the mailbox itself -----------------------------------------------------------------------
def test_mailbox_select_and_routes(tmp_path: Path) -> None:
    box = install(tmp_path / "mail").mailbox
    uninstall()  # the routes read the mailbox given, the moto patches are not needed
    box.add("ses", "a@example.com", ["B@example.com"], "one", "1")
    box.add("sns", "a@example.com", ["c@example.com"], "two", "2")
    box.add("ses", "a@example.com", ["b@example.com", "c@example.com"], "three", "3")
    assert [m["subject"] for m in select(box.messages(), to="b@EXAMPLE.com")] == ["one", "three"]
    assert [m["subject"] for m in select(box.messages(), kind="ses", limit=1)] == ["three"]
    web = Client(MailRoutes(_empty_app, MailState(box)))
    assert [m["subject"] for m in web.get("/_codecraft/mail").get_json()["messages"]] == ["one", "two", "three"]
    assert web.get("/_codecraft/health").get_data() == b""  # the gateway's own routes pass through


def test_uninstall_gives_moto_its_own_behaviour_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.ses.models import SESBackend

    original = SESBackend.send_email
    install(tmp_path / "mail")
    assert SESBackend.send_email is not original
    uninstall()
    assert SESBackend.send_email is original


def test_sending_needs_the_action_on_the_sender_and_each_recipient_identity() -> None:
    """Service Authorization Reference, Amazon SES: SendEmail's resource is the identity; in the
    sandbox AWS's AccessDenied names identity/<recipient> too."""
    from codecraft_cli.local.iam.actions import Where, targets

    where = Where("us-east-1", "123456789012")
    found = targets("ses", "SendEmail", {"Source": "Shop <orders@example.com>", "Destination": {
        "ToAddresses": ["student@example.com"], "BccAddresses": ["orders@example.com"]}}, where)
    assert [(t.action, t.resource) for t in found] == [
        ("ses:SendEmail", "arn:aws:ses:us-east-1:123456789012:identity/orders@example.com"),
        ("ses:SendEmail", "arn:aws:ses:us-east-1:123456789012:identity/student@example.com")]
    raw = targets("ses", "SendRawEmail", {"Source": "orders@example.com", "Destinations": ["a@example.com"]}, where)
    assert [t.resource.rsplit("/", 1)[1] for t in raw] == ["orders@example.com", "a@example.com"]
    assert [(t.action, t.resource) for t in targets("ses", "ListIdentities", {}, where)] == [("ses:ListIdentities", "*")]


# -- the `mail` check -------------------------------------------------------------------------
def test_mail_check_matches_text_subject_and_time() -> None:
    from codecraft_cli.engine.probes_mail import matching

    messages = [{"time": "2026-11-29T10:00:00.000Z", "subject": "Order confirmation 1", "body": "order 1"},
                {"time": "2026-11-29T10:00:05.250Z", "subject": "Order confirmation 2", "body": "order 2 shipped"}]
    assert matching(messages, {"contains": "order"}) == messages[1]  # the newest first
    assert matching(messages, {"contains": "confirmation 1"}) == messages[0]  # the subject counts
    assert matching(messages, {"contains": "order", "subject_contains": "1"}) == messages[0]
    start_of_second = 1795946405250  # 2026-11-29T10:00:05.250Z
    assert matching(messages, {"contains": "order 1"}, since_ms=start_of_second) is None
    assert matching(messages, {"contains": "shipped"}, since_ms=start_of_second) == messages[1]
    assert matching(messages, {"contains": "refund"}) is None


def test_mail_check_on_aws_fails_saying_where_the_mail_is() -> None:
    from types import SimpleNamespace

    from codecraft_cli.engine.probes import PROBES

    state = SimpleNamespace(ctx=SimpleNamespace(is_local=False))
    # a verification or confirmation e-mail: AWS counts none of them (SES and SNS e-mail are judged
    # on AWS's evidence instead: tests/functional/test_mail_on_aws.py)
    ok, detail = PROBES["mail"].run(state, {"contains": "12345", "to": "student@example.com",  # type: ignore[arg-type]
                                            "kind": "confirmation"})
    assert not ok and "student@example.com" in detail and "inbox" in detail
