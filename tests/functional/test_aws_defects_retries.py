"""AWS's eventual consistency and quotas, pinned with botocore's Stubber: a queue name reused
within 60 s, a secret still being deleted, S3 not yet seeing Lambda's permission, DynamoDB
updates while UPDATING, IAM propagation vs other errors, the Learner Lab hint, API Gateway's
per-account quotas. Each test fails without its fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.aws.errors import response_error, translate
from codecraft_cli.aws.retry import Pacer
from codecraft_cli.aws.tombstones import remember_deleted
from codecraft_cli.engine.classroom import teardown_estimate
from codecraft_cli.engine.executor import Executor
from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed, Wait
from codecraft_cli.workshop.model import ResourceSpec

from ..resources.orders_outputs import OUTPUTS as ORDERS_OUTPUTS
from ..resources.projects_outputs import W1_OUTPUTS
from ..resources.stubs import Harness, stubbed

QUEUE_URL = "https://sqs.eu-west-3.amazonaws.com/111122223333/OrderProcessingQueue"


@pytest.fixture
def orders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    with stubbed("anycompany-orders", ORDERS_OUTPUTS, monkeypatch, tmp_path) as harness:
        yield harness


@pytest.fixture
def w1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    with stubbed("workshop1", W1_OUTPUTS, monkeypatch, tmp_path) as harness:
        yield harness


def _queue_id(h: Harness) -> str:
    return next(r.id for r in h.ctx.workshop.resources if r.type == "sqs.queue")


def test_a_queue_deleted_seconds_ago_is_not_unchanged_and_its_creation_waits(orders: Harness) -> None:
    # DeleteQueue: "the deletion process takes up to 60 seconds. Requests you send involving that
    # queue during the 60 seconds might succeed" and CreateQueue: QueueDeletedRecently (SQS API reference)
    handler, res, props, _ = orders.plan(_queue_id(orders))
    name = handler.name(orders.ctx, res)
    url = f"https://sqs.eu-west-3.amazonaws.com/111122223333/{name}"
    delete = handler.plan_delete({"outputs": {"name": name, "url": url}})
    stub = orders.stub("sqs")
    stub.add_response("delete_queue", {}, {"QueueUrl": url})
    orders.executor().run(delete)  # remembered as being deleted
    stub.add_response("get_queue_url", {"QueueUrl": url}, {"QueueName": name})  # still answers

    observed = handler.observe(orders.ctx, res, props)

    assert not observed.exists
    calls = handler.plan(orders.ctx, res, props, observed)
    assert [c.method for c in calls] == ["create_queue"]
    for _ in range(2):
        stub.add_client_error("create_queue", "AWS.SimpleQueueService.QueueDeletedRecently",
                              "You must wait 60 seconds after deleting a queue before you can create another "
                              "queue with the same name.", 400)
    stub.add_response("create_queue", {"QueueUrl": url})
    executor = orders.executor()
    said: list[str] = []
    executor.notify = said.append

    executor.run(calls)

    orders.assert_done()
    assert orders.sleeps == [5.0, 10.0]
    assert len(said) == 2 and "60 s" in said[0]


def test_a_queue_deleted_long_ago_by_someone_else_is_observed(orders: Harness) -> None:
    handler, res, props, _ = orders.plan(_queue_id(orders))
    name = handler.name(orders.ctx, res)
    url = f"https://sqs.eu-west-3.amazonaws.com/111122223333/{name}"
    remember_deleted(f"sqs:{url}", now=0.0)  # in 1970: long forgotten
    stub = orders.stub("sqs")
    stub.add_response("get_queue_url", {"QueueUrl": url}, {"QueueName": name})
    stub.add_response("get_queue_attributes", {"Attributes": {"VisibilityTimeout": "60"}},
                      {"QueueUrl": url, "AttributeNames": ["All"]})
    stub.add_response("list_queue_tags", {"Tags": {}}, {"QueueUrl": url})

    assert handler.observe(orders.ctx, res, props).exists


def test_secret_creation_waits_while_the_old_one_is_still_being_deleted(w1: Harness) -> None:
    _, _, _, calls = w1.plan("test_user_password")
    stub = w1.stub("secretsmanager")
    stub.add_response("get_random_password", {"RandomPassword": "Hb7!kL3#xQ9^sD2*fJ5+"})
    for _ in range(2):
        stub.add_client_error("create_secret", "InvalidRequestException",
                              "You can't create this secret because a secret with this name is already "
                              "scheduled for deletion.", 400)
    stub.add_response("create_secret", {"ARN": "arn:aws:secretsmanager:eu-west-3:111122223333:secret:x-AbCdEf",
                                        "Name": "codecraft/workshop1/test-user-password"})

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sleeps == [2.0, 4.0]


def test_secret_other_invalid_request_is_not_retried(w1: Harness) -> None:
    _, _, _, calls = w1.plan("test_user_password")
    stub = w1.stub("secretsmanager")
    stub.add_response("get_random_password", {"RandomPassword": "Hb7!kL3#xQ9^sD2*fJ5+"})
    stub.add_client_error("create_secret", "InvalidRequestException", "You can't perform this operation on "
                          "the secret because it was marked for deletion.", 400)
    with pytest.raises(AwsFailure):
        w1.executor().run(calls)
    assert w1.sleeps == []


def test_s3_notification_retried_until_lambda_permission_is_visible(orders: Harness) -> None:
    # S3 validates the destination when the configuration is put: right after AddPermission it may not
    # see it yet ("Unable to validate the following destination configurations")
    call = handler_for("s3.notification").plan(orders.ctx, _notification(), {
        "bucket": "images-1a2b3c4d", "function": "arn:aws:lambda:eu-west-3:111122223333:function:Resize"},
        Observed(False, {"others": []}))[0]
    client = boto3.client("s3", region_name="eu-west-3", aws_access_key_id="x", aws_secret_access_key="y")
    orders.ctx.clients._clients["s3"] = client
    with Stubber(client) as stub:
        for _ in range(2):
            stub.add_client_error("put_bucket_notification_configuration", "InvalidArgument",
                                  "Unable to validate the following destination configurations", 400)
        stub.add_response("put_bucket_notification_configuration", {})
        orders.executor().run([call])
        stub.assert_no_pending_responses()
    assert orders.sleeps == [2.0, 4.0]


def _notification() -> ResourceSpec:
    return ResourceSpec(id="upload_notification", type="s3.notification", step="s")


def test_dynamodb_waits_for_active_between_and_before_updates(orders: Harness) -> None:
    # UpdateTable while the table is UPDATING: ResourceInUseException (DynamoDB API reference)
    res = next(r for r in orders.ctx.workshop.resources if r.type == "dynamodb.table")
    handler = handler_for(res.type)
    props = {**res.properties, "billing": "PAY_PER_REQUEST", "stream": "NEW_IMAGE"}
    observed = Observed(True, {"key_schema": [{"AttributeName": props["partition_key"]["name"], "KeyType": "HASH"}],
                               "billing": "PROVISIONED", "stream": None, "status": "UPDATING"})

    calls = handler.plan(orders.ctx, res, props, observed)

    kinds = [f"wait:{c.waiter}" if isinstance(c, Wait) else c.method for c in calls]
    assert kinds == ["wait:table_exists", "update_table", "wait:table_exists", "update_table", "wait:table_exists"]


def test_create_function_fails_at_once_on_an_error_that_is_not_iam_propagation(orders: Harness) -> None:
    _, _, _, calls = orders.plan("process_order")
    orders.stub("lambda").add_client_error(
        "create_function", "InvalidParameterValueException",
        "The role defined for the function is not a valid IAM role ARN in this partition.", 400)

    with pytest.raises(AwsFailure):
        orders.executor().run(calls)

    assert orders.sleeps == []


def test_learner_lab_switch_not_suggested_to_an_ordinary_account() -> None:
    failure = translate(response_error("AccessDenied", "User: arn:aws:iam::111122223333:user/teacher is not "
                                       "authorized to perform: iam:CreateRole on resource: role ProcessOrderRole",
                                       "CreateRole"), "iam.create_role")
    assert "CODECRAFT_LEARNER_LAB" not in (failure.hint or "")
    assert "iam:CreateRole" in (failure.hint or "")


def test_a_vocstartsoft_session_is_a_learner_lab(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODECRAFT_LEARNER_LAB", raising=False)
    clients = Clients(Target("aws", "us-east-1"))
    client = boto3.client("sts", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    clients._clients["sts"] = client
    with Stubber(client) as stub:
        stub.add_response("get_caller_identity", {"Account": "111122223333", "UserId": "AROA:x",
                                                  "Arn": "arn:aws:sts::111122223333:assumed-role/vocstartsoft/u"})
        assert clients.learner_lab


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rest_api_deletions_paced_one_per_30_seconds_across_students(orders: Harness) -> None:
    # API Gateway quotas: DeleteRestApi 1 request every 30 seconds per account
    clock = Clock()
    pacer = Pacer(lambda: clock.now)
    stub = orders.stub("apigateway")
    said: list[str] = []
    for api in ("a1", "b2", "c3"):
        stub.add_response("delete_rest_api", {}, {"restApiId": api})
        executor = Executor(orders.ctx, sleep=clock.sleep, pacer=pacer)  # one per student, one pacer
        executor.notify = said.append
        executor.run([Call("apigateway", "delete_rest_api", {"restApiId": api})])

    orders.assert_done()
    assert clock.sleeps == [30.0, 30.0]
    assert "one every 30 s" in said[0]


def test_classroom_teardown_states_its_expected_duration() -> None:
    line = teardown_estimate("workshop2", Target("aws", "us-east-1"), 10)
    assert line is not None and "10 APIs" in line and "4 min" in line  # 9 waits of 30 s
    assert teardown_estimate("workshop2", Target("local", "us-east-1"), 10) is None
