"""Setup, rerun, crash-resume and teardown of anycompany-orders with moto in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.deploy import Deployer
from codecraft_cli.engine.executor import DisplayExecutor, Executor
from codecraft_cli.engine.session import state_for
from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources.base import Step, Wait
from codecraft_cli.workshop import load_workshop

W = load_workshop("anycompany-orders")
READ_ONLY = ("get_", "list_", "describe_")


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def context(student: str | None = None) -> DeployContext:
    return DeployContext(W, Target("aws", "us-east-1"), Clients(Target("aws", "us-east-1")), student)


class CountingExecutor(Executor):
    def __init__(self, ctx: DeployContext, crash_after: int | None = None) -> None:
        super().__init__(ctx, sleep=lambda s: None)
        self.mutations: list[str] = []
        self.crash_after = crash_after

    def _one(self, call: Step, params: dict[str, Any]) -> Any:
        if not isinstance(call, Wait) and not call.method.startswith(READ_ONLY):
            if self.crash_after is not None and len(self.mutations) >= self.crash_after:
                raise KeyboardInterrupt("simulated crash")
            self.mutations.append(f"{call.service}.{call.method}")
        return super()._one(call, params)


def setup(student: str | None = None, crash_after: int | None = None) -> tuple[list[Any], CountingExecutor]:
    ctx = context(student)
    executor = CountingExecutor(ctx, crash_after)
    return Deployer(ctx, state_for(ctx), executor).setup(), executor


def teardown(student: str | None = None) -> list[Any]:
    ctx = context(student)
    return Deployer(ctx, state_for(ctx), Executor(ctx, sleep=lambda s: None)).teardown()


def leftovers() -> dict[str, list[str]]:
    return {
        "tables": boto3.client("dynamodb").list_tables()["TableNames"],
        "functions": [f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]],
        "apis": [a["name"] for a in boto3.client("apigateway").get_rest_apis()["items"]],
        "topics": [t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]],
        "subscriptions": [s["SubscriptionArn"] for s in boto3.client("sns").list_subscriptions()["Subscriptions"]],
        "queues": boto3.client("sqs").list_queues().get("QueueUrls", []),
        "roles": [r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]],
        "log_groups": [g["logGroupName"] for g in boto3.client("logs").describe_log_groups()["logGroups"]],
    }


def test_setup_creates_tags_and_records_everything_then_rerun_changes_nothing(aws: None) -> None:
    results, first = setup()
    assert {r.action for r in results} == {"created"}
    assert len(results) == len(W.resources) == 11
    ctx = context()
    state = state_for(ctx)
    assert set(state.resources) == {r.id for r in W.resources}
    table_arn = state.resources["orders_table"]["outputs"]["arn"]
    tags = {t["Key"]: t["Value"] for t in boto3.client("dynamodb").list_tags_of_resource(ResourceArn=table_arn)["Tags"]}
    assert tags == {"codecraft:workshop": "anycompany-orders", "codecraft:student": "-",
                    "codecraft:deployment": "anycompany-orders"}
    fn = boto3.client("lambda").get_function(FunctionName="ProcessOrder")
    assert fn["Tags"]["codecraft:deployment"] == "anycompany-orders"
    env = fn["Configuration"]["Environment"]["Variables"]
    assert env == {"TABLE_NAME": "Orders", "TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:OrderNotifications"}
    assert boto3.client("iam").list_role_tags(RoleName="ProcessOrderRole")["Tags"]
    # rerun: every resource observed as matching, not one mutating call
    again, second = setup()
    assert {r.action for r in again} == {"unchanged"}
    assert second.mutations == []


def test_teardown_leaves_nothing_and_a_second_teardown_is_a_no_op(aws: None) -> None:
    setup()
    deleted = teardown()
    assert len(deleted) == 11
    assert all(not v for v in leftovers().values()), leftovers()
    assert not state_for(context()).path.exists()
    assert teardown() == []


@pytest.mark.parametrize("crash_after", [1, 4, 9, 14])
def test_a_crash_at_any_point_is_finished_by_a_rerun_and_leaves_no_orphan(aws: None, crash_after: int) -> None:
    with pytest.raises(KeyboardInterrupt):
        setup(crash_after=crash_after)
    recorded = set(state_for(context()).resources)
    assert recorded  # what existed was recorded before the crash
    results, _ = setup()
    assert {r.action for r in results} <= {"created", "unchanged", "updated"}
    teardown()
    assert all(not v for v in leftovers().values()), leftovers()


def test_a_foreign_resource_with_the_same_name_is_not_taken_over_or_deleted(aws: None) -> None:
    boto3.client("dynamodb").create_table(
        TableName="Orders", KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    with pytest.raises(AwsFailure, match="Orders already exists and does not belong"):
        setup()
    teardown()
    assert boto3.client("dynamodb").list_tables()["TableNames"] == ["Orders"]


def test_two_students_coexist_and_tearing_one_down_keeps_the_other(aws: None) -> None:
    setup("alice")
    setup("bob")
    assert sorted(boto3.client("dynamodb").list_tables()["TableNames"]) == ["alice-Orders", "bob-Orders"]
    teardown("alice")
    left = leftovers()
    assert left["tables"] == ["bob-Orders"]
    assert left["functions"] == ["bob-ProcessOrder"]
    assert left["roles"] == ["bob-ProcessOrderRole"]


def test_dry_run_shows_the_plan_and_changes_nothing(aws: None) -> None:
    ctx = context()
    executor = DisplayExecutor(ctx)
    results = Deployer(ctx, state_for(ctx), executor).setup()
    assert {r.action for r in results} == {"planned"}
    methods = [c.action for c in executor.shown]
    assert "create_table" in methods and "create_function" in methods and "create_deployment" in methods
    assert all(not v for v in leftovers().values())
    assert not state_for(ctx).path.exists()


def test_drift_is_repaired_by_setup(aws: None) -> None:
    setup()
    boto3.client("lambda").update_function_configuration(FunctionName="ProcessOrder", Timeout=3)
    results, executor = setup()
    changed = {r.id: r.action for r in results if r.action != "unchanged"}
    assert changed == {"process_order": "updated"}
    assert "lambda.update_function_configuration" in executor.mutations
    assert boto3.client("lambda").get_function_configuration(FunctionName="ProcessOrder")["Timeout"] == 10
