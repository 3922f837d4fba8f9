"""The ``mail`` check on ``--target aws``: AWS's own evidence that the e-mail left.

codecraft cannot read a real inbox; what AWS says about the sending can be read:

- SES (``kind: ses``): the account's sending statistics, ``GetSendStatistics`` ("a list of data
  points, representing the last two weeks of sending activity. Each data point in the list
  contains statistics for a 15-minute period": DeliveryAttempts, Bounces, Complaints, Rejects;
  at most one call per second; SES API reference,
  https://docs.aws.amazon.com/ses/latest/APIReference/API_GetSendStatistics.html and
  API_SendDataPoint.html). Passed: delivery attempts in the intervals since the run started,
  not all of them bounced.
- SNS (``kind: sns``): the recipient's e-mail subscription is confirmed (its SubscriptionArn is
  an ARN, not ``PendingConfirmation``) and CloudWatch's ``AWS/SNS`` ``NumberOfNotificationsDelivered``
  (dimension TopicName, statistic Sum) counts deliveries of its topic since the run started,
  ``NumberOfNotificationsFailed`` none ("Monitoring Amazon SNS topics using CloudWatch", SNS
  Developer Guide, https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html).
  These metrics count every subscription of the topic (its queue too): the detail says so.

Both reach CloudWatch/SES's statistics with a delay: polled (every 10 s) for ``wait`` seconds
(default 240 for SES, 360 for SNS). The passing detail names the inbox to open to see the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from ..i18n import _, ngettext
from .probes import RunState, _poll

SES_INTERVAL = 15 * 60  # seconds: one SendDataPoint
_WAITS = {"ses": 240.0, "sns": 360.0}
_EMAIL_PROTOCOLS = ("email", "email-json")


def _since(state: RunState) -> dt.datetime:
    """When this run's evidence starts: its probe request, else the run's start."""
    return dt.datetime.fromtimestamp(state.span("probe")[0] / 1000, dt.timezone.utc)


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%H:%M UTC")


def _count(point: Mapping[str, Any], key: str) -> int:
    return int(point.get(key) or 0)


def ses_evidence(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    since = _since(state)
    points = state.ctx.client("ses").get_send_statistics().get("SendDataPoints") or []
    # a data point covers the 15 minutes from its Timestamp: the one the run started in counts
    floor = since - dt.timedelta(seconds=SES_INTERVAL)
    inside = [p for p in points if p.get("Timestamp") is not None and p["Timestamp"] > floor]
    attempts, bounces, rejects = (sum(_count(p, key) for p in inside)
                                  for key in ("DeliveryAttempts", "Bounces", "Rejects"))
    to = str(params.get("to") or _("the recipient"))
    seen = _("GetSendStatistics since {since}: {attempts} delivery attempts, {bounces} bounces, {rejects} "
             "rejects").format(since=_stamp(since), attempts=attempts, bounces=bounces, rejects=rejects)
    if not attempts:
        return False, _("SES sent no e-mail from this account ({seen}): look in the sending function's log for "
                        "MessageRejected (an identity not verified yet) or AccessDenied").format(seen=seen)
    if bounces >= attempts:
        return False, _("every e-mail SES sent bounced ({seen}): is {to} an address that exists?").format(
            seen=seen, to=to)
    return True, _("SES sent the e-mail ({seen}): open {to}'s inbox to see the message naming {needle!r}").format(
        seen=seen, to=to, needle=str(params["contains"]))


def _subscriptions(state: RunState) -> list[dict[str, Any]]:
    sns, token = state.ctx.client("sns"), None
    found: list[dict[str, Any]] = []
    while True:
        page = sns.list_subscriptions(**({"NextToken": token} if token else {}))
        found += page.get("Subscriptions") or []
        token = page.get("NextToken")
        if not token:
            return found


def _metric(state: RunState, name: str, topic: str, since: dt.datetime) -> int:
    start = since.replace(second=0, microsecond=0)  # SNS publishes per minute: the run's minute counts
    answer = state.ctx.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/SNS", MetricName=name, Dimensions=[{"Name": "TopicName", "Value": topic}],
        StartTime=start, EndTime=dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1),
        Period=60, Statistics=["Sum"])
    return int(sum(float(point.get("Sum") or 0) for point in answer.get("Datapoints") or []))


def sns_evidence(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    to = str(params["to"]) if params.get("to") else None
    mine = [s for s in _subscriptions(state) if s.get("Protocol") in _EMAIL_PROTOCOLS
            and (to is None or str(s.get("Endpoint", "")).lower() == to.lower())]
    who = to or _("the recipient")
    if not mine:
        return False, _("no SNS e-mail subscription for {to} (SNS › Subscriptions › Create subscription, "
                        "protocol Email)").format(to=who)
    confirmed = [s for s in mine if str(s.get("SubscriptionArn", "")).startswith("arn:")]
    if not confirmed:
        topics = ", ".join(sorted({str(s.get("TopicArn", "")).rsplit(":", 1)[-1] for s in mine}))
        return False, _("{to}'s e-mail subscription to {topics} is still pending confirmation: open the e-mail "
                        "\"AWS Notification - Subscription Confirmation\" in {to}'s inbox and click \"Confirm "
                        "subscription\"").format(to=who, topics=topics)
    since = _since(state)
    delivered_to: list[str] = []
    for sub in confirmed:
        topic = str(sub.get("TopicArn", "")).rsplit(":", 1)[-1]
        failed = _metric(state, "NumberOfNotificationsFailed", topic, since)
        if failed:
            return False, ngettext("SNS failed to deliver {failed} notification of {topic} since {since} (CloudWatch "
                                   "AWS/SNS NumberOfNotificationsFailed): an endpoint of the topic refused it",
                                   "SNS failed to deliver {failed} notifications of {topic} since {since} (CloudWatch "
                                   "AWS/SNS NumberOfNotificationsFailed): an endpoint of the topic refused them",
                                   int(failed)).format(
                failed=failed, topic=topic, since=_stamp(since))
        delivered = _metric(state, "NumberOfNotificationsDelivered", topic, since)
        if delivered:
            delivered_to.append(ngettext("{topic}: {count} notification delivered", "{topic}: {count} notifications delivered",
                                         int(delivered)).format(topic=topic, count=delivered))
    if not delivered_to:
        topics = ", ".join(str(s.get("TopicArn", "")).rsplit(":", 1)[-1] for s in confirmed)
        return False, _("{to}'s e-mail subscription is confirmed but SNS delivered no notification of {topics} "
                        "since {since} (CloudWatch AWS/SNS NumberOfNotificationsDelivered): was the message "
                        "published?").format(to=who, topics=topics, since=_stamp(since))
    return True, _("{to}'s e-mail subscription is confirmed and SNS delivered ({seen}; the count includes the "
                   "topic's other subscriptions) since {since}: open {to}'s inbox to see the message naming "
                   "{needle!r}").format(to=who, seen="; ".join(delivered_to), since=_stamp(since),
                                        needle=str(params["contains"]))


_JUDGES: dict[str, Callable[[RunState, Mapping[str, Any]], tuple[bool, str]]] = {
    "ses": ses_evidence, "sns": sns_evidence}


def judge(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    """The check on AWS: the evidence of ``kind`` (both SES and SNS when it names none), polled."""
    kind = str(params["kind"]) if params.get("kind") else None
    if kind is not None and kind not in _JUDGES:  # verification, confirmation: AWS keeps no count of them
        return False, _("on AWS the e-mail goes to a real inbox codecraft cannot read: look in {to}'s inbox for "
                        "{needle!r}").format(to=params.get("to") or _("the recipient"), needle=params["contains"])
    judges = [_JUDGES[kind]] if kind else list(_JUDGES.values())
    wait = float(params.get("wait", max(_WAITS[k] for k in ([kind] if kind else _JUDGES))))

    def attempt() -> tuple[bool, str]:
        ok, detail = False, ""
        for run in judges:
            ok, detail = run(state, params)
            if ok:
                break
        return ok, detail

    # GetSendStatistics: at most one call per second; metrics come per minute
    return _poll(state, attempt, wait, 10.0)
