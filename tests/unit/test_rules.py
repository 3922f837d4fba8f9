"""Each rule: a request AWS accepts passes, the one it refuses gets AWS's error code.

Expected codes come from the API references cited in each rule's module (the operation's
"Errors" section or the service's "Common Errors" page), not from the rules themselves.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from codecraft_cli.local.rules import NoState, Refusal, refuse

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
ROLE = "arn:aws:iam::123456789012:role/fn-role"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"


class Fake(NoState):
    """Facts given per test; everything else unknown."""

    def __init__(self, region: str = "us-east-1", now: datetime = NOW, **facts: Any) -> None:
        self.region = region
        self._now = now
        self.facts = facts

    def now(self) -> datetime:
        return self._now

    def queue_visibility_timeout(self, queue_arn: str) -> int | None:
        return self.facts.get("visibility")

    def queue_deleted_at(self, queue_name: str) -> datetime | None:
        return self.facts.get("deleted_at")

    def function_timeout(self, function_name: str) -> int | None:
        return self.facts.get("timeout")

    def function_runtime(self, function_name: str) -> str | None:
        return self.facts.get("runtime")

    def policy_statement_ids(self, function_name: str, qualifier: str | None) -> frozenset[str] | None:
        return self.facts.get("sids")

    def role_trusts(self, role_arn: str, principal: str) -> bool | None:
        return self.facts.get("trusts")

    def table_key_names(self, table_name: str) -> tuple[str, ...] | None:
        return self.facts.get("keys")

    def secret_pending_deletion(self, name: str) -> bool | None:
        return self.facts.get("pending")

    def user_pool_domain(self, user_pool_id: str) -> str | None:
        return self.facts.get("domain")

    def user_pool_deletion_protection(self, user_pool_id: str) -> bool | None:
        return self.facts.get("protected")

    def db_instance_deletion_protection(self, identifier: str) -> bool | None:
        return self.facts.get("protected")


def fn(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"FunctionName": "fn", "Role": ROLE, "Code": {"ZipFile": b"PK"},
                            "Runtime": "python3.12", "Handler": "app.handler"}
    return {**base, **extra}


def trust(principal: str = "lambda.amazonaws.com", **statement: Any) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole", **statement}]})


def policy(**statement: Any) -> str:
    body = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", **statement}
    return json.dumps({"Version": "2012-10-17", "Statement": [{k: v for k, v in body.items() if v is not None}]})


def ddb(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"TableName": "Orders", "BillingMode": "PAY_PER_REQUEST",
                            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}
    return {**base, **extra}


def db(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"DBInstanceIdentifier": "projects", "DBInstanceClass": "db.t3.micro", "Engine": "mysql",
                            "MasterUsername": "admin", "ManageMasterUserPassword": True, "AllocatedStorage": 20,
                            "StorageType": "gp2"}
    return {**base, **extra}


LAMBDA_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
              "arn:aws:lambda:us-east-1:123456789012:function:fn/invocations")
INTEGRATION = {"restApiId": "a1", "resourceId": "r1", "httpMethod": "POST", "type": "AWS_PROXY",
               "integrationHttpMethod": "POST", "uri": LAMBDA_URI}
SG_RULE = {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                 "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]}
NOTIFY = {"Id": "a", "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
          "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "up/"}]}}}
EXPIRED = datetime(2026, 9, 1, tzinfo=UTC)

# (id, service, operation, accepted params, refused params, expected code, state facts)
CASES: list[tuple[str, str, str, dict[str, Any], dict[str, Any], str, dict[str, Any]]] = [
    # --- layer 1: botocore's model
    ("model-required", "lambda", "CreateFunction", fn(), {"FunctionName": "fn"}, "ValidationException", {}),
    ("model-pattern", "iam", "CreateRole", {"RoleName": "r", "AssumeRolePolicyDocument": trust()},
     {"RoleName": "bad name", "AssumeRolePolicyDocument": trust()}, "ValidationError", {}),
    ("model-iam-path", "iam", "CreateRole", {"RoleName": "r", "Path": "/service-role/",
                                             "AssumeRolePolicyDocument": trust()},
     {"RoleName": "r", "Path": "service-role", "AssumeRolePolicyDocument": trust()}, "ValidationError", {}),
    ("model-range", "cognito-idp", "CreateUserPool", {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 8}}},
     {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 5}}}, "InvalidParameterException", {}),
    ("model-unicode-pattern", "iam", "CreateRole",
     {"RoleName": "r", "AssumeRolePolicyDocument": trust(), "Tags": [{"Key": "équipe", "Value": "été"}]},
     {"RoleName": "r", "AssumeRolePolicyDocument": trust(), "Tags": [{"Key": "a", "Value": "<x>"}]},
     "ValidationError", {}),
    ("model-logs-name", "logs", "CreateLogGroup", {"logGroupName": "/aws/lambda/fn"}, {"logGroupName": "bad name"},
     "InvalidParameterException", {}),
    ("model-enum", "lambda", "CreateFunction", fn(), fn(Architectures=["sparc"]), "ValidationException", {}),
    ("model-list-size", "lambda", "CreateFunction", fn(VpcConfig={"SecurityGroupIds": ["sg-1"]}),
     fn(VpcConfig={"SecurityGroupIds": [f"sg-{i}" for i in range(6)]}), "ValidationException", {}),
    ("model-ec2-missing", "ec2", "CreateSecurityGroup", {"GroupName": "g", "Description": "d"},
     {"GroupName": "g"}, "MissingParameter", {}),
    # --- Lambda
    ("lambda-runtime-create", "lambda", "CreateFunction", fn(), fn(Runtime="python3.9"),
     "InvalidParameterValueException", {}),
    ("lambda-runtime-3.10-after-block", "lambda", "CreateFunction", fn(Runtime="python3.10"),
     fn(Runtime="python3.10"), "InvalidParameterValueException", {"_accept_now": datetime(2026, 7, 15, tzinfo=UTC)}),
    ("lambda-runtime-change", "lambda", "UpdateFunctionConfiguration", {"FunctionName": "fn", "Runtime": "python3.13"},
     {"FunctionName": "fn", "Runtime": "nodejs18.x"}, "InvalidParameterValueException", {}),
    ("lambda-runtime-update-code", "lambda", "UpdateFunctionCode", {"FunctionName": "fn", "ZipFile": b"PK"},
     {"FunctionName": "fn", "ZipFile": b"PK"}, "InvalidParameterValueException", {"runtime": "python3.8",
                                                                                   "_accept": {"runtime": "python3.12"}}),
    ("lambda-zip-needs-runtime", "lambda", "CreateFunction", fn(),
     {k: v for k, v in fn().items() if k != "Runtime"}, "InvalidParameterValueException", {}),
    ("lambda-zip-size", "lambda", "CreateFunction", fn(), fn(Code={"ZipFile": b"0" * (50 * 1024 * 1024 + 1)}),
     "RequestEntityTooLargeException", {}),
    ("lambda-code-size", "lambda", "UpdateFunctionCode", {"FunctionName": "fn", "ZipFile": b"PK"},
     {"FunctionName": "fn", "ZipFile": b"0" * (50 * 1024 * 1024 + 1)}, "RequestEntityTooLargeException", {}),
    ("lambda-name-64", "lambda", "CreateFunction", fn(FunctionName="f" * 64), fn(FunctionName="f" * 65),
     "ValidationException", {}),
    ("lambda-timeout", "lambda", "CreateFunction", fn(Timeout=900), fn(Timeout=901), "ValidationException", {}),
    ("lambda-memory", "lambda", "UpdateFunctionConfiguration", {"FunctionName": "fn", "MemorySize": 10240},
     {"FunctionName": "fn", "MemorySize": 10241}, "ValidationException", {}),
    ("lambda-reserved-env", "lambda", "CreateFunction", fn(Environment={"Variables": {"TABLE": "t"}}),
     fn(Environment={"Variables": {"AWS_REGION": "eu-west-3"}}), "InvalidParameterValueException", {}),
    ("lambda-reserved-env-prefix", "lambda", "CreateFunction", fn(Environment={"Variables": {"LAMBDA_X": "t"}}),
     fn(Environment={"Variables": {"AWS_LAMBDA_EXEC_WRAPPER_X": "t"}}), "InvalidParameterValueException", {}),
    ("lambda-env-4kb", "lambda", "CreateFunction", fn(Environment={"Variables": {"BIG": "x" * 4000}}),
     fn(Environment={"Variables": {"BIG": "x" * 4100}}), "InvalidParameterValueException", {}),
    ("lambda-handler", "lambda", "CreateFunction", fn(), fn(Handler="app handler"), "ValidationException", {}),
    ("lambda-role-arn", "lambda", "CreateFunction", fn(), fn(Role="fn-role"), "ValidationException", {}),
    ("lambda-role-trust", "lambda", "CreateFunction", fn(), fn(), "InvalidParameterValueException",
     {"trusts": False, "_accept": {"trusts": True}}),
    ("lambda-sid", "lambda", "AddPermission",
     {"FunctionName": "fn", "StatementId": "new", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"},
     {"FunctionName": "fn", "StatementId": "used", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"},
     "ResourceConflictException", {"sids": frozenset({"used"})}),
    ("lambda-sqs-visibility", "lambda", "CreateEventSourceMapping", {"FunctionName": "fn", "EventSourceArn": QUEUE},
     {"FunctionName": "fn", "EventSourceArn": QUEUE}, "InvalidParameterValueException",
     {"visibility": 30, "timeout": 60, "_accept": {"visibility": 360, "timeout": 60}}),
    ("lambda-batch-fifo", "lambda", "CreateEventSourceMapping",
     {"FunctionName": "fn", "EventSourceArn": QUEUE + ".fifo", "BatchSize": 10},
     {"FunctionName": "fn", "EventSourceArn": QUEUE + ".fifo", "BatchSize": 11}, "InvalidParameterValueException", {}),
    ("lambda-batch-window", "lambda", "CreateEventSourceMapping",
     {"FunctionName": "fn", "EventSourceArn": QUEUE, "BatchSize": 100, "MaximumBatchingWindowInSeconds": 1},
     {"FunctionName": "fn", "EventSourceArn": QUEUE, "BatchSize": 100}, "InvalidParameterValueException", {}),
    ("lambda-batch-max", "lambda", "CreateEventSourceMapping", {"FunctionName": "fn", "EventSourceArn": QUEUE},
     {"FunctionName": "fn", "EventSourceArn": QUEUE, "BatchSize": 10001}, "ValidationException", {}),
    ("lambda-starting-position", "lambda", "CreateEventSourceMapping",
     {"FunctionName": "fn", "StartingPosition": "LATEST",
      "EventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Jobs/stream/2026-01-01T00:00:00.000"},
     {"FunctionName": "fn",
      "EventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Jobs/stream/2026-01-01T00:00:00.000"},
     "InvalidParameterValueException", {}),
    ("lambda-invoke-size", "lambda", "Invoke", {"FunctionName": "fn", "Payload": b"{}"},
     {"FunctionName": "fn", "Payload": b"0" * (6 * 1024 * 1024 + 1)}, "RequestEntityTooLargeException", {}),
]


def _states(facts: dict[str, Any]) -> tuple[Fake, Fake]:
    facts = dict(facts)
    accept_now = facts.pop("_accept_now", NOW)
    accept = facts.pop("_accept", facts)
    region = facts.pop("_region", "us-east-1")
    return Fake(region, accept_now, **accept), Fake(region, NOW, **facts)


def _check(service: str, operation: str, good: dict[str, Any], bad: dict[str, Any], code: str,
           facts: dict[str, Any]) -> None:
    accepting, refusing = _states(facts)
    assert refuse(service, operation, good, accepting) is None
    refusal = refuse(service, operation, bad, refusing)
    assert isinstance(refusal, Refusal), "AWS refuses this request"
    assert refusal.code == code, refusal
    assert refusal.message and 400 <= refusal.status < 500


@pytest.mark.parametrize("service,operation,good,bad,code,facts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(service: str, operation: str, good: dict[str, Any], bad: dict[str, Any], code: str,
              facts: dict[str, Any]) -> None:
    _check(service, operation, good, bad, code, facts)


def test_lambda_message_is_aws_wording() -> None:
    refusal = refuse("lambda", "CreateFunction", fn(Timeout=901), Fake())
    assert refusal == Refusal("ValidationException", "1 validation error detected: Value '901' at 'timeout' failed "
                                                     "to satisfy constraint: Member must have value less than or "
                                                     "equal to 900")


def test_python310_creation_allowed_until_its_block_date() -> None:
    assert refuse("lambda", "CreateFunction", fn(Runtime="python3.10"), Fake(now=datetime(2026, 7, 30, tzinfo=UTC))) is None
    refusal = refuse("lambda", "CreateFunction", fn(Runtime="python3.10"), Fake(now=datetime(2026, 7, 31, tzinfo=UTC)))
    assert refusal is not None and "python3.10 is no longer supported" in refusal.message


def test_nothing_known_means_accepted() -> None:
    assert refuse("lambda", "CreateFunction", fn(), None) is None
    assert refuse("nosuchservice", "Anything", {}, None) is None
    assert refuse("lambda", "NoSuchOperation", {}, None) is None


def test_sensitive_values_are_not_echoed() -> None:
    refusal = refuse("cognito-idp", "AdminSetUserPassword",
                     {"UserPoolId": "us-east-1_abc", "Username": "u", "Password": "has space"}, Fake())
    assert refusal is not None and "has space" not in refusal.message and "Value at 'password'" in refusal.message


SERVICES = ("lambda", "sqs", "ec2", "iam", "s3", "dynamodb", "sns", "apigateway", "secretsmanager", "rds",
            "cognito-idp", "logs")


def test_every_model_pattern_compiles_after_translation() -> None:
    import botocore.session

    from codecraft_cli.local.rules.model import _compiled

    session = botocore.session.get_session()
    for service in SERVICES:
        model = session.get_service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            assert pattern is None or _compiled(pattern) is not None, (service, name, pattern)


def test_importing_the_rules_loads_no_botocore() -> None:
    import subprocess
    import sys

    code = "import sys, codecraft_cli.local.rules; print('botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
