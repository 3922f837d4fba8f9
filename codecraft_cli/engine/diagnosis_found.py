"""The texts of the causes the diagnosis finds by looking rather than by reading a line (no
invocation behind a 500, an invocation without error behind a 502, no log group, the SNS → SQS
path, an error the catalogue does not know), and how a place in the code is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..i18n import LANGS, N_, current_lang, set_lang
from .diagnosis_catalogue import Entry

# Causes found by looking, not by reading a line: the texts only.
FOUND: dict[str, Entry] = {
    "missing-invoke-permission": {
        "message": N_("API Gateway answers 500 and the function {function} was not invoked: it may not call it."),
        "fix": N_("API Gateway › the method › Integration request › Edit › Save (the console adds the "
                  "permission), or Lambda › {function} › Configuration › Permissions › Add permissions: "
                  "apigateway.amazonaws.com, lambda:InvokeFunction.")},
    "invoke-permission-source": {
        "message": N_("The invoke permission of {function} does not cover this request: it allows {granted}, "
                      "the request comes from {source}."),
        "fix": N_("Lambda › {function} › Configuration › Permissions › Resource-based policy statements: a "
                  "statement for apigateway.amazonaws.com whose source ARN covers {source} (for example "
                  "<api id>/*/POST/orders).")},
    "malformed-proxy-response": {
        "message": N_("The function {function} answered without error, but not in the shape the proxy "
                      "integration expects (502)."),
        "fix": N_("Return {{'statusCode': 200, 'headers': {{...}}, 'body': json.dumps(...)}}: body must be a "
                  "string.")},
    "no-log-group": {
        "message": N_("The function {function} left no log: its role {role} does not allow {action}."),
        "fix": N_("IAM › Roles › {role} › Add permissions › Attach policies: AWSLambdaBasicExecutionRole "
                  "(logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents).")},
    "not-invoked": {
        "message": N_("The function {function} was not invoked during the verification."),
        "fix": N_("Check what must call it: the API route (Integration request) or the trigger (Lambda › "
                  "{function} › Configuration › Triggers).")},
    "sns-no-subscription": {
        "message": N_("The queue {queue} is not subscribed to the topic {topic}."),
        "fix": N_("SNS › Topics › {topic} › Create subscription: protocol Amazon SQS, endpoint the ARN of "
                  "{queue} (or SQS › {queue} › Subscribe to Amazon SNS topic).")},
    "sqs-policy-missing": {
        "message": N_("The access policy of the queue {queue} does not let the topic {topic} send to it: SNS "
                      "drops the messages."),
        "fix": N_("SQS › Queues › {queue} › Access policy › Edit: allow sns.amazonaws.com sqs:SendMessage "
                  "with the condition aws:SourceArn = the ARN of {topic}.")},
    "code-error": {
        "message": N_("The function raises {type}: {detail} ({where})."),
        "fix": N_("Fix the code there (Lambda › {function} › Code), then Deploy.")},
}

WHERE = N_("{file}, line {line}")
NOWHERE = N_("in the function {function}")


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """The texts said inside in ``lang`` (a run's language: the process's own, except where a
    caller such as a test asks for another one), the process's language restored after."""
    before = current_lang()
    if lang in LANGS and lang != before:
        set_lang(lang)
    try:
        yield
    finally:
        set_lang(before)
