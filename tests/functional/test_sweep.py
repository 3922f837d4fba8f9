"""teardown --sweep: without the state file, by tags only; look-alikes survive (moto in-process)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.deploy import Deployer
from codecraft_cli.engine.executor import Executor
from codecraft_cli.engine.session import state_for
from codecraft_cli.engine.sweep import delete, find
from codecraft_cli.workshop import load_workshop

REGION = "us-east-1"


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def deploy(workshop: str, student: str | None) -> DeployContext:
    ctx = DeployContext(load_workshop(workshop), Target("aws", REGION), Clients(Target("aws", REGION)), student)
    Deployer(ctx, state_for(ctx), Executor(ctx, sleep=lambda s: None)).setup()
    state_for(ctx).path.unlink()  # the state file is lost
    return ctx


def test_sweep_deletes_exactly_one_deployment_and_spares_look_alikes(aws: None) -> None:
    alice = deploy("anycompany-orders", "alice")
    deploy("anycompany-orders", "bob")  # another student's
    deploy("job-events", "alice")  # another deployment of the same student
    ddb = boto3.client("dynamodb", region_name=REGION)
    ddb.create_table(TableName="Orders", BillingMode="PAY_PER_REQUEST",  # same name, untagged
                     KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}])
    boto3.client("iam", region_name=REGION).create_role(RoleName="alice-ProcessOrderRole-copy",
                                                        AssumeRolePolicyDocument="{}")

    found = find(alice, "anycompany-orders", "alice")
    kinds = sorted(f.type for f in found)
    assert kinds == sorted(["dynamodb.table", "sns.topic", "sqs.queue", "lambda.function", "iam.role",
                            "logs.log_group", "apigateway.rest_api"])
    assert all(f.tags["codecraft:student"] == "alice" and f.tags["codecraft:workshop"] == "anycompany-orders"
               for f in found)
    assert [f.type for f in found].index("lambda.function") < [f.type for f in found].index("iam.role")

    delete(alice, found, Executor(alice, sleep=lambda s: None))
    tables = sorted(ddb.list_tables()["TableNames"])
    assert tables == sorted(["Orders", "bob-Orders", "alice-Jobs", "alice-JobResults"])
    functions = sorted(f["FunctionName"] for f in boto3.client("lambda", region_name=REGION).list_functions()["Functions"])
    assert functions == ["alice-Ajout_job", "alice-Worker", "bob-ProcessOrder"]
    roles = sorted(r["RoleName"] for r in boto3.client("iam", region_name=REGION).list_roles()["Roles"])
    assert "alice-ProcessOrderRole" not in roles and "alice-ProcessOrderRole-copy" in roles
    assert "bob-ProcessOrderRole" in roles
    assert find(alice, "anycompany-orders", "alice") == []


def test_a_sweep_of_everything_spares_untagged_resources(aws: None) -> None:
    ctx = deploy("anycompany-orders", None)
    boto3.client("sqs", region_name=REGION).create_queue(QueueName="mine-by-hand")
    found = find(ctx, None, None)
    assert len(found) == 7
    delete(ctx, found, Executor(ctx, sleep=lambda s: None))
    assert [q.rsplit("/", 1)[-1] for q in boto3.client("sqs", region_name=REGION).list_queues()["QueueUrls"]] == [
        "mine-by-hand"]
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"] == []
