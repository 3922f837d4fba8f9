"""Classroom mode on one account (moto in-process): workshop1's network step for two students
shares the one Secrets Manager interface endpoint AWS allows per VPC with private DNS (moto
would accept a second one; AWS refuses it: "conflicting DNS domain"), and teardown deletes it
only with its last user."""

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
from codecraft_cli.workshop import load_workshop

REGION = "us-east-1"
W1 = load_workshop("workshop1")


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def _deployer(student: str) -> Deployer:
    ctx = DeployContext(W1, Target("aws", REGION), Clients(Target("aws", REGION)), student)
    return Deployer(ctx, state_for(ctx), Executor(ctx, sleep=lambda s: None))


def _network() -> list:  # type: ignore[type-arg]
    return [r for r in W1.resources if r.step == "vpc"]


def _endpoints() -> list[dict]:  # type: ignore[type-arg]
    got = boto3.client("ec2", region_name=REGION).describe_vpc_endpoints()["VpcEndpoints"]
    return [e for e in got if e["State"].lower() not in ("deleted", "deleting")]


def test_two_students_share_one_endpoint_and_the_last_one_deletes_it(aws: None) -> None:
    alice = _deployer("alice").setup(_network())
    bob = _deployer("bob").setup(_network())

    endpoints = _endpoints()
    assert len(endpoints) == 1  # AWS would refuse a second one with private DNS
    assert next(r for r in alice if r.id == "secrets_endpoint").action == "created"
    assert next(r for r in bob if r.id == "secrets_endpoint").action == "updated"  # shared
    groups = {g["GroupName"] for g in endpoints[0]["Groups"]}
    assert groups == {"alice-projects-endpoints", "bob-projects-endpoints"}
    # the subnets chosen skip use1-az3, where Lambda runs no VPC function
    subnets = boto3.client("ec2", region_name=REGION).describe_subnets(
        SubnetIds=_deployer("bob").ctx.known_outputs()["network"]["subnet_ids"])["Subnets"]
    assert "use1-az3" not in {s["AvailabilityZoneId"] for s in subnets}

    done = _deployer("alice").teardown()  # the creator first: bob still uses it
    assert next(r for r in done if r.id == "secrets_endpoint").action == "kept"
    assert [g["GroupName"] for g in _endpoints()[0]["Groups"]] == ["bob-projects-endpoints"]

    done = _deployer("bob").teardown()
    assert next(r for r in done if r.id == "secrets_endpoint").action == "deleted"
    assert _endpoints() == []
