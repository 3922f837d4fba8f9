"""The ``mail`` check on --target aws judges AWS's own evidence, pinned with botocore's Stubber
(requests and answers validated against botocore's models of SES, SNS and CloudWatch).

- SES GetSendStatistics: "a list of data points, representing the last two weeks of sending
  activity. Each data point in the list contains statistics for a 15-minute period"
  (DeliveryAttempts, Bounces, Complaints, Rejects; SES API reference, GetSendStatistics and
  SendDataPoint).
- SNS: an e-mail subscription is "PendingConfirmation" until its link is clicked (ListSubscriptions);
  CloudWatch AWS/SNS NumberOfNotificationsDelivered / NumberOfNotificationsFailed, dimension
  TopicName, statistic Sum ("Monitoring Amazon SNS topics using CloudWatch", SNS Developer Guide).
Before, the check always failed on AWS ("codecraft cannot read a real inbox").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine import probes_mail  # noqa: F401  registers the mail check
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.email_choice import Email
from codecraft_cli.engine.probes import RunState, run_probe
from codecraft_cli.workshop import load_workshop

REGION, ACCOUNT, MINE = "eu-west-3", "111122223333", "me@school.fr"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:OrderNotifications"
NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture(autouse=True)
def _now() -> None:
    """Each test's data points are dated from its own start (a run's window begins when it starts:
    a time taken when the module was imported is minutes old by the end of a long suite)."""
    global NOW
    NOW = dt.datetime.now(dt.timezone.utc)


@dataclass
class Aws:
    state: RunState
    stubs: dict[str, Stubber]
    sleeps: list[float] = field(default_factory=list)

    def check(self, check_id: str, **extra: Any) -> tuple[bool, str]:
        (spec,) = [c for c in self.state.ctx.workshop.checks if c.id == check_id]
        if extra:
            from dataclasses import replace

            spec = replace(spec, params={**spec.params, **extra})
        return run_probe(self.state, spec)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Aws]:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    target = Target("aws", REGION)
    clients = Clients(target)
    clients._account_id = ACCOUNT
    stubs = {}
    for service in ("ses", "sns", "cloudwatch"):
        client = boto3.client(service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
        clients._clients[service] = client
        stubs[service] = Stubber(client)
        stubs[service].activate()
    w = Email(MINE).workshop(load_workshop("anycompany-challenge"))
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    ctx = DeployContext(w, target, clients, sleep=sleep, clock=lambda: clock[0])
    harness = Aws(RunState(ctx, {}), stubs, sleeps)
    yield harness
    for stub in stubs.values():
        stub.assert_no_pending_responses()
        stub.deactivate()


def _point(when: dt.datetime, attempts: int, bounces: int = 0, rejects: int = 0) -> dict[str, Any]:
    return {"Timestamp": when, "DeliveryAttempts": attempts, "Bounces": bounces, "Complaints": 0, "Rejects": rejects}


def _subscription(arn: str, endpoint: str = MINE, protocol: str = "email") -> dict[str, Any]:
    return {"SubscriptionArn": arn, "Owner": ACCOUNT, "Protocol": protocol, "Endpoint": endpoint, "TopicArn": TOPIC}


def _metric(stub: Stubber, name: str, total: float | None) -> None:
    points = [] if total is None else [{"Timestamp": NOW, "Sum": total, "Unit": "Count"}]
    stub.add_response("get_metric_statistics", {"Label": name, "Datapoints": points}, {
        "Namespace": "AWS/SNS", "MetricName": name, "Dimensions": [{"Name": "TopicName", "Value": "OrderNotifications"}],
        "StartTime": ANY, "EndTime": ANY, "Period": 60, "Statistics": ["Sum"]})


# --- SES: GetSendStatistics -------------------------------------------------------------------

def test_ses_delivery_attempts_since_the_run_started_pass_and_say_which_inbox_to_open(aws: Aws) -> None:
    aws.stubs["ses"].add_response("get_send_statistics", {"SendDataPoints": [
        _point(NOW - dt.timedelta(days=2), 7), _point(NOW - dt.timedelta(minutes=3), 1)]}, {})
    ok, detail = aws.check("confirmation_received")
    assert ok, detail
    assert "1 delivery attempts" in detail and f"{MINE}'s inbox" in detail and aws.state.probe in detail
    assert aws.sleeps == []


def test_ses_statistics_are_polled_until_the_sending_shows(aws: Aws) -> None:
    ses = aws.stubs["ses"]
    ses.add_response("get_send_statistics", {"SendDataPoints": [_point(NOW - dt.timedelta(days=1), 3)]}, {})
    ses.add_response("get_send_statistics", {"SendDataPoints": [_point(NOW - dt.timedelta(days=1), 3),
                                                                _point(NOW, 2)]}, {})
    ok, detail = aws.check("confirmation_received")
    assert ok and "2 delivery attempts" in detail
    assert aws.sleeps == [10.0]  # GetSendStatistics: no more than once per second


def test_no_ses_sending_in_the_window_fails_pointing_at_the_functions_log(aws: Aws) -> None:
    aws.stubs["ses"].add_response("get_send_statistics", {"SendDataPoints": [
        _point(NOW - dt.timedelta(hours=3), 4, rejects=1)]}, {})
    ok, detail = aws.check("confirmation_received", wait=0)
    assert not ok and "0 delivery attempts" in detail and "MessageRejected" in detail


def test_every_e_mail_bounced_fails_naming_the_address(aws: Aws) -> None:
    aws.stubs["ses"].add_response("get_send_statistics", {"SendDataPoints": [_point(NOW, 2, bounces=2)]}, {})
    ok, detail = aws.check("confirmation_received", wait=0)
    assert not ok and "bounced" in detail and MINE in detail


# --- SNS: the e-mail subscription and AWS/SNS metrics -----------------------------------------

def test_a_pending_subscription_fails_with_the_click_to_make(aws: Aws) -> None:
    aws.stubs["sns"].add_response("list_subscriptions", {"Subscriptions": [
        _subscription("PendingConfirmation"),
        _subscription(f"{TOPIC}:1111", "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue", "sqs")]}, {})
    ok, detail = aws.check("notification_received", wait=0)
    assert not ok and "pending confirmation" in detail and "Confirm subscription" in detail
    assert "OrderNotifications" in detail


def test_a_confirmed_subscription_and_delivered_notifications_pass(aws: Aws) -> None:
    sns = aws.stubs["sns"]
    sns.add_response("list_subscriptions", {"Subscriptions": [_subscription(f"{TOPIC}:1111", "other@school.fr")],
                                            "NextToken": "page2"}, {})
    sns.add_response("list_subscriptions", {"Subscriptions": [_subscription(f"{TOPIC}:2222")]},
                     {"NextToken": "page2"})
    _metric(aws.stubs["cloudwatch"], "NumberOfNotificationsFailed", None)
    _metric(aws.stubs["cloudwatch"], "NumberOfNotificationsDelivered", 2.0)
    ok, detail = aws.check("notification_received")
    assert ok, detail
    assert "OrderNotifications: 2 notifications delivered" in detail and f"{MINE}'s inbox" in detail


def test_failed_notifications_fail_with_the_metric_that_says_so(aws: Aws) -> None:
    aws.stubs["sns"].add_response("list_subscriptions", {"Subscriptions": [_subscription(f"{TOPIC}:2222")]}, {})
    _metric(aws.stubs["cloudwatch"], "NumberOfNotificationsFailed", 1.0)
    ok, detail = aws.check("notification_received", wait=0)
    assert not ok and "NumberOfNotificationsFailed" in detail and "1 notification of" in detail


def test_no_notification_delivered_yet_is_polled_then_fails(aws: Aws) -> None:
    for _ in range(2):
        aws.stubs["sns"].add_response("list_subscriptions", {"Subscriptions": [_subscription(f"{TOPIC}:2222")]}, {})
        _metric(aws.stubs["cloudwatch"], "NumberOfNotificationsFailed", None)
        _metric(aws.stubs["cloudwatch"], "NumberOfNotificationsDelivered", None)
    ok, detail = aws.check("notification_received", wait=5)
    assert not ok and "NumberOfNotificationsDelivered" in detail and "published" in detail
    assert aws.sleeps == [10.0]


def test_no_subscription_for_the_address_fails(aws: Aws) -> None:
    aws.stubs["sns"].add_response("list_subscriptions", {"Subscriptions": [
        _subscription(f"{TOPIC}:1111", "someone@else.fr")]}, {})
    ok, detail = aws.check("notification_received", wait=0)
    assert not ok and f"no SNS e-mail subscription for {MINE}" in detail
