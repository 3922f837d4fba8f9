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
