"""What real AWS refuses or trips on, pinned with botocore's Stubber (requests validated against
the service models; errors written as AWS documents them). Each test fails without its fix.

Interface endpoints with private DNS (one per service per VPC), verify finding a hand-built
endpoint, and the default VPC's subnets (zones Lambda and the endpoint services offer).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve

from ..resources.projects_outputs import W1_OUTPUTS
from ..resources.stubs import Harness, stubbed

SERVICE = "com.amazonaws.eu-west-3.secretsmanager"
FILTERS = [{"Name": "vpc-id", "Values": ["vpc-0a1b2c3d"]}, {"Name": "service-name", "Values": [SERVICE]}]
# AWS's refusal of a second endpoint with private DNS (EC2 CreateVpcEndpoint, InvalidParameter)
CONFLICT = ("private-dns-enabled cannot be set because there is already a conflicting DNS domain for "
            "secretsmanager.eu-west-3.amazonaws.com in the VPC vpc-0a1b2c3d")


@pytest.fixture
def w1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    with stubbed("workshop1", W1_OUTPUTS, monkeypatch, tmp_path) as harness:
        yield harness


def as_student(h: Harness, student: str | None) -> DeployContext:
    h.ctx = DeployContext(h.ctx.workshop, h.ctx.target, h.ctx.clients, student)
    return h.ctx


def endpoint(tags: dict[str, str], groups: list[str], state: str = "available", dns: bool = True,
             endpoint_id: str = "vpce-0aaa") -> dict[str, Any]:
    return {"VpcEndpointId": endpoint_id, "VpcEndpointType": "Interface", "VpcId": "vpc-0a1b2c3d",
            "ServiceName": SERVICE, "State": state, "PrivateDnsEnabled": dns,
            "Groups": [{"GroupId": g, "GroupName": g} for g in groups],
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}


TEACHER = {"codecraft:workshop": "workshop1", "codecraft:student": "-", "codecraft:deployment": "workshop1",
           "codecraft:uses:workshop1": "sg-endpoints"}


def test_a_second_deployment_shares_the_endpoint_instead_of_creating_a_refused_one(w1: Harness) -> None:
    ctx = as_student(w1, "bob")
    handler, res, props, _ = w1.plan("secrets_endpoint", extra={"endpoint_sg": {"id": "sg-bob"}})
    w1.stub("ec2").add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint(TEACHER, ["sg-endpoints"])]},
                                {"Filters": FILTERS})
    observed = handler.observe(ctx, res, props)
    assert observed.exists and observed.tags is None  # not bob's: shared, so no ownership refusal
    calls = handler.plan(ctx, res, props, observed)
    stub = w1.stub("ec2")
    stub.add_response("modify_vpc_endpoint", {"Return": True},
                      {"VpcEndpointId": "vpce-0aaa", "AddSecurityGroupIds": ["sg-bob"]})
    stub.add_response("create_tags", {}, {"Resources": ["vpce-0aaa"],
                                          "Tags": [{"Key": "codecraft:uses:workshop1--bob", "Value": "sg-bob"}]})

    w1.executor().run(calls)

    w1.assert_done()
    assert "CreateVpcEndpoint" not in w1.sent_ops()
    assert handler.resolve_outputs(ctx, res, props, observed, {})["id"] == "vpce-0aaa"


def _teardown(h: Harness, tags: dict[str, str], groups: list[str]) -> tuple[Any, list[Any], str | None]:
    handler = handler_for("ec2.vpc_endpoint")
    record = {"type": "ec2.vpc_endpoint", "outputs": {"id": "vpce-0aaa", "service": "secretsmanager", "azs": 2}}
    h.stub("ec2").add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint(tags, groups)]},
                               {"VpcEndpointIds": ["vpce-0aaa"]})
    found = handler.observe_for_delete(h.ctx, record)
    return handler, handler.plan_delete(record, found), handler.kept(record, found)


def test_the_creator_lets_a_shared_endpoint_go_without_deleting_it(w1: Harness) -> None:
    tags = {**TEACHER, "codecraft:uses:workshop1--bob": "sg-bob"}
    _, calls, kept = _teardown(w1, tags, ["sg-endpoints", "sg-bob"])
    assert kept == "shared: still used by workshop1--bob"
    stub = w1.stub("ec2")
    stub.add_response("modify_vpc_endpoint", {"Return": True},
                      {"VpcEndpointId": "vpce-0aaa", "RemoveSecurityGroupIds": ["sg-endpoints"]})
    stub.add_response("delete_tags", {}, {"Resources": ["vpce-0aaa"], "Tags": [{"Key": "codecraft:uses:workshop1"}]})

    w1.executor().run(calls)

    w1.assert_done()
    assert "DeleteVpcEndpoints" not in w1.sent_ops()


def test_the_last_user_deletes_a_codecraft_endpoint(w1: Harness) -> None:
    as_student(w1, "bob")
    tags = {k: v for k, v in TEACHER.items() if k != "codecraft:uses:workshop1"}
    _, calls, kept = _teardown(w1, {**tags, "codecraft:uses:workshop1--bob": "sg-bob"}, ["sg-bob"])
    assert kept is None
    w1.stub("ec2").add_response("delete_vpc_endpoints", {"Unsuccessful": []}, {"VpcEndpointIds": ["vpce-0aaa"]})

    w1.executor().run(calls)

    w1.assert_done()


def test_a_hand_built_endpoint_is_never_deleted(w1: Harness) -> None:
    as_student(w1, "bob")
    _, calls, kept = _teardown(w1, {"Name": "teacher", "codecraft:uses:workshop1--bob": "sg-bob"},
                               ["sg-teacher", "sg-bob"])
    assert kept == "built by hand: never deleted by codecraft"
    assert [c.method for c in calls] == ["modify_vpc_endpoint", "delete_tags"]


def test_creation_waits_while_the_previous_endpoint_is_still_deleting(w1: Harness) -> None:
    handler, res, props, _ = w1.plan("secrets_endpoint")
    stub = w1.stub("ec2")
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint(TEACHER, ["sg-endpoints"], "deleting")]},
                      {"Filters": FILTERS})
    observed = handler.observe(w1.ctx, res, props)
    assert not observed.exists
    calls = handler.plan(w1.ctx, res, props, observed)
    for _ in range(2):
        stub.add_client_error("create_vpc_endpoint", "InvalidParameter", CONFLICT, 400)
    stub.add_response("create_vpc_endpoint", {"VpcEndpoint": {"VpcEndpointId": "vpce-0bbb"}})
    executor = w1.executor()
    said: list[str] = []
    executor.notify = said.append

    results = executor.run(calls)

    w1.assert_done()
    assert results["created"]["VpcEndpoint"]["VpcEndpointId"] == "vpce-0bbb"
    assert w1.sleeps == [10.0, 20.0]
    assert len(said) == 2 and "still being deleted" in said[0]


def test_a_conflict_nobody_could_see_says_what_to_do(w1: Harness) -> None:
    handler, res, props, _ = w1.plan("secrets_endpoint")
    w1.stub("ec2").add_client_error("create_vpc_endpoint", "InvalidParameter", CONFLICT, 400)

    with pytest.raises(AwsFailure) as caught:
        w1.executor().run(handler.plan(w1.ctx, res, props, Observed(False)))

    assert w1.sleeps == []
    assert "one interface endpoint with private DNS per service per VPC" in (caught.value.hint or "")


def test_verify_finds_a_hand_built_endpoint_by_service_and_vpc(w1: Harness) -> None:
    handler, res, props, _ = w1.plan("secrets_endpoint")
    w1.stub("ec2").add_response("describe_vpc_endpoints", {"VpcEndpoints": [
        endpoint({}, ["sg-endpoints"], "available", endpoint_id="vpce-0hand")]}, {"Filters": FILTERS})

    observed = handler.observe_by_hand(w1.ctx, res, props)

    w1.assert_done()
    assert observed.exists and observed.attrs["id"] == "vpce-0hand"
    assert handler.check(w1.ctx, res, props, observed, by_hand=True) == []


# --- the default VPC's subnets ---

def _us_east_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[DeployContext, Stubber]:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path))
    target = Target("aws", "us-east-1")
    clients = Clients(target)
    clients._account_id = "111122223333"
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    clients._clients["ec2"] = client
    stub = Stubber(client)
    stub.activate()
    return DeployContext(load_workshop("workshop1"), target, clients), stub


def test_subnets_only_in_zones_lambda_and_the_endpoint_services_offer(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    ctx, stub = _us_east_1(monkeypatch, tmp_path)
    stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1"}]})
    zones = [("us-east-1a", "use1-az6"), ("us-east-1b", "use1-az1"), ("us-east-1c", "use1-az2"),
             ("us-east-1e", "use1-az3")]
    stub.add_response("describe_subnets", {"Subnets": [
        {"SubnetId": f"subnet-{name[-1]}", "AvailabilityZone": name, "AvailabilityZoneId": zone_id}
        for name, zone_id in zones]})
    stub.add_response("describe_vpc_endpoint_services", {"ServiceDetails": [
        {"ServiceName": "com.amazonaws.us-east-1.secretsmanager",
         "AvailabilityZones": ["us-east-1b", "us-east-1c", "us-east-1e"]},
        {"ServiceName": "com.amazonaws.us-east-1.sqs",
         "AvailabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1e"]}]},
        {"ServiceNames": ["com.amazonaws.us-east-1.secretsmanager", "com.amazonaws.us-east-1.sqs"]})
    res = ctx.workshop.resource("network")
    handler = handler_for(res.type)
    props = resolve(res.properties, {})

    observed = handler.observe(ctx, res, props)
    outputs = handler.resolve_outputs(ctx, res, props, observed, {})

    stub.assert_no_pending_responses()
    assert outputs["subnet_ids"] == ["subnet-a", "subnet-b", "subnet-c"]  # use1-az3: no Lambda VPC functions
    assert outputs["endpoint_subnets"] == ["subnet-b", "subnet-c"]  # us-east-1a: no secretsmanager endpoint
