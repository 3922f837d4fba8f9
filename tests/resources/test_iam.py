"""iam.role: trust and least-privilege policy, deletion order, already gone."""

from __future__ import annotations

import json

import pytest
from botocore.stub import ANY

from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed

from .fakes import PLANNED, TOPIC, plan
from .orders_outputs import LOG_GROUP_ARN, ROLE_ARN, TABLE_ARN, TAG_LIST, TOPIC_ARN
from .stubs import Harness


def test_role_policy_is_scoped_to_exact_arns() -> None:
    calls = plan("role", Observed(False))
    assert [c.method for c in calls] == ["create_role", "put_role_policy"]
    trust = json.loads(calls[0].params["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    policy = json.loads(calls[1].params["PolicyDocument"])
    resources = [r for st in policy["Statement"] for r in st["Resource"]]
    assert resources == [PLANNED["orders_table"]["arn"], TOPIC, PLANNED["logs"]["arn"] + ":*"]
    assert all(r != "*" for r in resources)


def test_role_delete_order_detach_then_inline_then_role() -> None:
    handler = handler_for("iam.role")
    calls = handler.plan_delete({"outputs": {"name": "R"}}, {"attached": ["arn:p"], "inline": ["codecraft"]})
    assert [c.method for c in calls] == ["detach_role_policy", "delete_role_policy", "delete_role"]
    assert all("NoSuchEntity" in c.gone_ok for c in calls)


# --- the requests sent ---


def test_create_role_requests_and_least_privilege_policy(orders: Harness) -> None:
    _, _, _, calls = orders.plan("role")
    stub = orders.stub("iam")
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

    orders.executor().run(calls)

    orders.assert_done()
    trust = json.loads(orders.sent_params("CreateRole")[0]["AssumeRolePolicyDocument"])
    assert trust["Statement"] == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                   "Action": "sts:AssumeRole"}]
    policy = json.loads(orders.sent_params("PutRolePolicy")[0]["PolicyDocument"])
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


def test_delete_role_order_and_already_gone(orders: Harness) -> None:
    handler = handler_for("iam.role")
    record = {"outputs": {"name": "ProcessOrderRole", "arn": ROLE_ARN}}
    found = {"attached": ["arn:aws:iam::aws:policy/X"], "inline": ["codecraft"]}
    calls = handler.plan_delete(record, found)
    assert [c.method for c in calls] == ["detach_role_policy", "delete_role_policy", "delete_role"]
    stub = orders.stub("iam")
    stub.add_response("detach_role_policy", {},
                      {"RoleName": "ProcessOrderRole", "PolicyArn": "arn:aws:iam::aws:policy/X"})
    stub.add_response("delete_role_policy", {}, {"RoleName": "ProcessOrderRole", "PolicyName": "codecraft"})
    stub.add_client_error("delete_role", "NoSuchEntity", "The role with name ProcessOrderRole cannot be found.",
                          404, expected_params={"RoleName": "ProcessOrderRole"})

    orders.executor().run(calls)  # NoSuchEntity is "already gone": no exception

    orders.assert_done()
    assert [op for _, op, _ in orders.sent] == ["DetachRolePolicy", "DeleteRolePolicy", "DeleteRole"]


def test_delete_role_other_error_is_reported(orders: Harness) -> None:
    calls = handler_for("iam.role").plan_delete({"outputs": {"name": "ProcessOrderRole", "arn": ROLE_ARN}},
                                                {"attached": [], "inline": []})
    orders.stub("iam").add_client_error("delete_role", "DeleteConflict",
                                     "Cannot delete entity, must remove roles from instance profile first.",
                                     409, expected_params={"RoleName": "ProcessOrderRole"})

    with pytest.raises(AwsFailure, match="DeleteConflict"):
        orders.executor().run(calls)

    orders.assert_done()


# --- a role built in the console, found through the function (ctx.found) ---

CONSOLE_ROLE = "ProcessOrder-role-k2x9x1ab"
BASIC = "arn:aws:iam::111122223333:policy/service-role/AWSLambdaBasicExecutionRole-0f4a5b6c-1d2e-4f3a-8b9c-0d1e2f3a4b5c"
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# what the Lambda console writes in AWSLambdaBasicExecutionRole-<id> (Lambda Developer Guide,
# "Defining Lambda function permissions with an execution role")
BASIC_DOC = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "arn:aws:logs:eu-west-3:111122223333:*"},
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": ["arn:aws:logs:eu-west-3:111122223333:log-group:/aws/lambda/ProcessOrder:*"]}]}


def _console_role(orders: Harness, managed: list[str], inline: dict[str, dict] | None = None,
                  trust: dict | None = None) -> Observed:
    orders.ctx.found["role"] = CONSOLE_ROLE
    orders.ctx.clients._learner_lab = False  # not AWS Academy: no STS look-up
    stub = orders.stub("iam")
    stub.add_response("get_role", {"Role": {
        "Path": "/service-role/", "RoleName": CONSOLE_ROLE, "RoleId": "AROAEXAMPLEEXAMPLE01",
        "Arn": f"arn:aws:iam::111122223333:role/service-role/{CONSOLE_ROLE}", "CreateDate": "2026-11-29T10:00:00Z",
        "AssumeRolePolicyDocument": json.dumps(trust or LAMBDA_TRUST)}}, {"RoleName": CONSOLE_ROLE})
    stub.add_client_error("get_role_policy", "NoSuchEntity", "The role policy with name codecraft cannot be found.",
                          404, expected_params={"RoleName": CONSOLE_ROLE, "PolicyName": "codecraft"})
    stub.add_response("list_attached_role_policies", {"AttachedPolicies": [
        {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in managed]}, {"RoleName": CONSOLE_ROLE})
    stub.add_response("list_role_tags", {"Tags": []}, {"RoleName": CONSOLE_ROLE})
    stub.add_response("list_role_policies", {"PolicyNames": sorted(inline or {})}, {"RoleName": CONSOLE_ROLE})
    for name, doc in sorted((inline or {}).items()):
        stub.add_response("get_role_policy", {"RoleName": CONSOLE_ROLE, "PolicyName": name,
                                              "PolicyDocument": json.dumps(doc)},
                          {"RoleName": CONSOLE_ROLE, "PolicyName": name})
    for arn in sorted(managed):
        if arn == BASIC:
            stub.add_response("get_policy", {"Policy": {"PolicyName": arn.rsplit("/", 1)[-1], "Arn": arn,
                                                        "DefaultVersionId": "v1"}}, {"PolicyArn": arn})
            stub.add_response("get_policy_version", {"PolicyVersion": {"Document": json.dumps(BASIC_DOC),
                                                                       "VersionId": "v1", "IsDefaultVersion": True}},
                              {"PolicyArn": arn, "VersionId": "v1"})
    res = orders.ctx.workshop.resource("role")
    observed = handler_for(res.type).observe_by_hand(orders.ctx, res, _role_props(orders))
    orders.assert_done()
    return observed


def _role_props(orders: Harness) -> dict:
    from codecraft_cli.workshop.model import resolve

    return resolve(orders.ctx.workshop.resource("role").properties, orders.outputs)


def _judge_role(orders: Harness, observed: Observed) -> tuple[list, list]:
    res = orders.ctx.workshop.resource("role")
    handler = handler_for(res.type)
    found = handler.check(orders.ctx, res, _role_props(orders), observed, by_hand=True)
    return [f for f in found if handler.requires(res, f)], [f for f in found if not handler.requires(res, f)]


def test_console_role_with_full_access_policies_passes_with_least_privilege_advice(orders: Harness) -> None:
    """The role the Lambda console makes, plus the AWS managed policies students attach: nothing
    the seed prescribes is wrong; the broad policies are advice naming what the function needs."""
    observed = _console_role(orders, [BASIC, "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
                                      "arn:aws:iam::aws:policy/AmazonSNSFullAccess"])
    assert observed.exists
    failures, advice = _judge_role(orders, observed)
    assert failures == []
    assert [f.prop for f in advice] == ["policy", "policy"]
    dynamo, sns = advice
    assert "AmazonDynamoDBFullAccess" in dynamo.fix and "dynamodb:PutItem" in dynamo.fix and dynamo.reason
    assert "AmazonSNSFullAccess" in sns.fix and "sns:Publish" in sns.fix
    assert not any("AWSLambdaBasicExecutionRole" in f.fix for f in advice)  # the console's own: scoped


def test_console_role_missing_a_permission_is_not_a_resource_failure(orders: Harness) -> None:
    """Without sns:Publish the behaviour fails and the diagnosis names it: the row does not."""
    observed = _console_role(orders, [BASIC, "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"])
    failures, _ = _judge_role(orders, observed)
    assert failures == []


def test_inline_wildcard_policy_is_advice(orders: Harness) -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
    observed = _console_role(orders, [BASIC], inline={"orders-access": doc})
    failures, advice = _judge_role(orders, observed)
    assert failures == [] and [f.prop for f in advice] == ["policy"] and "dynamodb:*" in advice[0].fix


def test_role_lambda_cannot_assume_fails(orders: Harness) -> None:
    """The trusted entity is what the YAML's seed: [service] keeps prescribed."""
    ec2_trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    failures, _ = _judge_role(orders, _console_role(orders, [BASIC], trust=ec2_trust))
    assert [f.prop for f in failures] == ["service"] and "lambda.amazonaws.com" in failures[0].fix


def test_role_name_and_policies_are_open_by_default() -> None:
    from codecraft_cli.resources.iam import Role

    assert Role.prescribed == ()
