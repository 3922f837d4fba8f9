"""diagnose(): the evidence gathered around a failed check — the API's answer, whether the function
ran, its configuration, its role's permissions (read on the emulator, simulated on AWS), the
SNS → SQS path — with fake clients answering as the AWS APIs do.

Expectations from AWS: API Gateway answers 403 ``{"message": "Missing Authentication Token"}`` for
a route not deployed to the stage (https://repost.aws/knowledge-center/api-gateway-authentication-token-errors),
500 ``{"message": "Internal server error"}`` without invoking a function it may not call, 502 for
a malformed proxy response (https://repost.aws/knowledge-center/malformed-502-api-gateway);
Lambda writes its logs with the execution role's permissions and creates ``/aws/lambda/<name>``
only with ``logs:CreateLogGroup`` (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html);
``SimulatePrincipalPolicy`` answers ``EvalDecision`` allowed / implicitDeny / explicitDeny
(https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html); SNS delivers
to a queue only with a subscription and a queue policy letting the topic send
(https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html).
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from codecraft_cli.engine.api import ApiResponse
from codecraft_cli.engine.diagnosis import Cause, diagnose
from codecraft_cli.engine.permissions import evaluate_policies, role_name
from codecraft_cli.engine.probes import RunState
from codecraft_cli.workshop.model import CheckSpec

from .test_diagnosis import CONFIG, FLOAT, ROLE

ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:OrderNotifications"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:OrderProcessingQueue"
BASIC_EXECUTION = {"Version": "2012-10-17", "Statement": [  # AWSLambdaBasicExecutionRole, as the console adds it
    {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:*"},
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": [f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/ProcessOrder:*"]}]}


class ResourceNotFoundException(Exception):
    pass


class Logs:
    def __init__(self, messages: list[str] | None) -> None:
        self.messages = messages
        self.asked: dict[str, Any] = {}

    def filter_log_events(self, **kwargs: Any) -> dict[str, Any]:
        self.asked = kwargs
        if self.messages is None:
            raise ResourceNotFoundException("The specified log group does not exist.")
        return {"events": [{"timestamp": 1000 + i, "message": m} for i, m in enumerate(self.messages)]}


class Lambda:
    def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:
        return {**CONFIG, "FunctionName": FunctionName}


class Iam:
    def __init__(self, inline: dict[str, Any], decision: str = "allowed") -> None:
        self.inline = inline
        self.decision = decision
        self.simulated: list[dict[str, Any]] = []

    def list_role_policies(self, RoleName: str) -> dict[str, Any]:
        return {"PolicyNames": list(self.inline)}

    def get_role_policy(self, RoleName: str, PolicyName: str) -> dict[str, Any]:
        return {"PolicyDocument": self.inline[PolicyName]}

    def list_attached_role_policies(self, RoleName: str) -> dict[str, Any]:
        return {"AttachedPolicies": []}

    def simulate_principal_policy(self, **kwargs: Any) -> dict[str, Any]:
        self.simulated.append(kwargs)
        return {"EvaluationResults": [{"EvalActionName": kwargs["ActionNames"][0], "EvalDecision": self.decision}]}


class Sns:
    def __init__(self, subscriptions: list[dict[str, str]]) -> None:
        self.subscriptions = subscriptions

    def list_subscriptions_by_topic(self, TopicArn: str) -> dict[str, Any]:
        return {"Subscriptions": self.subscriptions}


class Sqs:
    def __init__(self, policy: dict[str, Any] | None) -> None:
        self.policy = policy

    def get_queue_attributes(self, **kwargs: Any) -> dict[str, Any]:
        return {"Attributes": {"Policy": json.dumps(self.policy)} if self.policy else {}}


def state(logs: list[str] | None, *, iam: Iam | None = None, sns: Sns | None = None, sqs: Sqs | None = None,
          local: bool = True, lang: str = "en", response: ApiResponse | None = None) -> RunState:
    clients = {"logs": Logs(logs), "lambda": Lambda(), "iam": iam or Iam({}), "sns": sns, "sqs": sqs}
    resources = [SimpleNamespace(id="process_order", type="lambda.function"),
                 SimpleNamespace(id="notifications", type="sns.topic"),
                 SimpleNamespace(id="queue", type="sqs.queue")]
    ctx = SimpleNamespace(lang=lang, region="us-east-1", is_local=local, clients=clients,
                          workshop=SimpleNamespace(resources=resources), client=lambda service: clients[service])
    outputs = {"process_order": {"name": "ProcessOrder"}, "notifications": {"arn": TOPIC},
               "queue": {"arn": QUEUE, "url": f"http://127.0.0.1/{ACCOUNT}/OrderProcessingQueue"}}
    run = RunState(ctx, outputs)  # type: ignore[arg-type]
    run.started_ms = 1000
    if response is not None:
        run.responses["last"] = response
    return run


HTTP = CheckSpec("order_api", "http", "api", {"en": "order"}, {"route": "POST /orders"})
MESSAGE = CheckSpec("queued", "sqs_message", "queue", {"en": "queued"}, {"queue": "queue", "contains": "x"})


def answer(status: int, body: Any) -> ApiResponse:
    return ApiResponse(status, body, {}, "http://127.0.0.1/api/prod/orders", 12.0)


def ran(*lines: str) -> list[str]:
    return ["START RequestId: r1 Version: $LATEST", *lines, "END RequestId: r1",
            "REPORT RequestId: r1\tDuration: 3.00 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB"]


def codes(causes: list[Cause]) -> list[str]:
    return [c.code for c in causes]


def test_a_502_with_the_float_error_in_the_log_names_the_float_and_reads_only_this_run() -> None:
    run = state(ran(FLOAT), response=answer(502, {"message": "Internal server error"}))
    causes = diagnose(run, HTTP, "POST /orders answered 502")
    assert codes(causes) == ["float-to-dynamodb"]
    assert run.ctx.clients["logs"].asked == {"logGroupName": "/aws/lambda/ProcessOrder", "startTime": 1000}
    assert causes[0].as_json() == {"code": "float-to-dynamodb", "message": causes[0].message,
                                   "fix": causes[0].fix, "evidence": causes[0].evidence}
    assert causes[0].evidence.startswith("[ERROR] TypeError: Float types are not supported.")


def test_a_502_after_an_invocation_without_error_is_a_malformed_proxy_response() -> None:
    causes = diagnose(state(ran("done"), response=answer(502, {"message": "Internal server error"})), HTTP)
    assert codes(causes) == ["malformed-proxy-response"]
    assert "body" in causes[0].fix and "statusCode" in causes[0].fix


def test_a_500_without_any_invocation_is_the_missing_invoke_permission() -> None:
    causes = diagnose(state([], response=answer(500, {"message": "Internal server error"})), HTTP)
    assert codes(causes) == ["missing-invoke-permission"]
    assert "lambda:InvokeFunction" in causes[0].fix and "ProcessOrder" in causes[0].message


def test_a_500_after_an_invocation_is_not_the_permission() -> None:
    causes = diagnose(state(ran("done"), response=answer(500, {"message": "Internal server error"})), HTTP)
    assert "missing-invoke-permission" not in codes(causes)


def test_missing_authentication_token_is_an_undeployed_route() -> None:
    causes = diagnose(state([], response=answer(403, {"message": "Missing Authentication Token"}), lang="fr"), HTTP)
    assert codes(causes) == ["api-not-deployed"]
    assert "Déployer l'API" in causes[0].fix


def test_401_is_the_cognito_token() -> None:
    causes = diagnose(state([], response=answer(401, {"message": "Unauthorized"})), HTTP)
    assert codes(causes) == ["api-unauthorized"] and "Authorization" in causes[0].fix


def test_429_is_throttling() -> None:
    assert codes(diagnose(state([], response=answer(429, {"message": "Too Many Requests"})), HTTP)) == ["api-throttled"]


def test_no_log_group_and_a_role_without_logs_permissions_names_the_role_and_the_actions() -> None:
    iam = Iam({"orders": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*"}]}})
    causes = diagnose(state(None, iam=iam), CheckSpec("logs", "log_events", "fn", {}, {"function": "process_order"}))
    assert codes(causes) == ["no-log-group"]
    assert causes[0].message == ("The function ProcessOrder left no log: its role ProcessOrder-role-ab12cd34 does not "
                                 "allow logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents.")


def test_no_log_group_with_the_consoles_default_role_is_not_blamed_on_the_role() -> None:
    causes = diagnose(state(None, iam=Iam({"basic": BASIC_EXECUTION})),
                      CheckSpec("logs", "log_events", "fn", {}, {"function": "process_order"}))
    assert "no-log-group" not in codes(causes)


def test_on_aws_the_role_is_simulated() -> None:
    iam = Iam({}, decision="implicitDeny")
    causes = diagnose(state(None, iam=iam, local=False), CheckSpec("logs", "log_events", "fn", {}, {"function": "process_order"}))
    assert codes(causes) == ["no-log-group"]
    assert iam.simulated[0] == {"PolicySourceArn": ROLE, "ActionNames": ["logs:CreateLogGroup"], "ResourceArns": [
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/ProcessOrder:log-stream:"]}


def test_a_queue_not_subscribed_to_the_topic() -> None:
    causes = diagnose(state([], sns=Sns([]), sqs=Sqs(None)), MESSAGE)
    assert codes(causes) == ["sns-no-subscription"]
    assert "OrderProcessingQueue" in causes[0].message and "OrderNotifications" in causes[0].fix


def test_a_subscribed_queue_whose_policy_does_not_let_the_topic_send() -> None:
    sub = [{"Protocol": "sqs", "Endpoint": QUEUE}]
    causes = diagnose(state([], sns=Sns(sub), sqs=Sqs(None)), MESSAGE)
    assert codes(causes) == ["sqs-policy-missing"]
    allowing = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": QUEUE, "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}}}]}
    assert codes(diagnose(state([], sns=Sns(sub), sqs=Sqs(allowing)), MESSAGE)) == []


def test_the_diagnosis_never_raises() -> None:
    run = state([])
    run.ctx.client = lambda service: (_ for _ in ()).throw(RuntimeError("no network"))  # type: ignore[attr-defined]
    assert diagnose(run, HTTP) == []


def test_permissions_evaluate_the_consoles_default_role() -> None:
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/lambda/ProcessOrder"
    assert evaluate_policies([BASIC_EXECUTION], "logs:CreateLogGroup", f"{group}:log-stream:")
    assert evaluate_policies([BASIC_EXECUTION], "logs:PutLogEvents", f"{group}:log-stream:2026/11/29/[$LATEST]ab")
    assert not evaluate_policies([BASIC_EXECUTION], "sns:Publish", TOPIC)
    assert role_name(ROLE) == "ProcessOrder-role-ab12cd34"
    assert role_name(f"arn:aws:sts::{ACCOUNT}:assumed-role/OrdersRole/ProcessOrder") == "OrdersRole"


def _permission(source: str) -> str:
    """A statement as the API Gateway console adds it ("Using resource-based policies in Lambda")."""
    return json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": [{
        "Sid": "e2b3c4d5", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ProcessOrder",
        "Condition": {"ArnLike": {"AWS:SourceArn": source}}}]})


class LambdaWithPolicy(Lambda):
    def __init__(self, policy: str) -> None:
        self.policy = policy

    def get_function_configuration(self, FunctionName: str) -> dict[str, Any]:
        return {**super().get_function_configuration(FunctionName),
                "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{FunctionName}"}

    def get_policy(self, FunctionName: str) -> dict[str, Any]:
        return {"Policy": self.policy}


def test_a_500_whose_permission_names_another_api_says_which_source_arn() -> None:
    run = state([], response=ApiResponse(500, {"message": "Internal server error"}, {},
                                         "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/orders", 9.0))
    run.ctx.clients["lambda"] = LambdaWithPolicy(
        _permission(f"arn:aws:execute-api:us-east-1:{ACCOUNT}:zzz999oldapi/*/POST/orders"))
    causes = diagnose(run, HTTP)
    assert codes(causes) == ["invoke-permission-source"]
    assert causes[0].message == (
        f"The invoke permission of ProcessOrder does not cover this request: it allows arn:aws:execute-api:us-east-1:"
        f"{ACCOUNT}:zzz999oldapi/*/POST/orders, the request comes from arn:aws:execute-api:us-east-1:{ACCOUNT}:"
        f"abc123defg/prod/POST/orders.")
    run.ctx.clients["lambda"] = LambdaWithPolicy(
        _permission(f"arn:aws:execute-api:us-east-1:{ACCOUNT}:abc123defg/*/POST/orders"))
    assert codes(diagnose(run, HTTP)) == ["missing-invoke-permission"]  # the permission is right: say no more


def test_the_source_arn_of_an_aws_and_an_emulator_url() -> None:
    from codecraft_cli.engine.permissions import source_arn

    assert source_arn("https://a1b2c3.execute-api.eu-west-3.amazonaws.com/dev/orders/42", "GET /orders/{id}",
                      "eu-west-3", ACCOUNT) == f"arn:aws:execute-api:eu-west-3:{ACCOUNT}:a1b2c3/dev/GET/orders/42"
    assert source_arn("http://127.0.0.1:4567/a1b2c3/prod/orders", "POST /orders", "us-east-1", ACCOUNT) == (
        f"arn:aws:execute-api:us-east-1:{ACCOUNT}:a1b2c3/prod/POST/orders")


class LateLogs(Logs):
    """CloudWatch Logs on AWS: the invocation's lines arrive a few seconds after the answer."""

    def __init__(self, later: list[str]) -> None:
        super().__init__([])
        self.later = later
        self.reads = 0

    def filter_log_events(self, **kwargs: Any) -> dict[str, Any]:
        self.reads += 1
        self.messages = self.later if self.reads > 2 else []
        return super().filter_log_events(**kwargs)


def test_on_aws_a_5xx_waits_for_the_invocations_log_before_concluding() -> None:
    run = state([], local=False, response=answer(502, {"message": "Internal server error"}))
    late = LateLogs(ran(FLOAT))
    run.ctx.clients["logs"] = late
    slept: list[float] = []
    run.ctx.sleep = slept.append  # type: ignore[attr-defined]
    assert codes(diagnose(run, HTTP)) == ["float-to-dynamodb"]
    assert slept == [2.0, 2.0] and late.reads == 3
