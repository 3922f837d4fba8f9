"""End to end: e-mail on the embedded emulator — SES identities verified through their links,
the sandbox, SNS e-mail subscriptions confirmed through theirs, `inspect mail`, the `mail`
check, and a teardown that leaves nothing.

AWS's rules under test: SES Developer Guide "Request production access (Moving out of the Amazon
SES sandbox)" (sender and recipients verified, else MessageRejected "Email address is not
verified. The following identities failed the check in region ..."), "Creating an email address
identity" (Pending until the link is followed); SNS API reference Subscribe/ConfirmSubscription
and SNS Developer Guide "Email notifications" (only confirmed subscriptions receive).
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import Cli, aws

pytestmark = pytest.mark.e2e

YAML = """
id: mail-e2e
title: {fr: "Courrier de bout en bout", en: "Mail end to end"}
requires: []
services: [sns, ses]
steps:
  - id: mail
    title: {fr: "Identités SES et abonnement e-mail", en: "SES identities and an e-mail subscription"}
    console: {fr: "SES › Identités ; SNS › Abonnements", en: "SES › Identities; SNS › Subscriptions"}
    resources:
      - id: sender
        type: ses.identity
        properties: {email: orders@example.com}
      - id: recipient
        type: ses.identity
        properties: {email: student@example.com}
      - id: topic
        type: sns.topic
        name: MailNotifications
      - id: subscription
        type: sns.subscription
        properties: {topic: "${topic.arn}", protocol: email, endpoint: student@example.com}
    checks:
      - id: confirmation_received
        type: mail
        title: {fr: "E-mail de confirmation reçu", en: "Confirmation e-mail received"}
        params: {contains: "You have chosen to subscribe", to: student@example.com, kind: confirmation}
"""


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("mail") / "mail-e2e.yaml"
    path.write_text(YAML, encoding="utf-8")
    return str(path)


def _mail(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return list(cli.json("inspect", "mail", *args)["messages"])


def test_setup_verifies_and_confirms_through_the_links(cli: Cli, emulator: dict[str, Any], workshop: str) -> None:
    proc = cli("setup", workshop, "--yes", timeout=300)
    assert proc.returncode == 0, proc.stderr

    ses = aws(emulator, "ses")
    status = ses.get_identity_verification_attributes(
        Identities=["orders@example.com", "student@example.com"])["VerificationAttributes"]
    assert {k: v["VerificationStatus"] for k, v in status.items()} == {"orders@example.com": "Success",
                                                                       "student@example.com": "Success"}
    (sub,) = aws(emulator, "sns").list_subscriptions()["Subscriptions"]
    assert sub["Protocol"] == "email" and sub["SubscriptionArn"].startswith("arn:aws:sns:")
    kinds = [(m["kind"], m["to"]) for m in _mail(cli)]
    assert kinds == [("verification", ["orders@example.com"]), ("verification", ["student@example.com"]),
                     ("confirmation", ["student@example.com"])] or sorted(kinds) == sorted(
        [("verification", ["orders@example.com"]), ("verification", ["student@example.com"]),
         ("confirmation", ["student@example.com"])])

    report = cli.json("verify", workshop)
    assert report["passed"] == report["total"] == len(report["checks"]) == 5, report
    assert any("received 'AWS Notification - Subscription Confirmation'" in c["detail"] for c in report["checks"])


def test_sandbox_and_delivery_reach_inspect_mail(cli: Cli, emulator: dict[str, Any], workshop: str) -> None:
    ses = aws(emulator, "ses")
    message = {"Subject": {"Data": "Order 12345 confirmed"}, "Body": {"Text": {"Data": "Thank you for order 12345"}}}
    with pytest.raises(ClientError) as exc:
        ses.send_email(Source="orders@example.com", Destination={"ToAddresses": ["unverified@example.com"]},
                       Message=message)
    assert exc.value.response["Error"]["Code"] == "MessageRejected"
    assert exc.value.response["Error"]["Message"] == ("Email address is not verified. The following identities "
                                                      "failed the check in region US-EAST-1: unverified@example.com")
    ses.send_email(Source="orders@example.com", Destination={"ToAddresses": ["student@example.com"]}, Message=message)
    topic = aws(emulator, "sns").list_topics()["Topics"][0]["TopicArn"]
    aws(emulator, "sns").publish(TopicArn=topic, Message="Order 12345 received", Subject="New order")

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(_mail(cli, "--to", "student@example.com")) < 4:
        time.sleep(0.2)
    mine = _mail(cli, "--to", "student@example.com", "--limit", "2")
    assert [(m["kind"], m["subject"]) for m in mine] == [("ses", "Order 12345 confirmed"), ("sns", "New order")]
    assert mine[0]["from"] == "orders@example.com" and "12345" in mine[0]["body"]
    assert _mail(cli, "--to", "unverified@example.com") == []

    text = cli("inspect", "mail", "--to", "student@example.com", "--limit", "1")
    assert text.returncode == 0 and "New order" in text.stderr + text.stdout


def test_a_pending_subscription_fails_verify_and_receives_nothing(cli: Cli, emulator: dict[str, Any],
                                                                  workshop: str) -> None:
    sns = aws(emulator, "sns")
    topic = sns.list_topics()["Topics"][0]["TopicArn"]
    answer = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="late@example.com")
    assert answer["SubscriptionArn"] == "pending confirmation"
    sns.publish(TopicArn=topic, Message="not for late")
    time.sleep(0.5)
    assert [m["kind"] for m in _mail(cli, "--to", "late@example.com")] == ["confirmation"]
    link = _mail(cli, "--to", "late@example.com")[0]["links"][0]
    with urllib.request.urlopen(link, timeout=10) as page:
        assert page.status == 200 and b"Subscription confirmed" in page.read()
    sns.publish(TopicArn=topic, Message="now for late")
    time.sleep(0.5)
    assert [m["kind"] for m in _mail(cli, "--to", "late@example.com")] == ["confirmation", "sns"]


def test_a_role_sends_only_from_and_to_the_identities_its_policy_names(emulator: dict[str, Any]) -> None:
    """A function's role needs ses:SendEmail on the sender's identity and, in the sandbox, on each
    recipient's (Service Authorization Reference, Amazon SES); AWS answers AccessDenied naming it."""
    iam = aws(emulator, "iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "lambda.amazonaws.com"}}]}
    role = iam.create_role(RoleName="MailSender", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    identity = "arn:aws:ses:us-east-1:123456789012:identity/"

    def allow(*addresses: str) -> None:
        iam.put_role_policy(RoleName="MailSender", PolicyName="send", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail",
                                                    "Resource": [identity + a for a in addresses]}]}))

    allow("orders@example.com")
    keys = aws(emulator, "sts").assume_role(RoleArn=role, RoleSessionName="mail")["Credentials"]
    import boto3

    ses = boto3.client("ses", endpoint_url=emulator["endpoint"], region_name="us-east-1",
                       aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                       aws_session_token=keys["SessionToken"])
    message = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}
    try:
        with pytest.raises(ClientError) as exc:
            ses.send_email(Source="orders@example.com", Destination={"ToAddresses": ["student@example.com"]},
                           Message=message)
        assert exc.value.response["Error"]["Code"] == "AccessDenied"
        assert "ses:SendEmail on resource: " + identity + "student@example.com" in exc.value.response["Error"]["Message"]
        v2 = boto3.client("sesv2", endpoint_url=emulator["endpoint"], region_name="us-east-1",
                          aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                          aws_session_token=keys["SessionToken"])
        content = {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}
        with pytest.raises(ClientError) as exc:  # the same through SES v2
            v2.send_email(FromEmailAddress="orders@example.com", Destination={"ToAddresses": ["student@example.com"]},
                          Content=content)
        assert "ses:SendEmail on resource: " + identity + "student@example.com" in str(exc.value)
        allow("orders@example.com", "student@example.com")
        ses.send_email(Source="orders@example.com", Destination={"ToAddresses": ["student@example.com"]},
                       Message=message)
        v2.send_email(FromEmailAddress="orders@example.com", Destination={"ToAddresses": ["student@example.com"]},
                      Content=content)
    finally:
        iam.delete_role_policy(RoleName="MailSender", PolicyName="send")
        iam.delete_role(RoleName="MailSender")


def test_inspect_mail_on_aws_is_bad_input(cli: Cli) -> None:
    proc = cli("--target", "aws", "--region", "us-east-1", "inspect", "mail")
    assert proc.returncode == 2 and "inbox" in proc.stderr


def test_teardown_leaves_no_identity_nor_subscription(cli: Cli, emulator: dict[str, Any], workshop: str) -> None:
    sns = aws(emulator, "sns")
    for sub in sns.list_subscriptions()["Subscriptions"]:  # the hand-made one of the test above
        if sub["Endpoint"] == "late@example.com":
            sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
    proc = cli("teardown", "--all", "--yes", timeout=300)  # `teardown <id>` knows workshops/ only
    assert proc.returncode == 0, proc.stderr
    assert aws(emulator, "sesv2").list_email_identities()["EmailIdentities"] == []
    assert sns.list_subscriptions()["Subscriptions"] == [] and sns.list_topics()["Topics"] == []
    assert json.loads(json.dumps(cli.json("status")))["deployments"] == []
    assert Path(workshop).exists()
