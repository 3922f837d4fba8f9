"""Rules added after an independent probe of the emulator (tests/e2e/test_refusals_independent_e2e.py):
a request AWS accepts passes, the one it refuses gets the code its API reference documents."""

from __future__ import annotations

from typing import Any

import pytest

from codecraft_cli.local.rules import NoState, Refusal, refuse


class Facts(NoState):
    def __init__(self, **facts: Any) -> None:
        self.facts = facts

    def security_group_name(self, group_id: str) -> str | None:
        return self.facts.get("sg_names", {}).get(group_id)

    def vpc_endpoint_service_exists(self, service_name: str) -> bool | None:
        services = self.facts.get("services")
        return None if services is None else service_name in services

    def resource_path_parts(self, rest_api_id: str, parent_id: str) -> frozenset[str] | None:
        return self.facts.get("siblings")

    def policy_attachment_count(self, policy_arn: str) -> int | None:
        return self.facts.get("attachments")


POLICY = "arn:aws:iam::123456789012:policy/reader"
S3_SERVICE = "com.amazonaws.us-east-1.s3"

# (id, service, operation, accepted, refused, code, facts when accepted, facts when refused)
CASES: list[tuple[str, str, str, dict[str, Any], dict[str, Any], str, dict[str, Any], dict[str, Any]]] = [
    # API_SetTopicAttributes.html: AttributeName valid values
    ("sns-topic-attribute", "sns", "SetTopicAttributes",
     {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "AttributeName": "DisplayName", "AttributeValue": "x"},
     {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "AttributeName": "Bogus", "AttributeValue": "x"},
     "InvalidParameter", {}, {}),
    ("sns-topic-attribute-feedback", "sns", "SetTopicAttributes",
     {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "AttributeName": "SQSSuccessFeedbackRoleArn",
      "AttributeValue": "arn:aws:iam::123456789012:role/r"},
     {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "AttributeName": "SQSSuccessRole",
      "AttributeValue": "x"}, "InvalidParameter", {}, {}),
    # API_DeletePolicy.html: detach first, else DeleteConflict
    ("iam-delete-policy-attached", "iam", "DeletePolicy", {"PolicyArn": POLICY}, {"PolicyArn": POLICY},
     "DeleteConflict", {"attachments": 0}, {"attachments": 2}),
    # API_CreateResource.html Errors: ConflictException
    ("apigw-sibling-path-part", "apigateway", "CreateResource",
     {"restApiId": "a1", "parentId": "r0", "pathPart": "items"},
     {"restApiId": "a1", "parentId": "r0", "pathPart": "orders"},
     "ConflictException", {"siblings": frozenset({"orders"})}, {"siblings": frozenset({"orders"})}),
    # API_DeleteSecurityGroup.html / default-security-group.html: the default group stays
    ("ec2-delete-default-group", "ec2", "DeleteSecurityGroup", {"GroupId": "sg-1"}, {"GroupId": "sg-0"},
     "CannotDelete", {"sg_names": {"sg-1": "web"}}, {"sg_names": {"sg-0": "default"}}),
    # API_CreateVpcEndpoint.html: ServiceName must be an offered endpoint service
    ("ec2-vpce-service-name", "ec2", "CreateVpcEndpoint",
     {"VpcId": "vpc-1", "ServiceName": S3_SERVICE, "VpcEndpointType": "Gateway"},
     {"VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.nosuchservice", "VpcEndpointType": "Interface"},
     "InvalidServiceName", {"services": {S3_SERVICE}}, {"services": {S3_SERVICE}}),
]


@pytest.mark.parametrize("service,operation,good,bad,code,good_facts,bad_facts", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rule(service: str, operation: str, good: dict[str, Any], bad: dict[str, Any], code: str,
              good_facts: dict[str, Any], bad_facts: dict[str, Any]) -> None:
    assert refuse(service, operation, good, Facts(**good_facts)) is None
    refusal = refuse(service, operation, bad, Facts(**bad_facts))
    assert isinstance(refusal, Refusal), "AWS refuses this request"
    assert refusal.code == code, refusal
    assert refusal.message and 400 <= refusal.status < 500


def test_unknown_facts_let_the_request_through() -> None:
    assert refuse("iam", "DeletePolicy", {"PolicyArn": POLICY}, NoState()) is None
    assert refuse("ec2", "DeleteSecurityGroup", {"GroupId": "sg-0"}, NoState()) is None
    assert refuse("apigateway", "CreateResource", {"restApiId": "a", "parentId": "r", "pathPart": "x"},
                  NoState()) is None
    assert refuse("ec2", "CreateVpcEndpoint", {"VpcId": "vpc-1", "ServiceName": "com.amazonaws.us-east-1.x"},
                  NoState()) is None
