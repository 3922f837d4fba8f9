"""CloudWatch Logs: retention values, log group names, log events."""

from __future__ import annotations

from datetime import timedelta

from .base import Params, Refusal, State, number, one_of, rule, text, validation

INVALID = "InvalidParameterException"
# "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
# 1827, 2192, 2557, 2922, 3288, and 3653." (API_PutRetentionPolicy.html, retentionInDays)
RETENTION = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
             3288, 3653)


@rule("logs", "PutRetentionPolicy")
def retention_days(params: Params, state: State) -> Refusal | None:
    days = number(params.get("retentionInDays"))
    if days is not None and days not in RETENTION:
        return validation(INVALID, days, "retentionInDays", one_of([str(d) for d in RETENTION]))
    return None


@rule("logs", "CreateLogGroup")
def group_name_prefix(params: Params, state: State) -> Refusal | None:
    """"Log group names can't start with the string aws/" (API_CreateLogGroup.html,
    logGroupName); the characters and length are in the model."""
    name = text(params.get("logGroupName"))
    if name is not None and name.startswith("aws/"):
        return Refusal(INVALID, "Log group name cannot start with 'aws/'")
    return None


@rule("logs", "PutLogEvents")
def log_events(params: Params, state: State) -> Refusal | None:
    """A PutLogEvents batch: at most 10,000 events and 1,048,576 bytes (each event's message
    plus 26 bytes), in chronological order, spanning at most 24 hours (API_PutLogEvents.html)."""
    events = params.get("logEvents")
    if not isinstance(events, list):
        return None
    if len(events) > 10000:
        return validation(INVALID, f"[{len(events)} events]", "logEvents", "Member must have length less than "
                          "or equal to 10000")
    size = sum(len(str(e.get("message", "")).encode()) + 26 for e in events if isinstance(e, dict))
    if size > 1048576:
        return Refusal(INVALID, "Upload too large: " + str(size) + " bytes exceeds limit of 1048576")
    stamps = [number(e.get("timestamp")) for e in events if isinstance(e, dict)]
    known = [s for s in stamps if s is not None]
    if known != sorted(known):
        return Refusal(INVALID, "Log events in a single PutLogEvents request must be in chronological order.")
    if known and known[-1] - known[0] > int(timedelta(hours=24).total_seconds() * 1000):
        return Refusal(INVALID, "The batch of log events in a single PutLogEvents request cannot span more than "
                                "24 hours.")
    return None
