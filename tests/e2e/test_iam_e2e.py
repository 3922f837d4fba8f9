"""IAM enforced on the emulator, as on AWS: a function calls AWS with its role's session and is
refused what the role does not allow (with the service's AccessDenied error naming the action and
the resource); S3 runs a function only when the function's policy allows it; a role Lambda cannot
assume fails the invocation."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

import pytest

from .conftest import aws

pytestmark = pytest.mark.e2e
ACCOUNT = "123456789012"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
CODE = '''
import os, boto3
from botocore.exceptions import ClientError

def handler(event, context):
    try:
        if event["call"] == "put":
            boto3.client("dynamodb").put_item(TableName=event["table"], Item={"id": {"S": "1"}})
        elif event["call"] == "publish":
            boto3.client("sns").publish(TopicArn=event["topic"], Message="hello")
        elif event["call"] == "whoami":
            return boto3.client("sts").get_caller_identity()["Arn"]
        return "ok"
    except ClientError as exc:
        return {"code": exc.response["Error"]["Code"], "message": exc.response["Error"]["Message"]}
'''


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


def function(emulator: dict[str, Any], name: str, statements: list[dict[str, Any]], trust: str = TRUST) -> str:
    iam = aws(emulator, "iam")
    iam.create_role(RoleName=f"{name}Role", AssumeRolePolicyDocument=trust)
    if statements:
        iam.put_role_policy(RoleName=f"{name}Role", PolicyName="p",
                            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    aws(emulator, "lambda").create_function(
        FunctionName=name, Runtime="python3.12", Role=f"arn:aws:iam::{ACCOUNT}:role/{name}Role", Handler="app.handler",
        Code={"ZipFile": _zip(CODE)}, Timeout=10)
    return name


def invoke(emulator: dict[str, Any], name: str, event: dict[str, Any]) -> Any:
    answer = aws(emulator, "lambda").invoke(FunctionName=name, Payload=json.dumps(event).encode())
    payload = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    return payload


def test_a_role_without_putitem_is_refused_and_allowed_once_the_permission_is_added(emulator: dict) -> None:
    aws(emulator, "dynamodb").create_table(TableName="Orders", BillingMode="PAY_PER_REQUEST",
                                           KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                           AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"
    name = function(emulator, "WriteOrder", [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": table}])
    assert invoke(emulator, name, {"call": "whoami"}) == f"arn:aws:sts::{ACCOUNT}:assumed-role/WriteOrderRole/WriteOrder"
    refused = invoke(emulator, name, {"call": "put", "table": "Orders"})
    assert refused == {"code": "AccessDeniedException", "message": (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/WriteOrderRole/WriteOrder is not authorized to perform: "
        f"dynamodb:PutItem on resource: {table} because no identity-based policy allows the dynamodb:PutItem action")}
    assert "Item" not in aws(emulator, "dynamodb").get_item(TableName="Orders", Key={"id": {"S": "1"}})
    aws(emulator, "iam").put_role_policy(RoleName="WriteOrderRole", PolicyName="put", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table}]}))
    assert invoke(emulator, name, {"call": "put", "table": "Orders"}) == "ok"
    assert "Item" in aws(emulator, "dynamodb").get_item(TableName="Orders", Key={"id": {"S": "1"}})


def test_a_role_without_sns_publish_gets_snss_authorization_error(emulator: dict) -> None:
    topic = aws(emulator, "sns").create_topic(Name="Notifications")["TopicArn"]
    name = function(emulator, "Notify", [])
    refused = invoke(emulator, name, {"call": "publish", "topic": topic})
    assert refused["code"] == "AuthorizationError"
    assert f"is not authorized to perform: SNS:Publish on resource: {topic}" in refused["message"]


def test_the_accounts_own_keys_stay_allowed(emulator: dict) -> None:
    assert aws(emulator, "sts").get_caller_identity()["Account"] == ACCOUNT
    aws(emulator, "sns").create_topic(Name="AdminTopic")  # no role, no policy: the administrator


def test_a_role_lambda_cannot_assume_fails_the_invocation(emulator: dict) -> None:
    name = function(emulator, "Untrusted", [])
    aws(emulator, "iam").update_assume_role_policy(RoleName="UntrustedRole", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]}))
    lam = aws(emulator, "lambda")
    with pytest.raises(lam.exceptions.InvalidParameterValueException, match="cannot be assumed by Lambda"):
        lam.invoke(FunctionName=name, Payload=b"{}")


def _log_lines(emulator: dict, name: str) -> list[str]:
    logs = aws(emulator, "logs")
    try:
        return [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []


def test_s3_runs_a_function_only_with_its_permission(emulator: dict) -> None:
    name = function(emulator, "OnUpload", [])
    # Lambda writes the function's logs with its role's permissions: the console's basic execution policy
    aws(emulator, "iam").attach_role_policy(
        RoleName="OnUploadRole", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    s3 = aws(emulator, "s3")
    s3.create_bucket(Bucket="iam-uploads")
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"
    s3.put_bucket_notification_configuration(Bucket="iam-uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket="iam-uploads", Key="a.txt", Body=b"a")
    deadline = time.monotonic() + 10
    while not any("may not invoke" in line for line in _log_lines(emulator, name)) and time.monotonic() < deadline:
        time.sleep(0.2)
    lines = _log_lines(emulator, name)
    assert any("s3.amazonaws.com may not invoke this function" in line for line in lines), lines
    assert not any(line.startswith("START") for line in lines), lines  # nothing ran
    aws(emulator, "lambda").add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                                           Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::iam-uploads",
                                           SourceAccount=ACCOUNT)
    s3.put_object(Bucket="iam-uploads", Key="b.txt", Body=b"b")
    deadline = time.monotonic() + 20
    while not any(line.startswith("START") for line in _log_lines(emulator, name)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert any(line.startswith("START") for line in _log_lines(emulator, name))
