"""dynamodb.table: created on demand and waited for, repaired, refused with another key."""

from __future__ import annotations


import pytest
from codecraft_cli.errors import UserError
from codecraft_cli.resources.base import Call, Observed, Wait

from .fakes import PlanContext, plan
from .orders_outputs import TABLE_ARN, TAG_LIST
from .stubs import Harness


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


# --- the requests sent ---


def test_create_table_request(orders: Harness) -> None:
    _, _, _, calls = orders.plan("orders_table")
    stub = orders.stub("dynamodb")
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

    orders.executor().run(calls)

    orders.assert_done()
    assert "ProvisionedThroughput" not in orders.sent_params("CreateTable")[0]
