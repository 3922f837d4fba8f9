"""Sweep and classroom leftovers against what AWS really does (moto in-process, the tagging API
stubbed where moto is kinder than AWS): GetResources "can return resources that were recently
deleted" (Resource Groups Tagging API reference); a resource can vanish between the listing and
its deletion; one AccessDenied must not abort the sweep."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.aws.errors import response_error, translate
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.deploy import Deployer
from codecraft_cli.engine.executor import Executor
from codecraft_cli.engine.session import state_for
from codecraft_cli.engine.sweep import delete, find, still_there
from codecraft_cli.resources.base import Step
from codecraft_cli.workshop import load_workshop

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def deploy(student: str) -> DeployContext:
    target = Target("aws", REGION)
    ctx = DeployContext(load_workshop("anycompany-orders"), target, Clients(target), student)
    Deployer(ctx, state_for(ctx), Executor(ctx, sleep=lambda s: None)).setup()
    state_for(ctx).path.unlink()  # the state file is lost
    return ctx


def _tagging_lists(ctx: DeployContext, arns: list[str]) -> Stubber:
    """The tagging API answering with ``arns`` (tagged as alice's), deleted ones included."""
    client = boto3.client("resourcegroupstaggingapi", region_name=REGION)
    ctx.clients._clients["resourcegroupstaggingapi"] = client
    stub = Stubber(client)
    tags = [{"Key": "codecraft:workshop", "Value": "anycompany-orders"}, {"Key": "codecraft:student", "Value": "alice"},
            {"Key": "codecraft:deployment", "Value": "anycompany-orders--alice"}]
    stub.add_response("get_resources", {"ResourceTagMappingList": [{"ResourceARN": a, "Tags": tags} for a in arns]})
    stub.activate()
    return stub


def test_the_tagging_api_listing_deleted_resources_finds_only_live_ones(aws: None) -> None:
    alice = deploy("alice")
    gone_table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/alice-Deleted"
    gone_queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:alice-DeletedQueue"
    gone_function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:alice-Deleted"
    live_table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/alice-Orders"
    _tagging_lists(alice, [gone_table, gone_queue, gone_function, live_table])

    found = find(alice, "anycompany-orders", "alice")

    arns = {f.arn for f in found}
    assert live_table in arns
    assert not {gone_table, gone_queue, gone_function} & arns
    assert not still_there(alice, gone_table) and still_there(alice, live_table)


def test_a_resource_gone_between_listing_and_deletion_is_skipped(aws: None) -> None:
    alice = deploy("alice")
    found = find(alice, "anycompany-orders", "alice")
    iam = boto3.client("iam", region_name=REGION)
    role = next(f for f in found if f.type == "iam.role").outputs["name"]
    for policy in iam.list_role_policies(RoleName=role)["PolicyNames"]:  # deleted by hand meanwhile
        iam.delete_role_policy(RoleName=role, PolicyName=policy)
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role, PolicyArn=attached["PolicyArn"])
    iam.delete_role(RoleName=role)
    boto3.client("dynamodb", region_name=REGION).delete_table(TableName="alice-Orders")

    done = delete(alice, found, Executor(alice, sleep=lambda s: None))

    assert len(done) == len(found) and not any(f.problem for f in found)
    assert find(alice, "anycompany-orders", "alice") == []


class DeniedExecutor(Executor):
    """AWS refusing one operation (an IAM policy without dynamodb:DeleteTable)."""

    def _one(self, call: Step, params: dict[str, Any]) -> Any:
        if getattr(call, "method", "") == "delete_table":
            exc = response_error("AccessDeniedException", "User: arn:aws:iam::123456789012:user/ta is not "
                                 "authorized to perform: dynamodb:DeleteTable", "DeleteTable")
            raise translate(exc, "dynamodb.delete_table") from exc
        return super()._one(call, params)


def test_one_access_denied_is_reported_and_the_sweep_goes_on(aws: None) -> None:
    alice = deploy("alice")
    found = find(alice, "anycompany-orders", "alice")

    done = delete(alice, found, DeniedExecutor(alice, sleep=lambda s: None))

    refused = [f for f in found if f.problem]
    assert [f.type for f in refused] == ["dynamodb.table"] and "AccessDenied" in refused[0].problem
    assert len(done) == len(found) - 1
    assert [f.type for f in find(alice, "anycompany-orders", "alice")] == ["dynamodb.table"]
