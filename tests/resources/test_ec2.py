"""ec2.security_group and ec2.vpc_endpoint: creation, deletion retried while in use."""

from __future__ import annotations

import pytest

from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed

from .stubs import Harness


def test_create_security_group_requests(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("db_sg")
    stub = w1.stub("ec2")
    stub.add_response("create_security_group", {"GroupId": "sg-mysql"}, {
        "GroupName": "projects-mysql",
        "Description": "codecraft: MySQL from the functions of the workshop only",
        "VpcId": "vpc-0a1b2c3d",
        "TagSpecifications": [{"ResourceType": "security-group", "Tags": [
            {"Key": "codecraft:workshop", "Value": "workshop1"},
            {"Key": "codecraft:student", "Value": "-"},
            {"Key": "codecraft:deployment", "Value": "workshop1"},
            {"Key": "Name", "Value": "projects-mysql"},
        ]}],
    })
    stub.add_response("authorize_security_group_ingress", {"Return": True}, {
        "GroupId": "sg-mysql",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
                           "UserIdGroupPairs": [{"GroupId": "sg-lambda"}]}],
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress"]
    assert handler.resolve_outputs(w1.ctx, res, props, Observed(False), results) == {
        "name": "projects-mysql", "id": "sg-mysql"}


def test_delete_security_group_retries_while_in_use(w1: Harness) -> None:
    calls = handler_for("ec2.security_group").plan_delete({"outputs": {"name": "projects-mysql", "id": "sg-mysql"}})
    stub = w1.stub("ec2")
    for _ in range(2):
        stub.add_client_error("delete_security_group", "DependencyViolation",
                              "resource sg-mysql has a dependent object", 400,
                              expected_params={"GroupId": "sg-mysql"})
    stub.add_response("delete_security_group", {"Return": True, "GroupId": "sg-mysql"}, {"GroupId": "sg-mysql"})

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sleeps == [10.0, 20.0]
    assert len(w1.sent_params("DeleteSecurityGroup")) == 3


def test_delete_security_group_already_gone_is_success(w1: Harness) -> None:
    calls = handler_for("ec2.security_group").plan_delete({"outputs": {"name": "projects-mysql", "id": "sg-mysql"}})
    w1.stub("ec2").add_client_error("delete_security_group", "InvalidGroup.NotFound",
                                    "The security group 'sg-mysql' does not exist", 400,
                                    expected_params={"GroupId": "sg-mysql"})

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sleeps == []


def test_delete_security_group_other_error_is_reported(w1: Harness) -> None:
    calls = handler_for("ec2.security_group").plan_delete({"outputs": {"name": "projects-mysql", "id": "sg-mysql"}})
    w1.stub("ec2").add_client_error("delete_security_group", "UnauthorizedOperation",
                                    "You are not authorized to perform this operation.", 403,
                                    expected_params={"GroupId": "sg-mysql"})

    with pytest.raises(AwsFailure, match="UnauthorizedOperation"):
        w1.executor().run(calls)

    w1.assert_done()
    assert w1.sleeps == []


# --- ec2.vpc_endpoint ---


def test_create_secrets_manager_endpoint_request(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("secrets_endpoint")
    w1.stub("ec2").add_response("create_vpc_endpoint", {"VpcEndpoint": {
        "VpcEndpointId": "vpce-0123456789abcdef0", "VpcEndpointType": "Interface", "State": "pending"}}, {
        "VpcEndpointType": "Interface",
        "VpcId": "vpc-0a1b2c3d",
        "ServiceName": "com.amazonaws.eu-west-3.secretsmanager",
        "SubnetIds": ["subnet-0c3", "subnet-0a1"],
        "SecurityGroupIds": ["sg-endpoints"],
        "PrivateDnsEnabled": True,
        "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": [
            {"Key": "codecraft:workshop", "Value": "workshop1"},
            {"Key": "codecraft:student", "Value": "-"},
            {"Key": "codecraft:deployment", "Value": "workshop1"},
            {"Key": "Name", "Value": "codecraft-secretsmanager"},
            {"Key": "codecraft:uses:workshop1", "Value": "sg-endpoints"},  # who uses it (shared endpoints)
        ]}],
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert handler.resolve_outputs(w1.ctx, res, props, Observed(False), results) == {
        "id": "vpce-0123456789abcdef0", "service": "secretsmanager", "azs": 2}
