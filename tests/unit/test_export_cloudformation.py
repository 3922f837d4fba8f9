"""The CloudFormation export (engine/export_cloudformation.py): every workshop's template passes
cfn-lint without an error, and its resources have the shapes AWS's CloudFormation resource
reference gives (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from codecraft_cli.engine.export_cloudformation import render
from codecraft_cli.engine.packaging import Artifact
from codecraft_cli.workshop.loader import load_workshop

WORKSHOPS = ["anycompany-orders", "image-pipeline", "job-events", "workshop1", "workshop2", "workshop3"]


def fake_build(source: str) -> Artifact:
    """A stand-in zip (no pip install): the template only names its key."""
    data = f"zip of {source}".encode()
    return Artifact(source, Path(f"{source}.zip"), data, base64.b64encode(hashlib.sha256(data).digest()).decode(), False)


def export(workshop: str, **kwargs: Any) -> tuple[dict[str, Any], dict[str, bytes | str]]:
    files = render(load_workshop(workshop), build=fake_build, **kwargs)
    return yaml.safe_load(str(files["template.yaml"])), files


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


@pytest.mark.parametrize("workshop", WORKSHOPS)
def test_cfn_lint_finds_no_error(workshop: str) -> None:
    from cfnlint.api import ManualArgs, lint

    _, files = export(workshop)
    matches = lint(str(files["template.yaml"]), config=ManualArgs(regions=["us-east-1"]))
    errors = [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches if m.rule.id.startswith("E")]
    assert errors == []


def test_a_template_that_cfn_lint_refuses_is_caught() -> None:
    """The lint above can fail: a Lambda function without its Code is an error (E3003)."""
    from cfnlint.api import ManualArgs, lint

    template, _ = export("anycompany-orders")
    del template["Resources"]["ProcessOrder"]["Properties"]["Code"]
    matches = lint(yaml.safe_dump(template), config=ManualArgs(regions=["us-east-1"]))
    assert any(m.rule.id.startswith("E") for m in matches)


@pytest.mark.parametrize("workshop", WORKSHOPS)
def test_each_function_references_its_zip_in_the_code_bucket(workshop: str) -> None:
    template, files = export(workshop)
    functions = of_type(template, "AWS::Lambda::Function")
    assert functions
    for body in functions.values():
        code = body["Properties"]["Code"]
        assert code["S3Bucket"] == {"Ref": "CodeBucket"}  # AWS::Lambda::Function Code: S3Bucket + S3Key
        assert code["S3Key"] in files and isinstance(files[code["S3Key"]], bytes)
    assert template["Parameters"]["CodeBucket"]["Type"] == "String"


def test_the_names_and_settings_are_the_handlers() -> None:
    template, _ = export("anycompany-orders")
    function = template["Resources"]["ProcessOrder"]["Properties"]
    assert (function["FunctionName"], function["Runtime"], function["Handler"], function["Timeout"],
            function["MemorySize"]) == ("ProcessOrder", "python3.12", "app.lambda_handler", 10, 128)
    assert function["Role"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert function["Environment"]["Variables"] == {"TABLE_NAME": {"Ref": "OrdersTable"},
                                                    "TOPIC_ARN": {"Ref": "Notifications"}}
    assert template["Resources"]["ProcessOrder"]["DependsOn"] == ["Logs"]
    assert {"Key": "codecraft:workshop", "Value": "anycompany-orders"} in function["Tags"]
    policy = template["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert policy["Statement"][0] == {"Effect": "Allow", "Action": ["dynamodb:PutItem"],
                                      "Resource": [{"Fn::GetAtt": ["OrdersTable", "Arn"]}]}


def test_the_queue_policy_lets_the_topic_send() -> None:
    """AWS::SQS::QueuePolicy: Queues (the queue URLs: Ref of a queue) and a PolicyDocument whose
    statement lets sns.amazonaws.com SendMessage when aws:SourceArn is the topic."""
    template, _ = export("anycompany-orders")
    policy = template["Resources"]["ProcessingQueuePolicy"]
    assert policy["Type"] == "AWS::SQS::QueuePolicy"
    assert policy["Properties"]["Queues"] == [{"Ref": "ProcessingQueue"}]
    statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == {"Fn::GetAtt": ["ProcessingQueue", "Arn"]}
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": [{"Ref": "Notifications"}]}}
    subscription = template["Resources"]["QueueSubscription"]["Properties"]
    assert subscription == {"TopicArn": {"Ref": "Notifications"}, "Protocol": "sqs",
                            "Endpoint": {"Fn::GetAtt": ["ProcessingQueue", "Arn"]}, "RawMessageDelivery": True}


def test_the_api_permission_and_the_deployment_after_it() -> None:
    """AWS::Lambda::Permission's SourceArn for API Gateway: arn:aws:execute-api:region:account:
    api-id/stage/METHOD/path; the deployment waits for its methods and permissions."""
    template, _ = export("anycompany-orders")
    permission = template["Resources"]["InvokePermission"]["Properties"]
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["FunctionName"] == {"Ref": "ProcessOrder"}
    assert permission["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${OrdersApi}/*/POST/orders"}
    method = template["Resources"]["PostOrders"]["Properties"]
    assert method["Integration"]["Type"] == "AWS_PROXY" and method["Integration"]["IntegrationHttpMethod"] == "POST"
    deployment = template["Resources"]["StageDeployment"]
    assert set(deployment["DependsOn"]) == {"PostOrders", "InvokePermission"}
    assert template["Resources"]["Stage"]["Properties"]["DeploymentId"] == {"Ref": "StageDeployment"}
    assert template["Outputs"]["StageInvokeUrl"]["Value"] == {
        "Fn::Sub": "https://${OrdersApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod"}


def test_two_routes_share_their_path_resource() -> None:
    template, _ = export("image-pipeline")
    resources = of_type(template, "AWS::ApiGateway::Resource")
    assert sorted(r["Properties"]["PathPart"] for r in resources.values()) == ["images", "{id}"]


def test_the_bucket_blocks_public_access_and_notifies_after_the_permission() -> None:
    """AWS::S3::Bucket PublicAccessBlockConfiguration: the four flags; NotificationConfiguration
    LambdaConfigurations (Event, Function, Filter.S3Key.Rules); S3 checks the permission first."""
    template, _ = export("image-pipeline", account_id="123456789012", region="eu-west-3")
    bucket = template["Resources"]["Images"]
    assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert bucket["Properties"]["NotificationConfiguration"]["LambdaConfigurations"] == [{
        "Event": "s3:ObjectCreated:*", "Function": {"Fn::GetAtt": ["Resize", "Arn"]},
        "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "uploads/"}]}}}]
    assert bucket["DependsOn"] == ["S3InvokePermission"]
    from codecraft_cli.resources.s3 import bucket_name

    name = bucket_name("codecraft-images", "123456789012", "eu-west-3", None)
    assert bucket["Properties"]["BucketName"] == name  # codecraft's own name for that account
    permission = template["Resources"]["S3InvokePermission"]["Properties"]
    assert permission["SourceArn"] == {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{name}"}
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_the_stream_trigger_starts_where_the_plan_says() -> None:
    template, _ = export("job-events")
    mapping = template["Resources"]["StreamTrigger"]["Properties"]
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["Jobs", "StreamArn"]}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert template["Resources"]["Jobs"]["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_the_database_keeps_its_managed_password() -> None:
    template, _ = export("workshop1")
    db = template["Resources"]["Db"]["Properties"]
    assert db["ManageMasterUserPassword"] is True and "MasterUserPassword" not in db
    assert db["VPCSecurityGroups"] == [{"Fn::GetAtt": ["DbSg", "GroupId"]}]
    function = template["Resources"]["DbAdmin"]["Properties"]
    assert function["Environment"]["Variables"]["DB_SECRET_ARN"] == {"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]}
    assert function["VpcConfig"]["SubnetIds"] == {"Ref": "NetworkSubnetIds"}
    assert template["Parameters"]["NetworkSubnetIds"]["Type"] == "List<AWS::EC2::Subnet::Id>"
    ingress = template["Resources"]["DbSg"]["Properties"]["SecurityGroupIngress"]
    assert ingress == [{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
                        "SourceSecurityGroupId": {"Fn::GetAtt": ["LambdaSg", "GroupId"]}}]


def test_a_prerequisites_values_are_parameters_named_after_its_outputs() -> None:
    first, _ = export("workshop1")
    second, _ = export("workshop2")
    for name in ("Workshop1DbSecretArn", "Workshop1UserPoolArn", "Workshop1NetworkVpcId"):
        assert name in second["Parameters"]
        assert name.removeprefix("Workshop1") in first["Outputs"]
    authorizer = second["Resources"]["Authorizer"]["Properties"]
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["ProviderARNs"] == [{"Ref": "Workshop1UserPoolArn"}]


def test_the_students_names() -> None:
    template, _ = export("anycompany-orders", student="alice")
    assert template["Resources"]["ProcessOrder"]["Properties"]["FunctionName"] == "alice-ProcessOrder"
    assert {"Key": "codecraft:student", "Value": "alice"} in template["Resources"]["ProcessOrder"]["Properties"]["Tags"]


def test_the_zip_is_setups_own_package(tmp_path: Path) -> None:
    """The same reproducible zip setup uploads (engine/packaging.build), under the key the template names."""
    from codecraft_cli.engine.packaging import build

    files = render(load_workshop("anycompany-orders"), build=lambda source: build(source, tmp_path))
    template = yaml.safe_load(str(files["template.yaml"]))
    key = template["Resources"]["ProcessOrder"]["Properties"]["Code"]["S3Key"]
    assert files[key] == build("process_order", tmp_path / "again").zip_bytes


@pytest.mark.parametrize("workshop", ["anycompany-orders", "workshop2"])
def test_a_learner_lab_template_uses_labrole_and_creates_no_role(workshop: str) -> None:
    """AWS Academy Learner Lab accounts may not create IAM roles: the functions run with LabRole."""
    from cfnlint.api import ManualArgs, lint

    template, files = export(workshop, lab_role=True)
    assert of_type(template, "AWS::IAM::Role") == {}
    roles = [f["Properties"]["Role"] for f in of_type(template, "AWS::Lambda::Function").values()]
    assert roles and all(r == {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/LabRole"} for r in roles)
    matches = lint(str(files["template.yaml"]), config=ManualArgs(regions=["us-east-1"]))
    assert [m for m in matches if m.rule.id.startswith("E")] == []
