"""ses.identity, and sns.subscription with protocol email: their requests and how verify judges them.

From AWS: SES v2 API reference CreateEmailIdentity (EmailIdentity, Tags), GetEmailIdentity
(VerificationStatus PENDING|SUCCESS), DeleteEmailIdentity (NotFoundException); botocore's SES
waiter ``identity_exists`` (GetIdentityVerificationAttributes until every VerificationStatus is
"Success"); SES Developer Guide "Creating an email address identity" (Pending until the link of
the verification e-mail is followed; VerifyEmailIdentity sends that e-mail again) and "Request
production access" (the sandbox: mail only from and to verified addresses); SNS API reference
ListSubscriptionsByTopic (an unconfirmed subscription is listed as "PendingConfirmation").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed

from .stubs import REGION, Harness, steps, stubbed

YAML = """
id: mail-test
title: {fr: "Courrier", en: "Mail"}
requires: []
services: [sns, ses]
steps:
  - id: mail
    title: {fr: "Identités", en: "Identities"}
    console: {fr: "SES › Identités", en: "SES › Identities"}
    resources:
      - id: sender
        type: ses.identity
        properties: {email: orders@example.com}
      - id: topic
        type: sns.topic
        name: MailTopic
      - id: sub
        type: sns.subscription
        properties: {topic: "${topic.arn}", protocol: email, endpoint: student@example.com}
"""
TOPIC = f"arn:aws:sns:{REGION}:111122223333:MailTopic"


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    path = tmp_path / "mail-test.yaml"
    path.write_text(YAML, encoding="utf-8")
    with stubbed(str(path), {"topic": {"name": "MailTopic", "arn": TOPIC}}, monkeypatch, tmp_path) as harness:
        for service in ("ses", "sesv2"):  # the harness stubs the workshops' services; SES is this type's
            client = boto3.client(service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
            harness.ctx.clients._clients[service] = client
            harness.stubbers[service] = Stubber(client)
            harness.stubbers[service].activate()
        yield harness


def test_setup_on_aws_creates_the_identity_tagged_and_waits_for_the_click(mail: Harness) -> None:
    _, _, _, calls = mail.plan("sender")
    assert steps(calls) == ["create_email_identity", "wait:identity_exists"]
    mail.stub("sesv2").add_response("create_email_identity", {"IdentityType": "EMAIL_ADDRESS",
                                                              "VerifiedForSendingStatus": False}, {
        "EmailIdentity": "orders@example.com",
        "Tags": [{"Key": k, "Value": v} for k, v in mail.ctx.tags.items()]})
    for status in ("Pending", "Success"):  # the teacher clicks the link in the real inbox meanwhile
        mail.stub("ses").add_response("get_identity_verification_attributes", {
            "VerificationAttributes": {"orders@example.com": {"VerificationStatus": status}}},
            {"Identities": ["orders@example.com"]})

    mail.executor().run(calls)

    mail.assert_done()


def test_a_pending_identity_gets_its_verification_email_again(mail: Harness) -> None:
    _, _, _, calls = mail.plan("sender", Observed(True, {"verified": False}))
    assert steps(calls) == ["verify_email_identity", "wait:identity_exists"]
    assert calls[0].params == {"EmailAddress": "orders@example.com"}
    assert mail.plan("sender", Observed(True, {"verified": True}))[3] == []


def test_observe_reads_the_status_and_tags(mail: Harness) -> None:
    handler, res, props, _ = mail.plan("sender")
    mail.stub("sesv2").add_response("get_email_identity", {
        "IdentityType": "EMAIL_ADDRESS", "VerificationStatus": "PENDING", "VerifiedForSendingStatus": False,
        "Tags": [{"Key": "codecraft:workshop", "Value": "mail-test"}]}, {"EmailIdentity": "orders@example.com"})
    observed = handler.observe(mail.ctx, res, props)
    assert (observed.exists, observed.attrs, observed.tags) == (True, {"verified": False},
                                                                {"codecraft:workshop": "mail-test"})
    mail.stub("sesv2").add_client_error("get_email_identity", "NotFoundException", http_status_code=404)
    assert handler.observe(mail.ctx, res, props).exists is False


def test_verify_fails_a_pending_identity_with_the_console_fix(mail: Harness) -> None:
    handler, res, props, _ = mail.plan("sender")
    (pending,) = handler.check(mail.ctx, res, props, Observed(True, {"verified": False}))
    assert handler.requires(res, pending) and "orders@example.com" in pending.fix and "Verified" in pending.fix
    assert handler.check(mail.ctx, res, props, Observed(True, {"verified": True})) == []


def test_teardown_deletes_the_identity_and_gone_is_fine(mail: Harness) -> None:
    handler = handler_for("ses.identity")
    (call,) = handler.plan_delete({"outputs": {"email": "orders@example.com", "arn": "a"}})
    assert isinstance(call, Call)
    assert (call.service, call.method, dict(call.params), call.gone_ok) == (
        "sesv2", "delete_email_identity", {"EmailIdentity": "orders@example.com"}, ("NotFoundException",))


def test_sweep_lists_the_identities_with_their_tags(mail: Harness) -> None:
    handler = handler_for("ses.identity")
    mail.stub("sesv2").add_response("list_email_identities", {"EmailIdentities": [
        {"IdentityType": "EMAIL_ADDRESS", "IdentityName": "orders@example.com"}]}, {"PageSize": 1000})
    mail.stub("sesv2").add_response("get_email_identity", {"Tags": [{"Key": "codecraft:deployment", "Value": "d"}]},
                                    {"EmailIdentity": "orders@example.com"})
    arn = f"arn:aws:ses:{REGION}:111122223333:identity/orders@example.com"
    assert handler.list_tagged(mail.ctx) == [(arn, {"codecraft:deployment": "d"},
                                              {"email": "orders@example.com", "arn": arn})]
    assert handler.from_arn(mail.ctx, "identity/orders@example.com", arn) == {"email": "orders@example.com",
                                                                               "arn": arn}


def test_an_address_ses_refuses_is_refused_when_the_file_loads() -> None:
    from codecraft_cli.workshop.model import ResourceSpec

    handler = handler_for("ses.identity")
    bad = ResourceSpec(id="x", type="ses.identity", step="s", properties={"email": "not-an-address"})
    good = ResourceSpec(id="x", type="ses.identity", step="s", properties={"email": "orders@example.com"})
    assert handler.validate(bad) and handler.validate(good) == []


# --- sns.subscription, protocol email ---
def _listing(arn: str) -> dict[str, Any]:
    return {"Subscriptions": [{"SubscriptionArn": arn, "Owner": "111122223333", "Protocol": "email",
                               "Endpoint": "student@example.com", "TopicArn": TOPIC}]}


def test_a_pending_email_subscription_is_observed_and_failed_with_the_fix(mail: Harness) -> None:
    handler, res, props, _ = mail.plan("sub")
    mail.stub("sns").add_response("list_subscriptions_by_topic", _listing("PendingConfirmation"), {"TopicArn": TOPIC})
    observed = handler.observe(mail.ctx, res, props)  # no GetSubscriptionAttributes: it has no ARN to give
    mail.assert_done()
    assert observed.exists and observed.attrs["pending"]
    (pending,) = handler.check(mail.ctx, res, props, observed)
    assert handler.requires(res, pending) and "Confirm subscription" in pending.fix
    (again,) = handler.plan(mail.ctx, res, props, observed)  # the confirmation e-mail is sent again
    assert isinstance(again, Call)
    assert (again.method, again.params["Protocol"], again.params["Endpoint"]) == ("subscribe", "email",
                                                                                  "student@example.com")


def test_a_confirmed_email_subscription_passes(mail: Harness) -> None:
    handler, res, props, _ = mail.plan("sub")
    arn = TOPIC + ":0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    mail.stub("sns").add_response("list_subscriptions_by_topic", _listing(arn), {"TopicArn": TOPIC})
    mail.stub("sns").add_response("get_subscription_attributes", {"Attributes": {"PendingConfirmation": "false"}},
                                  {"SubscriptionArn": arn})
    observed = handler.observe(mail.ctx, res, props)
    assert handler.check(mail.ctx, res, props, observed) == []
    assert handler.plan(mail.ctx, res, props, observed) == []


def test_on_aws_the_wait_says_to_click_the_link_and_its_timeout_is_exit_3_with_that_hint(
        mail: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.exceptions import WaiterError

    from codecraft_cli.errors import AwsFailure

    _, _, _, calls = mail.plan("sender", Observed(True, {"verified": False}))
    wait = calls[-1]
    mail.stub("ses").add_response("verify_email_identity", {}, {"EmailAddress": "orders@example.com"})

    class Expired:
        def wait(self, **kwargs: Any) -> None:
            raise WaiterError("IdentityExists", "Max attempts exceeded", {})

    monkeypatch.setattr(mail.ctx.client("ses"), "get_waiter", lambda name: Expired())
    said: list[str] = []
    executor = mail.executor()
    executor.notify = said.append
    with pytest.raises(AwsFailure) as failure:
        executor.run(calls)
    assert failure.value.exit_code == 3
    assert said == [failure.value.hint] and "orders@example.com" in said[0] and "link" in said[0]
    assert getattr(wait, "says", "") == said[0]
