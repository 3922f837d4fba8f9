"""Plans are data: whole plans compared with no I/O (observed state given)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codecraft_cli.engine.packaging import Artifact
from codecraft_cli.errors import UserError
from codecraft_cli.aws.retry import IAM_PROPAGATION
from codecraft_cli.resources import all_handlers, handler_for
from codecraft_cli.resources.base import Call, Observed, Step, Var, Wait
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve

from .fakes import PlanContext

W = load_workshop("anycompany-orders")
TOPIC = "arn:aws:sns:eu-west-3:111122223333:OrderNotifications"
OUTPUTS = {
    "orders_table": {"name": "Orders", "arn": "arn:aws:dynamodb:eu-west-3:111122223333:table/Orders"},
    "notifications": {"name": "OrderNotifications", "arn": TOPIC},
    "processing_queue": {"arn": "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue"},
    "logs": {"arn": "arn:aws:logs:eu-west-3:111122223333:log-group:/aws/lambda/ProcessOrder"},
    "role": {"arn": "arn:aws:iam::111122223333:role/ProcessOrderRole"},
    "process_order": {"name": "ProcessOrder", "arn": "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder"},
    "orders_api": {"id": "api123"},
    "post_orders": {"fingerprint": "f1", "execute_arn": "arn:aws:execute-api:eu-west-3:111122223333:api123/*/POST/orders"},
}


def steps(plan: list[Step]) -> list[str]:
    """A plan's API methods, waits as ``wait:<waiter>``."""
    return [f"wait:{c.waiter}" if isinstance(c, Wait) else c.method for c in plan]


def plan(rid: str, observed: Observed, ctx: PlanContext | None = None) -> list[Step]:
    res = W.resource(rid)
    return handler_for(res.type).plan(ctx or PlanContext(), res, resolve(res.properties, OUTPUTS), observed)


def test_table_created_on_demand_and_waited_for() -> None:
    assert plan("orders_table", Observed(False)) == [
        Call("dynamodb", "create_table", {
            "TableName": "Orders",
            "KeySchema": [{"AttributeName": "order_id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "order_id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Tags": [{"Key": "codecraft:workshop", "Value": "anycompany-orders"},
                     {"Key": "codecraft:student", "Value": "-"},
                     {"Key": "codecraft:deployment", "Value": "anycompany-orders"}],
        }, output="created", records=True),
        Wait("dynamodb", "table_exists", {"TableName": "Orders"}),
    ]


def test_matching_table_plans_nothing_and_provisioned_one_is_switched() -> None:
    have = {"key_schema": [{"AttributeName": "order_id", "KeyType": "HASH"}], "billing": "PAY_PER_REQUEST", "stream": None}
    assert plan("orders_table", Observed(True, have, {})) == []
    switched = plan("orders_table", Observed(True, {**have, "billing": "PROVISIONED"}, {}))
    assert switched[0] == Call("dynamodb", "update_table", {"TableName": "Orders", "BillingMode": "PAY_PER_REQUEST"})


def test_table_with_another_key_is_refused() -> None:
    have = {"key_schema": [{"AttributeName": "id", "KeyType": "HASH"}], "billing": "PAY_PER_REQUEST", "stream": None}
    with pytest.raises(UserError, match="another key"):
        plan("orders_table", Observed(True, have, {}))


def test_student_prefix_reaches_names_and_tags() -> None:
    ctx = PlanContext(student="alice")
    calls = plan("orders_table", Observed(False), ctx)
    assert calls[0].params["TableName"] == "alice-Orders"
    assert {"Key": "codecraft:student", "Value": "alice"} in calls[0].params["Tags"]


def test_queue_policy_lets_only_the_topic_send() -> None:
    (call,) = plan("processing_queue", Observed(False))
    assert call.method == "create_queue" and call.records
    policy = json.loads(call.params["Attributes"]["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == "arn:aws:sqs:eu-west-3:111122223333:OrderProcessingQueue"
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": [TOPIC]}}


def test_queue_policy_drift_is_repaired_not_recreated() -> None:
    (wanted,) = plan("processing_queue", Observed(False))
    attrs = dict(wanted.params["Attributes"])
    attrs["Policy"] = json.dumps(json.loads(attrs["Policy"]))  # same JSON, other spacing
    assert plan("processing_queue", Observed(True, {"url": "u", **attrs}, {})) == []
    changed = plan("processing_queue", Observed(True, {"url": "u", **attrs, "VisibilityTimeout": "30"}, {}))
    assert changed == [Call("sqs", "set_queue_attributes", {"QueueUrl": "u", "Attributes": {"VisibilityTimeout": "60"}})]


def test_role_policy_is_scoped_to_exact_arns() -> None:
    calls = plan("role", Observed(False))
    assert [c.method for c in calls] == ["create_role", "put_role_policy"]
    trust = json.loads(calls[0].params["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    policy = json.loads(calls[1].params["PolicyDocument"])
    resources = [r for st in policy["Statement"] for r in st["Resource"]]
    assert resources == [OUTPUTS["orders_table"]["arn"], TOPIC, OUTPUTS["logs"]["arn"] + ":*"]
    assert all(r != "*" for r in resources)


def test_role_delete_order_detach_then_inline_then_role() -> None:
    handler = handler_for("iam.role")
    calls = handler.plan_delete({"outputs": {"name": "R"}}, {"attached": ["arn:p"], "inline": ["codecraft"]})
    assert [c.method for c in calls] == ["detach_role_policy", "delete_role_policy", "delete_role"]
    assert all("NoSuchEntity" in c.gone_ok for c in calls)


def _artifact(sha: str = "abc=") -> Artifact:
    return Artifact("process_order", Path("/x.zip"), b"PK-zip", sha, built=False)


def test_function_unchanged_code_and_config_plans_nothing() -> None:
    ctx = PlanContext(artifacts={"process_order": _artifact()})
    res = W.resource("process_order")
    props = resolve(res.properties, OUTPUTS)
    have = {"CodeSha256": "abc=", "Runtime": "python3.12", "Handler": "app.lambda_handler",
            "Role": OUTPUTS["role"]["arn"], "Timeout": 10, "MemorySize": 128,
            "Environment": {"Variables": {"TABLE_NAME": "Orders", "TOPIC_ARN": TOPIC}},
            "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}
    handler = handler_for(res.type)
    assert handler.plan(ctx, res, props, Observed(True, have, {})) == []
    changed_code = handler.plan(ctx, res, props, Observed(True, {**have, "CodeSha256": "old="}, {}))
    assert steps(changed_code) == ["update_function_code", "wait:function_updated_v2"]
    changed_env = handler.plan(ctx, res, props, Observed(True, {**have, "Timeout": 3}, {}))
    assert changed_env[0] == Call("lambda", "update_function_configuration",
                                  {"FunctionName": "ProcessOrder", "Timeout": 10}, retry=IAM_PROPAGATION)


def test_function_create_retries_role_propagation_and_waits_active() -> None:
    ctx = PlanContext(artifacts={"process_order": _artifact()})
    calls = plan("process_order", Observed(False), ctx)
    assert calls[0].method == "create_function" and calls[0].retry == IAM_PROPAGATION
    assert calls[0].params["Runtime"] == "python3.12"
    assert calls[0].params["Architectures"] == ["x86_64"]
    assert calls[1] == Wait("lambda", "function_active_v2", {"FunctionName": "ProcessOrder"})


def test_route_creates_missing_path_then_method_then_proxy_integration() -> None:
    calls = plan("post_orders", Observed(False, {"resources": {"/": "root1"}}))
    assert calls == [
        Call("apigateway", "create_resource", {"restApiId": "api123", "parentId": "root1", "pathPart": "orders"},
             output="resource0"),
        Call("apigateway", "put_method", {"restApiId": "api123", "resourceId": Var("resource0", ("id",)),
                                          "httpMethod": "POST", "authorizationType": "NONE"}, records=True),
        Call("apigateway", "put_integration", {
            "restApiId": "api123", "resourceId": Var("resource0", ("id",)), "httpMethod": "POST",
            "type": "AWS_PROXY", "integrationHttpMethod": "POST",
            "uri": "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-3:111122223333:function:ProcessOrder/invocations"}),
    ]


def test_stage_redeploys_only_when_the_live_api_changed() -> None:
    res = W.resource("stage")
    handler = handler_for(res.type)
    props = resolve(res.properties, OUTPUTS)
    (first,) = handler.plan(PlanContext(), res, props, Observed(False, {"live": "abc"}))
    assert first.method == "create_deployment" and first.params["stageName"] == "prod"
    assert first.params["description"] == "codecraft abc" and first.records
    same = Observed(True, {"description": "codecraft abc", "live": "abc"})
    assert handler.plan(PlanContext(), res, props, same) == []
    changed = Observed(True, {"description": "codecraft abc", "live": "def"})
    (redeploy,) = handler.plan(PlanContext(), res, props, changed)
    assert redeploy.method == "create_deployment" and not redeploy.records


def test_permission_source_arn_is_the_method_of_this_api() -> None:
    (call,) = plan("invoke_permission", Observed(False))
    assert call.params == {"FunctionName": "ProcessOrder", "StatementId": "codecraft-invoke_permission",
                           "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com",
                           "SourceArn": "arn:aws:execute-api:eu-west-3:111122223333:api123/*/POST/orders"}


def test_dry_run_placeholders_for_unknown_outputs() -> None:
    res = W.resource("post_orders")
    props = resolve(res.properties, {})
    calls = handler_for(res.type).plan(PlanContext(), res, props, Observed(False, {"resources": {}}))
    assert "<orders_api.id>" in calls[0].describe()


def test_every_handler_declares_schema_outputs_permissions_and_console_page() -> None:
    for name, handler in all_handlers().items():
        assert handler.info.type == name
        assert handler.outputs, name
        assert handler.permissions, name
        assert all(":" in p for p in handler.permissions), name
        assert handler.info.console, name
