"""The emulator's CloudWatch alarm evaluator: metric alarms change state and run their actions.

moto stores alarms (PutMetricAlarm) and metric data but never evaluates them. This thread does,
as CloudWatch does (CloudWatch User Guide, "Evaluating an alarm" and "Configuring how CloudWatch
alarms treat missing data",
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):

- the evaluation range is the last ``EvaluationPeriods`` periods of ``Period`` seconds; each
  period's data point is the alarm's ``Statistic`` (Sum, Average, Minimum, Maximum, SampleCount)
  of the metric's values in it (the metric with exactly the alarm's dimensions);
- a data point breaches when it compares to ``Threshold`` by ``ComparisonOperator``; the alarm is
  ALARM when at least ``DatapointsToAlarm`` (default: EvaluationPeriods) of them breach;
- missing data points (``TreatMissingData``): ``missing`` (the default) — all missing gives
  INSUFFICIENT_DATA; ``ignore`` — all missing keeps the current state; ``breaching`` — missing
  ones count as breaching; ``notBreaching`` — as not breaching;
- on a state change, the state's actions run when actions are enabled: an SNS topic receives the
  alarm's notification (CloudWatch User Guide, "Using Amazon SNS topics": subject
  ``ALARM: "<name>" in <region name>``, the message a JSON document with AlarmName,
  NewStateValue, NewStateReason, Trigger...).

Differences, said: CloudWatch evaluates once a minute, this evaluator every
``CODECRAFT_ALARM_INTERVAL`` seconds (default 5), and counts the current, still open period, so
that a class sees an alarm fire within seconds of the error rather than minutes.
"""

from __future__ import annotations

import datetime
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "GreaterThanThreshold": lambda v, t: v > t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_WORDS = {"GreaterThanOrEqualToThreshold": "greater than or equal to", "GreaterThanThreshold": "greater than",
          "LessThanThreshold": "less than", "LessThanOrEqualToThreshold": "less than or equal to"}
# the console's region names, as in the notification's "Region" and subject
REGION_NAMES = {"us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)",
                "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
                "eu-west-1": "EU (Ireland)", "eu-west-3": "EU (Paris)", "eu-central-1": "EU (Frankfurt)"}


@dataclass(frozen=True)
class AlarmSpec:
    name: str
    statistic: str
    period: int
    evaluation_periods: int
    threshold: float
    comparison: str
    datapoints_to_alarm: int | None = None
    treat_missing_data: str | None = None


@dataclass(frozen=True)
class Outcome:
    state: str  # OK | ALARM | INSUFFICIENT_DATA
    reason: str
    data: dict[str, Any]


def statistic(name: str, values: Sequence[float]) -> float:
    if name == "Sum":
        return float(sum(values))
    if name == "Average":
        return float(sum(values) / len(values))
    if name == "Minimum":
        return float(min(values))
    if name == "Maximum":
        return float(max(values))
    if name == "SampleCount":
        return float(len(values))
    raise ValueError(f"unsupported statistic {name}")


def periods(spec: AlarmSpec, now: datetime.datetime) -> list[datetime.datetime]:
    """The start of each period of the evaluation range, oldest first; the last one holds ``now``."""
    epoch = int(now.timestamp())
    last = epoch - epoch % spec.period
    return [datetime.datetime.fromtimestamp(last - i * spec.period, datetime.timezone.utc)
            for i in reversed(range(spec.evaluation_periods))]


def evaluate(spec: AlarmSpec, points: Sequence[tuple[datetime.datetime, float]], now: datetime.datetime,
             current: str) -> Outcome:
    """The alarm's state from its metric's data points (see the module's rules)."""
    starts = periods(spec, now)
    window = datetime.timedelta(seconds=spec.period)
    values: list[float | None] = []
    for start in starts:
        inside = [v for t, v in points if start <= t < start + window]
        values.append(statistic(spec.statistic, inside) if inside else None)
    compare = COMPARE[spec.comparison]
    treat = spec.treat_missing_data or "missing"
    needed = spec.datapoints_to_alarm or spec.evaluation_periods
    present = [v for v in values if v is not None]
    breaching = sum(1 for v in present if compare(v, spec.threshold))
    if treat == "breaching":
        breaching += len(values) - len(present)
    data = {"version": "1.0", "queryDate": now.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "startDate": starts[0].strftime("%Y-%m-%dT%H:%M:%S.000+0000"), "statistic": spec.statistic,
            "period": spec.period, "recentDatapoints": present, "threshold": spec.threshold,
            "evaluatedDatapoints": [{"timestamp": s.strftime("%Y-%m-%dT%H:%M:%S.000+0000"), "value": v}
                                    for s, v in zip(starts, values) if v is not None]}
    if not present and treat in ("missing", "ignore"):
        if treat == "ignore":
            return Outcome(current, "", data)
        return Outcome("INSUFFICIENT_DATA", "Insufficient Data: {n} datapoint{s} were unknown.".format(
            n=len(values), s="" if len(values) == 1 else "s"), data)
    shown = ", ".join(f"{v} ({s.strftime('%d/%m/%y %H:%M:%S')})" for s, v in zip(starts, values)
                      if v is not None) or "missing"
    word = _WORDS[spec.comparison]
    if breaching >= needed:
        return Outcome("ALARM", f"Threshold Crossed: {breaching} out of the last {len(values)} datapoints "
                                f"[{shown}] {'was' if breaching == 1 else 'were'} {word} the threshold "
                                f"({spec.threshold}) (minimum {needed} datapoint{'' if needed == 1 else 's'} "
                                "for OK -> ALARM transition).", data)
    return Outcome("OK", f"Threshold Crossed: {len(values) - breaching} out of the last {len(values)} datapoints "
                         f"[{shown}] {'was' if len(values) - breaching == 1 else 'were'} not {word} the threshold "
                         f"({spec.threshold}) (minimum 1 datapoint for ALARM -> OK transition).", data)


def notification(alarm: Any, region: str, old: str, outcome: Outcome, when: datetime.datetime) -> tuple[str, str]:
    """(subject, message) of the SNS notification CloudWatch sends on a state change."""
    region_name = REGION_NAMES.get(region, region)
    subject = f'{outcome.state}: "{alarm.name}" in {region_name}'
    message = {
        "AlarmName": alarm.name, "AlarmDescription": alarm.description or None,
        "AWSAccountId": alarm.alarm_arn.split(":")[4], "AlarmConfigurationUpdatedTimestamp":
            alarm.configuration_updated_timestamp.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "NewStateValue": outcome.state, "NewStateReason": outcome.reason,
        "StateChangeTime": when.strftime("%Y-%m-%dT%H:%M:%S.000+0000"), "Region": region_name,
        "AlarmArn": alarm.alarm_arn, "OldStateValue": old, "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions), "InsufficientDataActions": list(alarm.insufficient_data_actions),
        "Trigger": {"MetricName": alarm.metric_name, "Namespace": alarm.namespace, "StatisticType": "Statistic",
                    "Statistic": str(alarm.statistic or "").upper(), "Unit": alarm.unit,
                    "Dimensions": [{"value": d.value, "name": d.name} for d in alarm.dimensions],
                    "Period": alarm.period, "EvaluationPeriods": alarm.evaluation_periods,
                    "DatapointsToAlarm": alarm.datapoints_to_alarm or alarm.evaluation_periods,
                    "ComparisonOperator": alarm.comparison_operator, "Threshold": alarm.threshold,
                    "TreatMissingData": alarm.treat_missing_data or "missing",
                    "EvaluateLowSampleCountPercentile": ""},
    }
    return subject, json.dumps(message)


def email_text(alarm: Any, region: str, old: str, outcome: Outcome, when: datetime.datetime) -> str:
    """The text an e-mail subscriber reads: CloudWatch publishes its notification with a message per
    protocol, JSON by default and this text to e-mail ("You are receiving this email because your
    Amazon CloudWatch Alarm ...", "Alarm Details", "Threshold", "Monitored Metric", "State Change
    Actions", as CloudWatch's alarm e-mails read)."""
    region_name = REGION_NAMES.get(region, region)
    stamp = when.strftime("%A %d %B, %Y %H:%M:%S UTC")
    dimensions = ", ".join(f"{d.name} = {d.value}" for d in alarm.dimensions)
    periods = alarm.datapoints_to_alarm or alarm.evaluation_periods
    actions = {"OK": alarm.ok_actions, "ALARM": alarm.alarm_actions,
               "INSUFFICIENT_DATA": alarm.insufficient_data_actions}
    return "\n".join([
        f'You are receiving this email because your Amazon CloudWatch Alarm "{alarm.name}" in the {region_name} '
        f'region has entered the {outcome.state} state, because "{outcome.reason}" at "{stamp}".', "",
        "Alarm Details:", f"- Name:                       {alarm.name}",
        f"- Description:                {alarm.description or ''}",
        f"- State Change:               {old} -> {outcome.state}",
        f"- Reason for State Change:    {outcome.reason}", f"- Timestamp:                  {stamp}",
        f"- AWS Account:                {alarm.alarm_arn.split(':')[4]}",
        f"- Alarm Arn:                  {alarm.alarm_arn}",
        "", "Threshold:",
        f"- The alarm is in the ALARM state when the metric is {alarm.comparison_operator} {float(alarm.threshold)} "
        f"for at least {periods} of the last {alarm.evaluation_periods} period(s) of {alarm.period} seconds.", "",
        "Monitored Metric:", f"- MetricNamespace:            {alarm.namespace}",
        f"- MetricName:                 {alarm.metric_name}", f"- Dimensions:                 [{dimensions}]",
        f"- Period:                     {alarm.period} seconds", f"- Statistic:                  {alarm.statistic}",
        f"- Unit:                       {alarm.unit or 'not specified'}",
        f"- TreatMissingData:           {alarm.treat_missing_data or 'missing'}", "", "State Change Actions:",
        *[f"- {state}: {list(arns or [])}" for state, arns in actions.items()], ""])


def spec_of(alarm: Any) -> AlarmSpec | None:
    """The evaluable part of a moto alarm (None: a metric-math or composite alarm, not evaluated)."""
    if not alarm.metric_name or alarm.statistic not in ("Sum", "Average", "Minimum", "Maximum", "SampleCount"):
        return None
    if alarm.comparison_operator not in COMPARE:
        return None
    return AlarmSpec(alarm.name, alarm.statistic, int(alarm.period), int(alarm.evaluation_periods),
                     float(alarm.threshold), alarm.comparison_operator,
                     int(alarm.datapoints_to_alarm) if alarm.datapoints_to_alarm else None, alarm.treat_missing_data)


class AlarmEvaluator:
    """The thread: every interval, each metric alarm of each region evaluated; actions on change."""

    def __init__(self, publish: Callable[[str, str, str, str, str], None], interval: float | None = None) -> None:
        self.publish = publish  # (region, topic ARN, subject, message, the e-mail subscribers' text)
        self.interval = interval or float(os.environ.get("CODECRAFT_ALARM_INTERVAL", "5"))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="codecraft-alarms", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.evaluate_all()
            except Exception as exc:  # never let the thread die
                print(f"codecraft emulator: alarm evaluation failed: {exc}", flush=True)

    def evaluate_all(self, now: datetime.datetime | None = None) -> None:
        from . import moto_monitoring

        now = now or datetime.datetime.now(datetime.timezone.utc)
        for region in moto_monitoring.regions_with_alarms():
            for alarm in moto_monitoring.alarms(region):
                spec = spec_of(alarm)
                if spec is None:
                    continue
                since = now - datetime.timedelta(seconds=spec.period * (spec.evaluation_periods + 1))
                dimensions = [{"Name": d.name, "Value": d.value} for d in alarm.dimensions]
                points = moto_monitoring.datapoints(region, alarm.namespace, alarm.metric_name, dimensions, since)
                old = alarm.state_value
                outcome = evaluate(spec, points, now, old)
                # a new alarm starts unchecked (moto says OK): its first evaluation always sets a state
                first = str(alarm.state_reason).startswith("Unchecked")
                if outcome.state == old and not first:
                    continue
                moto_monitoring.set_alarm_state(region, alarm.name, outcome.state, outcome.reason, outcome.data)
                if outcome.state == old or not alarm.actions_enabled:
                    continue
                actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions,
                           "INSUFFICIENT_DATA": alarm.insufficient_data_actions}[outcome.state]
                subject, message = notification(alarm, region, old, outcome, now)
                email = email_text(alarm, region, old, outcome, now)
                for action in actions or []:
                    if str(action).startswith("arn:aws:sns:"):
                        try:
                            self.publish(region, str(action), subject, message, email)
                        except Exception as exc:
                            print(f"codecraft emulator: alarm {alarm.name}: action {action} failed: {exc}",
                                  flush=True)
