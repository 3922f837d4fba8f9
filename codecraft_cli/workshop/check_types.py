"""The explicit check types a workshop may declare, and the params each one requires.

This is the vocabulary of ``checks:`` in a workshop YAML. The loader validates a file against it;
the engine's probe registry (``engine/probes.py``) registers one runner per type and refuses a
runner for a type not declared here. It lives below both, so loading a workshop never imports
the engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckType:
    """One ``type:`` of an explicit check: its name, its required ``params``, what it proves."""

    name: str
    required: tuple[str, ...]
    summary: str


CHECK_TYPES: dict[str, CheckType] = {t.name: t for t in (
    CheckType("http", ("route",), "send a request through the API and expect a status"),
    CheckType("dynamodb_item", ("table",),
              "an item with this key exists (optionally with these attribute values), or one that "
              "holds the values of 'match'"),
    CheckType("sqs_message", ("queue", "contains"),
              "a message containing a text is in the queue (peeked, not consumed)"),
    CheckType("log_events", ("function", "contains"),
              "the function's log group holds a line containing a text"),
    CheckType("cognito_sign_in", ("client", "user"), "the user signs in with the app client"),
    CheckType("db_query", ("function", "sql"),
              "the database function runs a query (optionally returning a row with a text)"),
    CheckType("s3_object", ("bucket", "key"),
              "an object is in the bucket (optionally with these bytes, this text, this image size)"),
    CheckType("invoke", ("function",), "invoke the function with an event; expect it to succeed or to fail"),
    CheckType("metric", ("function", "metric"), "CloudWatch holds the function's AWS/Lambda metric (a minimum Sum)"),
    CheckType("alarm_state", ("alarm", "state"), "the CloudWatch alarm reaches a state (ALARM, OK)"),
    CheckType("trace", ("function",), "X-Ray holds a trace of the function's invocation"),
    CheckType("mail", ("contains",), "an e-mail containing a text reached the local mailbox (SES, SNS e-mail)"),
)}
