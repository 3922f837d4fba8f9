"""Pin the exact AWS request shapes of the anycompany-orders plans with botocore's Stubber.

moto accepts requests that AWS refuses (or silently ignores what AWS would use), so these
tests run the real plans of the workshop's resources through the real Executor against
stubbed clients in a non-us-east-1 region, and write every expected request out literally.
The Stubber also validates each request against the service model before it is "sent".
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.executor import Executor
from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed, Wait
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve


def steps(plan: list[Any]) -> list[str]:
    """A plan's API methods, waits as ``wait:<waiter>``."""
    return [f"wait:{c.waiter}" if isinstance(c, Wait) else c.method for c in plan]


REGION = "eu-west-3"
ACCOUNT = "111122223333"
SERVICES = ("lambda", "apigateway", "dynamodb", "sqs", "sns", "iam")

TOPIC_ARN = "arn:aws:sns:eu-west-3:111122223333:OrderNotifications"
QUEUE_ARN = "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue"
QUEUE_URL = "https://sqs.eu-west-3.amazonaws.com/111122223333/OrderProcessingQueue"
TABLE_ARN = "arn:aws:dynamodb:eu-west-3:111122223333:table/Orders"
LOG_GROUP_ARN = "arn:aws:logs:eu-west-3:111122223333:log-group:/aws/lambda/ProcessOrder"
ROLE_ARN = "arn:aws:iam::111122223333:role/ProcessOrderRole"
FUNCTION_ARN = "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder"
API_ID = "a1b2c3d4e5"

TAGS = {
    "codecraft:workshop": "anycompany-orders",
    "codecraft:student": "-",
    "codecraft:deployment": "anycompany-orders",
}
TAG_LIST = [
    {"Key": "codecraft:workshop", "Value": "anycompany-orders"},
    {"Key": "codecraft:student", "Value": "-"},
    {"Key": "codecraft:deployment", "Value": "anycompany-orders"},
]

# What the dependencies of each resource produced (as the engine would pass them on).
OUTPUTS: dict[str, dict[str, Any]] = {
    "orders_table": {"name": "Orders", "arn": TABLE_ARN, "stream_arn": None},
    "notifications": {"name": "OrderNotifications", "arn": TOPIC_ARN},
    "processing_queue": {"name": "OrderProcessingQueue", "arn": QUEUE_ARN, "url": QUEUE_URL},
    "logs": {"name": "/aws/lambda/ProcessOrder", "arn": LOG_GROUP_ARN},
    "role": {"name": "ProcessOrderRole", "arn": ROLE_ARN},
    "process_order": {"name": "ProcessOrder", "arn": FUNCTION_ARN},
    "orders_api": {"name": "OrdersAPI", "id": API_ID,
                   "arn": f"arn:aws:apigateway:eu-west-3::/restapis/{API_ID}"},
}


@dataclass
class Harness:
    ctx: DeployContext
    stubbers: dict[str, Stubber]
    sleeps: list[float] = field(default_factory=list)
    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def stub(self, service: str) -> Stubber:
        return self.stubbers[service]

    def executor(self) -> Executor:
        return Executor(self.ctx, sleep=self.sleeps.append)

    def plan(self, logical_id: str, observed: Observed | None = None) -> tuple[Any, Any, dict, list]:
        res = self.ctx.workshop.resource(logical_id)
        props = resolve(res.properties, OUTPUTS)
        handler = handler_for(res.type)
        calls = handler.plan(self.ctx, res, props, observed or Observed(False))
        return handler, res, props, calls

    def sent_params(self, operation: str) -> list[dict[str, Any]]:
        return [params for _, op, params in self.sent if op == operation]

    def assert_done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Harness]:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    target = Target("aws", REGION)
    clients = Clients(target)
    clients._account_id = ACCOUNT
    stubbers: dict[str, Stubber] = {}
    harness = Harness(ctx=None, stubbers=stubbers)  # type: ignore[arg-type]

    def capture(params: dict[str, Any], model: Any, **_: Any) -> None:
        harness.sent.append((model.service_model.service_name, model.name, dict(params)))

    for service in SERVICES:
        client = boto3.client(service, region_name=REGION, aws_access_key_id="x",
                              aws_secret_access_key="y")
        client.meta.events.register("before-parameter-build.*.*", capture)
        clients._clients[service] = client
        stubbers[service] = Stubber(client)
        stubbers[service].activate()
    harness.ctx = DeployContext(load_workshop("anycompany-orders"), target, clients)
    yield harness
    for stubber in stubbers.values():
        stubber.deactivate()


# --- lambda.function -----------------------------------------------------------------------

CREATE_FUNCTION = {
    "FunctionName": "ProcessOrder",
    "Runtime": "python3.12",
    "Handler": "app.lambda_handler",
    "Role": ROLE_ARN,
    "Timeout": 10,
    "MemorySize": 128,
    "Environment": {"Variables": {"TABLE_NAME": "Orders", "TOPIC_ARN": TOPIC_ARN}},
    "Code": {"ZipFile": ANY},
    "Architectures": ["x86_64"],
    "Description": "codecraft: function",
    "Tags": TAGS,
}
CREATED_FUNCTION = {"FunctionName": "ProcessOrder", "FunctionArn": FUNCTION_ARN, "State": "Pending"}
ACTIVE_FUNCTION = {"Configuration": {"FunctionName": "ProcessOrder", "FunctionArn": FUNCTION_ARN,
                                     "State": "Active"}}
ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


def test_create_function_request(aws: Harness) -> None:
    _, _, _, calls = aws.plan("process_order")
    stub = aws.stub("lambda")
    stub.add_response("create_function", CREATED_FUNCTION, CREATE_FUNCTION)
    stub.add_response("get_function", ACTIVE_FUNCTION, {"FunctionName": "ProcessOrder"})

    results = aws.executor().run(calls)

    aws.assert_done()
    assert results["created"]["FunctionArn"] == FUNCTION_ARN
    assert steps(calls) == ["create_function", "wait:function_active_v2"]
    sent_zip = aws.sent_params("CreateFunction")[0]["Code"]["ZipFile"]
    assert sent_zip == calls[0].params["Code"]["ZipFile"]
    with zipfile.ZipFile(io.BytesIO(calls[0].params["Code"]["ZipFile"])) as zf:
        assert zf.testzip() is None
        assert "app.py" in zf.namelist()
        assert "def lambda_handler" in zf.read("app.py").decode("utf-8")


def test_function_zip_is_cached_under_codecraft_home(aws: Harness, tmp_path) -> None:
    aws.plan("process_order")

    assert list((tmp_path / "home" / "build").glob("process_order-*.zip"))


def test_create_function_retries_while_the_role_propagates(aws: Harness) -> None:
    _, _, _, calls = aws.plan("process_order")
    stub = aws.stub("lambda")
    for _ in range(2):
        stub.add_client_error("create_function", "InvalidParameterValueException", ROLE_NOT_ASSUMABLE,
                              400, expected_params=CREATE_FUNCTION)
    stub.add_response("create_function", CREATED_FUNCTION, CREATE_FUNCTION)
    stub.add_response("get_function", ACTIVE_FUNCTION, {"FunctionName": "ProcessOrder"})

    results = aws.executor().run(calls)

    aws.assert_done()
    assert results["created"]["FunctionArn"] == FUNCTION_ARN
    assert aws.sleeps == [1.0, 2.0]
    assert len(aws.sent_params("CreateFunction")) == 3


def test_create_function_gives_up_when_the_role_never_propagates(aws: Harness) -> None:
    _, _, _, calls = aws.plan("process_order")
    stub = aws.stub("lambda")
    for _ in range(60):
        stub.add_client_error("create_function", "InvalidParameterValueException", ROLE_NOT_ASSUMABLE,
                              400, expected_params=CREATE_FUNCTION)

    with pytest.raises(AwsFailure, match="InvalidParameterValueException"):
        aws.executor().run(calls)

    aws.assert_done()
    assert len(aws.sleeps) == 59
    assert max(aws.sleeps) == 3.0
    assert 150 <= sum(aws.sleeps) <= 200  # about three minutes of patience, no more


def test_create_function_other_invalid_parameter_is_not_retried(aws: Harness) -> None:
    _, _, _, calls = aws.plan("process_order")
    aws.stub("lambda").add_client_error(
        "create_function", "InvalidParameterValueException",
        "Unzipped size must be smaller than 262144000 bytes", 400, expected_params=CREATE_FUNCTION)

    with pytest.raises(AwsFailure, match="Unzipped size"):
        aws.executor().run(calls)

    aws.assert_done()
    assert aws.sleeps == []


# --- apigateway.route and lambda.permission ------------------------------------------------

INTEGRATION_URI = ("arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder/invocations")
EXECUTE_ARN = "arn:aws:execute-api:eu-west-3:111122223333:a1b2c3d4e5/*/POST/orders"


def _stub_route(stub: Stubber, root: str = "root123") -> None:
    stub.add_response(
        "create_resource", {"id": "res456", "parentId": root, "pathPart": "orders", "path": "/orders"},
        {"restApiId": API_ID, "parentId": root, "pathPart": "orders"})
    stub.add_response(
        "put_method", {"httpMethod": "POST", "authorizationType": "NONE"},
        {"restApiId": API_ID, "resourceId": "res456", "httpMethod": "POST", "authorizationType": "NONE"})
    stub.add_response(
        "put_integration", {"type": "AWS_PROXY", "httpMethod": "POST", "uri": INTEGRATION_URI},
        {"restApiId": API_ID, "resourceId": "res456", "httpMethod": "POST", "type": "AWS_PROXY",
         "integrationHttpMethod": "POST", "uri": INTEGRATION_URI})


def test_route_requests(aws: Harness) -> None:
    observed = Observed(False, {"resources": {"/": "root123"}})
    handler, res, props, calls = aws.plan("post_orders", observed)
    _stub_route(aws.stub("apigateway"))

    results = aws.executor().run(calls)

    aws.assert_done()
    outputs = handler.resolve_outputs(aws.ctx, res, props, observed, results)
    assert outputs["resource_id"] == "res456"
    assert outputs["created_resources"] == ["res456"]
    assert outputs["execute_arn"] == EXECUTE_ARN


def test_route_on_a_new_api_finds_the_root_resource_first(aws: Harness) -> None:
    observed = Observed(False, {"resources": {}})
    _, _, _, calls = aws.plan("post_orders", observed)
    stub = aws.stub("apigateway")
    stub.add_response("get_resources", {"items": [{"id": "rootXYZ", "path": "/"}]}, {"restApiId": API_ID})
    _stub_route(stub, root="rootXYZ")

    aws.executor().run(calls)

    aws.assert_done()


def test_invoke_permission_request(aws: Harness) -> None:
    route_observed = Observed(False, {"resources": {"/": "root123"}})
    route, route_res, route_props, _ = aws.plan("post_orders", route_observed)
    route_outputs = route.resolve_outputs(aws.ctx, route_res, route_props, route_observed,
                                          {"resource0": {"id": "res456"}})
    assert route_outputs["execute_arn"] == EXECUTE_ARN
    OUTPUTS_WITH_ROUTE = {**OUTPUTS, "post_orders": route_outputs}
    res = aws.ctx.workshop.resource("invoke_permission")
    props = resolve(res.properties, OUTPUTS_WITH_ROUTE)
    calls = handler_for(res.type).plan(aws.ctx, res, props, Observed(False))
    aws.stub("lambda").add_response("add_permission", {"Statement": "{}"}, {
        "FunctionName": "ProcessOrder",
        "StatementId": "codecraft-invoke_permission",
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": "arn:aws:execute-api:eu-west-3:111122223333:a1b2c3d4e5/*/POST/orders",
    })

    aws.executor().run(calls)

    aws.assert_done()


# --- dynamodb.table ------------------------------------------------------------------------


def test_create_table_request(aws: Harness) -> None:
    _, _, _, calls = aws.plan("orders_table")
    stub = aws.stub("dynamodb")
    stub.add_response("create_table", {"TableDescription": {"TableName": "Orders", "TableStatus": "CREATING",
                                                            "TableArn": TABLE_ARN}}, {
        "TableName": "Orders",
        "KeySchema": [{"AttributeName": "order_id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "order_id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "Tags": TAG_LIST,
    })
    stub.add_response("describe_table", {"Table": {"TableName": "Orders", "TableStatus": "ACTIVE"}},
                      {"TableName": "Orders"})

    aws.executor().run(calls)

    aws.assert_done()
    assert "ProvisionedThroughput" not in aws.sent_params("CreateTable")[0]


# --- sqs.queue and sns.subscription --------------------------------------------------------


def test_create_queue_request_and_policy(aws: Harness) -> None:
    _, _, _, calls = aws.plan("processing_queue")
    aws.stub("sqs").add_response("create_queue", {"QueueUrl": QUEUE_URL}, {
        "QueueName": "OrderProcessingQueue",
        "Attributes": {"VisibilityTimeout": "60", "Policy": ANY},
        "tags": TAGS,
    })

    aws.executor().run(calls)

    aws.assert_done()
    sent = aws.sent_params("CreateQueue")[0]
    assert set(sent["Attributes"]) == {"VisibilityTimeout", "Policy"}
    policy = json.loads(sent["Attributes"]["Policy"])
    assert policy["Version"] == "2012-10-17"
    assert len(policy["Statement"]) == 1
    statement = policy["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == QUEUE_ARN
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": [TOPIC_ARN]}}


def test_subscribe_request(aws: Harness) -> None:
    _, _, _, calls = aws.plan("queue_subscription")
    sub_arn = TOPIC_ARN + ":0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    aws.stub("sns").add_response("subscribe", {"SubscriptionArn": sub_arn}, {
        "TopicArn": TOPIC_ARN,
        "Protocol": "sqs",
        "Endpoint": QUEUE_ARN,
        "Attributes": {"RawMessageDelivery": "true"},
        "ReturnSubscriptionArn": True,
    })

    results = aws.executor().run(calls)

    aws.assert_done()
    assert results["created"]["SubscriptionArn"] == sub_arn


# --- iam.role ------------------------------------------------------------------------------


def test_create_role_requests_and_least_privilege_policy(aws: Harness) -> None:
    _, _, _, calls = aws.plan("role")
    stub = aws.stub("iam")
    stub.add_response("create_role", {"Role": {
        "Path": "/", "RoleName": "ProcessOrderRole", "RoleId": "AROAEXAMPLEID000000000",
        "Arn": ROLE_ARN, "CreateDate": "2025-01-01T00:00:00Z"}}, {
        "RoleName": "ProcessOrderRole",
        "AssumeRolePolicyDocument": ANY,
        "Description": "codecraft: function (role)",
        "Tags": TAG_LIST,
    })
    stub.add_response("put_role_policy", {}, {
        "RoleName": "ProcessOrderRole",
        "PolicyName": "codecraft",
        "PolicyDocument": ANY,
    })

    aws.executor().run(calls)

    aws.assert_done()
    trust = json.loads(aws.sent_params("CreateRole")[0]["AssumeRolePolicyDocument"])
    assert trust["Statement"] == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                   "Action": "sts:AssumeRole"}]
    policy = json.loads(aws.sent_params("PutRolePolicy")[0]["PolicyDocument"])
    granted: dict[str, set[str]] = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for resource in resources:
            assert resource != "*"
            assert resource.startswith("arn:aws:")
            assert "*" not in resource.removesuffix(":*")
        for action in actions:
            assert "*" not in action
            granted.setdefault(action, set()).update(resources)
    assert granted == {
        "dynamodb:PutItem": {TABLE_ARN},
        "sns:Publish": {TOPIC_ARN},
        "logs:CreateLogStream": {LOG_GROUP_ARN + ":*"},
        "logs:PutLogEvents": {LOG_GROUP_ARN + ":*"},
    }


def test_delete_role_order_and_already_gone(aws: Harness) -> None:
    handler = handler_for("iam.role")
    record = {"outputs": {"name": "ProcessOrderRole", "arn": ROLE_ARN}}
    found = {"attached": ["arn:aws:iam::aws:policy/X"], "inline": ["codecraft"]}
    calls = handler.plan_delete(record, found)
    assert [c.method for c in calls] == ["detach_role_policy", "delete_role_policy", "delete_role"]
    stub = aws.stub("iam")
    stub.add_response("detach_role_policy", {},
                      {"RoleName": "ProcessOrderRole", "PolicyArn": "arn:aws:iam::aws:policy/X"})
    stub.add_response("delete_role_policy", {}, {"RoleName": "ProcessOrderRole", "PolicyName": "codecraft"})
    stub.add_client_error("delete_role", "NoSuchEntity", "The role with name ProcessOrderRole cannot be found.",
                          404, expected_params={"RoleName": "ProcessOrderRole"})

    aws.executor().run(calls)  # NoSuchEntity is "already gone": no exception

    aws.assert_done()
    assert [op for _, op, _ in aws.sent] == ["DetachRolePolicy", "DeleteRolePolicy", "DeleteRole"]


def test_delete_role_other_error_is_reported(aws: Harness) -> None:
    calls = handler_for("iam.role").plan_delete({"outputs": {"name": "ProcessOrderRole", "arn": ROLE_ARN}},
                                                {"attached": [], "inline": []})
    aws.stub("iam").add_client_error("delete_role", "DeleteConflict",
                                     "Cannot delete entity, must remove roles from instance profile first.",
                                     409, expected_params={"RoleName": "ProcessOrderRole"})

    with pytest.raises(AwsFailure, match="DeleteConflict"):
        aws.executor().run(calls)

    aws.assert_done()
