"""Pin the exact AWS request shapes of workshop1 and workshop2 plans with botocore's Stubber.

moto does not validate much of what these resources send (RDS managed master passwords,
Cognito authorizers, VPC configuration, interface endpoints), so these tests run the real
plans through the real Executor against stubbed clients in a non-us-east-1 region, with every
expected request written out literally. The Stubber also validates each request against the
service model before it is "sent". Same approach as test_request_shapes.py.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.executor import Executor
from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed, Step, Wait
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve


def steps(plan: list[Any]) -> list[str]:
    """A plan's API methods, waits as ``wait:<waiter>``."""
    return [f"wait:{c.waiter}" if isinstance(c, Wait) else c.method for c in plan]


REGION = "eu-west-3"
ACCOUNT = "111122223333"
SERVICES = ("rds", "cognito-idp", "apigateway", "lambda", "ec2", "secretsmanager")

VPC_ID = "vpc-0a1b2c3d"
SUBNETS_BY_AZ = ["subnet-0c3", "subnet-0a1", "subnet-0b2"]  # as the default VPC look-up orders them
DB_HOST = "projetopensourcedb.abcdefghijkl.eu-west-3.rds.amazonaws.com"
DB_SECRET_ARN = "arn:aws:secretsmanager:eu-west-3:111122223333:secret:rds!db-0123abcd-4567-89ef-AbCdEf"
POOL_ID = "eu-west-3_AbCdEf123"
POOL_ARN = "arn:aws:cognito-idp:eu-west-3:111122223333:userpool/eu-west-3_AbCdEf123"
USER_SECRET_ARN = ("arn:aws:secretsmanager:eu-west-3:111122223333:secret:"
                   "codecraft/workshop1/test-user-password-XyZ123")
QUEUE_ARN = "arn:aws:sqs:eu-west-3:111122223333:ProjectNotificationsQueue"
QUEUE_URL = "https://sqs.eu-west-3.amazonaws.com/111122223333/ProjectNotificationsQueue"
ROLE_ARN = "arn:aws:iam::111122223333:role/ManageProjectsRole"
FUNCTION_ARN = "arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects"
API_ID = "p9q8r7s6t5"
AUTHORIZER_ID = "auth7x"

# Secrets only ever returned by stubbed AWS answers: they must never appear in a plan.
USER_PASSWORD = "Zq8#vN2!rT6^mW4*pK1+"
RANDOM_PASSWORD = "Hb7!kL3#xQ9^sD2*fJ5+"

DB_OUTPUTS = {"name": "projetopensourcedb", "id": "projetopensourcedb", "database": "ProjetOpenSourceDB",
              "arn": "arn:aws:rds:eu-west-3:111122223333:db:projetopensourcedb",
              "address": DB_HOST, "port": 3306, "secret_arn": DB_SECRET_ARN}

# What workshop1's resources produced, keyed as workshop1's own plans see them.
W1_OUTPUTS: dict[str, dict[str, Any]] = {
    "network": {"vpc_id": VPC_ID, "subnet_ids": SUBNETS_BY_AZ, "endpoint_subnets": SUBNETS_BY_AZ[:2]},
    "lambda_sg": {"name": "projects-functions", "id": "sg-lambda"},
    "db_sg": {"name": "projects-mysql", "id": "sg-mysql"},
    "endpoint_sg": {"name": "projects-endpoints", "id": "sg-endpoints"},
    "db": DB_OUTPUTS,
    "user_pool": {"name": "ProjectsUsers", "id": POOL_ID, "arn": POOL_ARN},
    "test_user_password": {"name": "codecraft/workshop1/test-user-password", "arn": USER_SECRET_ARN},
}

# What workshop2's plans see: the prerequisite's outputs as "workshop1:<id>", its own as "<id>".
W2_OUTPUTS: dict[str, dict[str, Any]] = {
    **{f"workshop1:{rid}": out for rid, out in W1_OUTPUTS.items()},
    "notifications_queue": {"name": "ProjectNotificationsQueue", "arn": QUEUE_ARN, "url": QUEUE_URL},
    "role": {"name": "ManageProjectsRole", "arn": ROLE_ARN},
    "manage_projects": {"name": "ManageProjects", "arn": FUNCTION_ARN, "vpc": True},
    "projects_api": {"name": "ProjectManagementAPI", "id": API_ID,
                     "arn": f"arn:aws:apigateway:eu-west-3::/restapis/{API_ID}"},
    "authorizer": {"id": AUTHORIZER_ID, "name": "CognitoAuthorizer", "api": API_ID},
}


@dataclass
class Harness:
    ctx: DeployContext
    outputs: dict[str, dict[str, Any]]
    stubbers: dict[str, Stubber]
    sleeps: list[float] = field(default_factory=list)
    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def stub(self, service: str) -> Stubber:
        return self.stubbers[service]

    def executor(self) -> Executor:
        return Executor(self.ctx, sleep=self.sleeps.append)

    def plan(self, logical_id: str, observed: Observed | None = None,
             extra: dict[str, dict[str, Any]] | None = None) -> tuple[Any, Any, dict, list[Step]]:
        res = self.ctx.workshop.resource(logical_id)
        props = resolve(res.properties, {**self.outputs, **(extra or {})})
        handler = handler_for(res.type)
        calls = handler.plan(self.ctx, res, props, observed or Observed(False))
        return handler, res, props, calls

    def sent_ops(self) -> list[str]:
        return [op for _, op, _ in self.sent]

    def sent_params(self, operation: str) -> list[dict[str, Any]]:
        return [params for _, op, params in self.sent if op == operation]

    def assert_done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


def _harness(workshop: str, outputs: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
             tmp_path) -> Harness:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    target = Target("aws", REGION)
    clients = Clients(target)
    clients._account_id = ACCOUNT
    harness = Harness(ctx=None, outputs=outputs, stubbers={})  # type: ignore[arg-type]

    def capture(params: dict[str, Any], model: Any, **_: Any) -> None:
        harness.sent.append((model.service_model.service_name, model.name, dict(params)))

    for service in SERVICES:
        client = boto3.client(service, region_name=REGION, aws_access_key_id="x",
                              aws_secret_access_key="y")
        client.meta.events.register("before-parameter-build.*.*", capture)
        clients._clients[service] = client
        harness.stubbers[service] = Stubber(client)
        harness.stubbers[service].activate()
    harness.ctx = DeployContext(load_workshop(workshop), target, clients)
    return harness


@pytest.fixture
def w1(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Harness]:
    harness = _harness("workshop1", W1_OUTPUTS, monkeypatch, tmp_path)
    yield harness
    for stubber in harness.stubbers.values():
        stubber.deactivate()


@pytest.fixture
def w2(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Harness]:
    harness = _harness("workshop2", W2_OUTPUTS, monkeypatch, tmp_path)
    yield harness
    for stubber in harness.stubbers.values():
        stubber.deactivate()


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key path, leaf value) of nested params, with the keys themselves as leaves too."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    else:
        yield path, value


# --- 1. rds.db_instance: creation --------------------------------------------------------------

CREATE_DB_INSTANCE = {
    "DBInstanceIdentifier": "projetopensourcedb",
    "Engine": "mysql",
    "DBName": "ProjetOpenSourceDB",
    "AllocatedStorage": 20,
    "StorageType": "gp2",
    "MultiAZ": False,
    "MasterUsername": "admin",
    "ManageMasterUserPassword": True,
    "VpcSecurityGroupIds": ["sg-mysql"],
    "BackupRetentionPeriod": 0,
    "CopyTagsToSnapshot": True,
    "Tags": [
        {"Key": "codecraft:workshop", "Value": "workshop1"},
        {"Key": "codecraft:student", "Value": "-"},
        {"Key": "codecraft:deployment", "Value": "workshop1"},
    ],
    "DBInstanceClass": "db.t3.micro",
    "PubliclyAccessible": False,
    "DeletionProtection": False,
}
AVAILABLE_DB = {
    "DBInstanceIdentifier": "projetopensourcedb",
    "DBInstanceClass": "db.t3.micro",
    "Engine": "mysql",
    "DBInstanceStatus": "available",
    "Endpoint": {"Address": DB_HOST, "Port": 3306},
    "PubliclyAccessible": False,
    "DeletionProtection": False,
    "MasterUserSecret": {"SecretArn": DB_SECRET_ARN, "SecretStatus": "active"},
}


def test_create_db_instance_request_waits_and_resolves_outputs(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("db")
    assert steps(calls) == ["create_db_instance", "wait:db_instance_available",
                                         "describe_db_instances"]
    stub = w1.stub("rds")
    stub.add_response("create_db_instance", {"DBInstance": {
        "DBInstanceIdentifier": "projetopensourcedb", "DBInstanceStatus": "creating",
        "MasterUserSecret": {"SecretArn": DB_SECRET_ARN, "SecretStatus": "creating"}}}, {
        "DBInstanceIdentifier": "projetopensourcedb",
        "Engine": "mysql",
        "DBName": "ProjetOpenSourceDB",
        "AllocatedStorage": 20,
        "StorageType": "gp2",
        "MultiAZ": False,
        "MasterUsername": "admin",
        "ManageMasterUserPassword": True,
        "VpcSecurityGroupIds": ["sg-mysql"],
        "BackupRetentionPeriod": 0,
        "CopyTagsToSnapshot": True,
        "Tags": [
            {"Key": "codecraft:workshop", "Value": "workshop1"},
            {"Key": "codecraft:student", "Value": "-"},
            {"Key": "codecraft:deployment", "Value": "workshop1"},
        ],
        "DBInstanceClass": "db.t3.micro",
        "PubliclyAccessible": False,
        "DeletionProtection": False,
    })
    stub.add_response("describe_db_instances", {"DBInstances": [AVAILABLE_DB]},
                      {"DBInstanceIdentifier": "projetopensourcedb"})  # the waiter
    stub.add_response("describe_db_instances", {"DBInstances": [AVAILABLE_DB]},
                      {"DBInstanceIdentifier": "projetopensourcedb"})

    results = w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["CreateDBInstance", "DescribeDBInstances", "DescribeDBInstances"]
    sent = w1.sent_params("CreateDBInstance")[0]
    assert sent == CREATE_DB_INSTANCE
    assert "MasterUserPassword" not in sent
    outputs = handler.resolve_outputs(w1.ctx, res, props, Observed(False), results)
    assert outputs == {
        "name": "projetopensourcedb",
        "id": "projetopensourcedb",
        "database": "ProjetOpenSourceDB",
        "instance_class": "db.t3.micro",
        "arn": "arn:aws:rds:eu-west-3:111122223333:db:projetopensourcedb",
        "address": DB_HOST,
        "port": 3306,
        "secret_arn": DB_SECRET_ARN,
    }


def test_db_instance_plans_never_hold_a_password(w1: Harness) -> None:
    _, _, _, create = w1.plan("db")
    drifted = Observed(True, {"DBInstanceClass": "db.t4g.micro", "PubliclyAccessible": True,
                              "DeletionProtection": True})
    _, _, _, modify = w1.plan("db", drifted)
    assert steps(modify) == ["modify_db_instance", "wait:db_instance_available"]
    assert dict(modify[0].params) == {"DBInstanceIdentifier": "projetopensourcedb", "ApplyImmediately": True,
                                      "DBInstanceClass": "db.t3.micro", "PubliclyAccessible": False,
                                      "DeletionProtection": False}
    deletion = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS},
                                                          {"protected": True, "status": "available"})

    for call in [*create, *modify, *deletion]:
        for where, leaf in _walk(dict(call.params)):
            if isinstance(leaf, str) and "password" in leaf.lower():
                # the only password-ish thing allowed: asking RDS to manage it itself
                assert leaf == "ManageMasterUserPassword", f"{call.action}{where}: {leaf}"
                assert call.params["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in create[0].params
    assert create[0].params["ManageMasterUserPassword"] is True


# --- 2. rds.db_instance: deletion --------------------------------------------------------------


def test_delete_protected_db_instance_requests(w1: Harness) -> None:
    calls = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS},
                                                       {"protected": True, "status": "available"})
    assert steps(calls) == ["modify_db_instance", "delete_db_instance", "wait:db_instance_deleted"]
    stub = w1.stub("rds")
    stub.add_response("modify_db_instance", {"DBInstance": {"DBInstanceIdentifier": "projetopensourcedb"}}, {
        "DBInstanceIdentifier": "projetopensourcedb", "DeletionProtection": False, "ApplyImmediately": True})
    stub.add_response("delete_db_instance", {"DBInstance": {
        "DBInstanceIdentifier": "projetopensourcedb", "DBInstanceStatus": "deleting"}}, {
        "DBInstanceIdentifier": "projetopensourcedb", "SkipFinalSnapshot": True, "DeleteAutomatedBackups": True})
    stub.add_client_error("describe_db_instances", "DBInstanceNotFound",
                          "DBInstance projetopensourcedb not found.", 404,
                          expected_params={"DBInstanceIdentifier": "projetopensourcedb"})

    w1.executor().run(calls)  # the waiter treats DBInstanceNotFound as success

    w1.assert_done()
    assert w1.sent_ops() == ["ModifyDBInstance", "DeleteDBInstance", "DescribeDBInstances"]


def test_delete_db_instance_already_gone_is_success(w1: Harness) -> None:
    calls = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS}, {"status": "available"})
    assert steps(calls) == ["delete_db_instance", "wait:db_instance_deleted"]
    stub = w1.stub("rds")
    stub.add_client_error("delete_db_instance", "DBInstanceNotFound", "DBInstance projetopensourcedb not found.",
                          404, expected_params={"DBInstanceIdentifier": "projetopensourcedb",
                                                "SkipFinalSnapshot": True, "DeleteAutomatedBackups": True})
    stub.add_client_error("describe_db_instances", "DBInstanceNotFound",
                          "DBInstance projetopensourcedb not found.", 404,
                          expected_params={"DBInstanceIdentifier": "projetopensourcedb"})

    w1.executor().run(calls)

    w1.assert_done()


def test_delete_db_instance_already_deleting_only_waits(w1: Harness) -> None:
    calls = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS},
                                                       {"protected": False, "status": "deleting"})
    assert calls == [Wait("rds", "db_instance_deleted", {"DBInstanceIdentifier": "projetopensourcedb"})]
    assert handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS}, {"gone": True}) == []


# --- 3. apigateway.authorizer ------------------------------------------------------------------


def test_create_authorizer_request(w2: Harness) -> None:
    handler, res, props, calls = w2.plan("authorizer")
    w2.stub("apigateway").add_response("create_authorizer", {
        "id": AUTHORIZER_ID, "name": "CognitoAuthorizer", "type": "COGNITO_USER_POOLS",
        "providerARNs": [POOL_ARN], "identitySource": "method.request.header.Authorization"}, {
        "restApiId": "p9q8r7s6t5",
        "name": "CognitoAuthorizer",
        "type": "COGNITO_USER_POOLS",
        "providerARNs": ["arn:aws:cognito-idp:eu-west-3:111122223333:userpool/eu-west-3_AbCdEf123"],
        "identitySource": "method.request.header.Authorization",
    })

    results = w2.executor().run(calls)

    w2.assert_done()
    assert handler.resolve_outputs(w2.ctx, res, props, Observed(False), results) == {
        "id": AUTHORIZER_ID, "name": "CognitoAuthorizer", "api": API_ID}


# --- 4. apigateway.route with the Cognito authorizer -------------------------------------------

INTEGRATION_URI = ("arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
                   "arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects/invocations")
EXECUTE_ARN = "arn:aws:execute-api:eu-west-3:111122223333:p9q8r7s6t5/*/POST/projects"


def test_route_requests_use_the_cognito_authorizer(w2: Harness) -> None:
    observed = Observed(False, {"resources": {"/": "root1"}})
    handler, res, props, calls = w2.plan("post_projects", observed)
    stub = w2.stub("apigateway")
    stub.add_response("create_resource", {"id": "res9", "parentId": "root1", "pathPart": "projects",
                                          "path": "/projects"},
                      {"restApiId": "p9q8r7s6t5", "parentId": "root1", "pathPart": "projects"})
    stub.add_response("put_method", {"httpMethod": "POST", "authorizationType": "COGNITO_USER_POOLS",
                                     "authorizerId": AUTHORIZER_ID}, {
        "restApiId": "p9q8r7s6t5",
        "resourceId": "res9",
        "httpMethod": "POST",
        "authorizationType": "COGNITO_USER_POOLS",
        "authorizerId": "auth7x",
    })
    stub.add_response("put_integration", {"type": "AWS_PROXY", "httpMethod": "POST", "uri": INTEGRATION_URI}, {
        "restApiId": "p9q8r7s6t5",
        "resourceId": "res9",
        "httpMethod": "POST",
        "type": "AWS_PROXY",
        "integrationHttpMethod": "POST",
        "uri": "arn:aws:apigateway:eu-west-3:lambda:path/2015-03-31/functions/"
               "arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects/invocations",
    })

    results = w2.executor().run(calls)

    w2.assert_done()
    assert w2.sent_ops() == ["CreateResource", "PutMethod", "PutIntegration"]
    outputs = handler.resolve_outputs(w2.ctx, res, props, observed, results)
    assert outputs["resource_id"] == "res9"
    assert outputs["created_resources"] == ["res9"]
    assert outputs["execute_arn"] == EXECUTE_ARN


# --- 5. lambda.permission ----------------------------------------------------------------------


def test_invoke_permission_request(w2: Harness) -> None:
    route_observed = Observed(False, {"resources": {"/": "root1"}})
    route, route_res, route_props, _ = w2.plan("post_projects", route_observed)
    route_outputs = route.resolve_outputs(w2.ctx, route_res, route_props, route_observed,
                                          {"resource0": {"id": "res9"}})
    _, _, _, calls = w2.plan("invoke_permission", extra={"post_projects": route_outputs})
    w2.stub("lambda").add_response("add_permission", {"Statement": "{}"}, {
        "FunctionName": "ManageProjects",
        "StatementId": "codecraft-invoke_permission",
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": "arn:aws:execute-api:eu-west-3:111122223333:p9q8r7s6t5/*/POST/projects",
    })

    w2.executor().run(calls)

    w2.assert_done()


# --- 6. lambda.function in the VPC -------------------------------------------------------------


def test_create_vpc_function_request_without_any_password(w2: Harness, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path) -> None:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "lambda-home"))
    _, _, _, calls = w2.plan("manage_projects")  # builds the zip: pymysql for the Lambda platform
    stub = w2.stub("lambda")
    stub.add_response("create_function", {"FunctionName": "ManageProjects", "FunctionArn": FUNCTION_ARN,
                                          "State": "Pending"}, {
        "FunctionName": "ManageProjects",
        "Runtime": "python3.12",
        "Handler": "app.lambda_handler",
        "Role": "arn:aws:iam::111122223333:role/ManageProjectsRole",
        "Timeout": 10,
        "MemorySize": 256,
        "Environment": {"Variables": {
            "DB_HOST": "projetopensourcedb.abcdefghijkl.eu-west-3.rds.amazonaws.com",
            "DB_PORT": "3306",
            "DB_NAME": "ProjetOpenSourceDB",
            "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-3:111122223333:secret:rds!db-0123abcd-4567-89ef-AbCdEf",
            "QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/111122223333/ProjectNotificationsQueue",
        }},
        "VpcConfig": {"SubnetIds": ["subnet-0a1", "subnet-0b2", "subnet-0c3"], "SecurityGroupIds": ["sg-lambda"]},
        "Code": {"ZipFile": ANY},
        "Architectures": ["x86_64"],
        "Description": "codecraft: function",
        "Tags": {"codecraft:workshop": "workshop2", "codecraft:student": "-", "codecraft:deployment": "workshop2"},
    })
    stub.add_response("get_function", {"Configuration": {"FunctionName": "ManageProjects",
                                                         "FunctionArn": FUNCTION_ARN, "State": "Active"}},
                      {"FunctionName": "ManageProjects"})

    results = w2.executor().run(calls)

    w2.assert_done()
    assert results["created"]["FunctionArn"] == FUNCTION_ARN
    assert steps(calls) == ["create_function", "wait:function_active_v2"]
    assert list((tmp_path / "lambda-home" / "build").glob("manage_projects-*.zip"))
    sent = w2.sent_params("CreateFunction")[0]
    variables = sent["Environment"]["Variables"]
    assert sorted(variables) == ["DB_HOST", "DB_NAME", "DB_PORT", "DB_SECRET_ARN", "QUEUE_URL"]
    for name, value in variables.items():
        assert "PASSWORD" not in name.upper()
        assert value not in (USER_PASSWORD, RANDOM_PASSWORD)
    for _, leaf in _walk({k: v for k, v in sent.items() if k != "Code"}):
        assert leaf not in (USER_PASSWORD, RANDOM_PASSWORD)
        assert not (isinstance(leaf, str) and "password" in leaf.lower())
    with zipfile.ZipFile(io.BytesIO(sent["Code"]["ZipFile"])) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert "app.py" in names and "mysql_conn.py" in names
    assert any(name.startswith("pymysql/") for name in names)


def test_delete_vpc_function_detaches_the_vpc_before_deleting(w2: Harness) -> None:
    record = {"outputs": {"name": "ManageProjects", "arn": FUNCTION_ARN, "vpc": True}}
    calls = handler_for("lambda.function").plan_delete(record, {"mappings": ["a1b2c3d4-0000-4000-8000-000000000001"]})
    assert steps(calls) == ["delete_event_source_mapping", "update_function_configuration",
                                         "wait:function_updated_v2", "delete_function"]
    stub = w2.stub("lambda")
    stub.add_response("delete_event_source_mapping", {"UUID": "a1b2c3d4-0000-4000-8000-000000000001", "State": "Deleting"}, {"UUID": "a1b2c3d4-0000-4000-8000-000000000001"})
    stub.add_response("update_function_configuration", {"FunctionName": "ManageProjects",
                                                        "LastUpdateStatus": "InProgress"}, {
        "FunctionName": "ManageProjects",
        "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []},
    })
    stub.add_response("get_function", {"Configuration": {"FunctionName": "ManageProjects",
                                                         "LastUpdateStatus": "Successful"}},
                      {"FunctionName": "ManageProjects"})
    stub.add_response("delete_function", {}, {"FunctionName": "ManageProjects"})

    w2.executor().run(calls)

    w2.assert_done()
    assert w2.sent_ops() == ["DeleteEventSourceMapping", "UpdateFunctionConfiguration", "GetFunction",
                             "DeleteFunction"]


def test_delete_function_outside_a_vpc_does_not_touch_its_configuration(w2: Harness) -> None:
    calls = handler_for("lambda.function").plan_delete(
        {"outputs": {"name": "ManageProjects", "arn": FUNCTION_ARN, "vpc": False}}, {"mappings": []})
    w2.stub("lambda").add_response("delete_function", {}, {"FunctionName": "ManageProjects"})

    w2.executor().run(calls)

    w2.assert_done()
    assert w2.sent_ops() == ["DeleteFunction"]


def test_delete_vpc_function_already_gone_is_success(w2: Harness) -> None:
    """A function deleted by hand in the console: only its surviving mappings are deleted."""
    record = {"outputs": {"name": "ManageProjects", "arn": FUNCTION_ARN, "vpc": True}}
    not_found = "Function not found: arn:aws:lambda:eu-west-3:111122223333:function:ManageProjects"
    stub = w2.stub("lambda")
    stub.add_client_error("get_function", "ResourceNotFoundException", not_found, 404,
                          expected_params={"FunctionName": "ManageProjects"})
    stub.add_response("list_event_source_mappings", {"EventSourceMappings": [{"UUID": "a1b2c3d4-0000-4000-8000-00000000000f"}]},
                      {"FunctionName": "ManageProjects"})
    stub.add_response("delete_event_source_mapping", {"UUID": "a1b2c3d4-0000-4000-8000-00000000000f"}, {"UUID": "a1b2c3d4-0000-4000-8000-00000000000f"})
    handler = handler_for("lambda.function")
    found = handler.observe_for_delete(w2.ctx, record)
    assert found == {"mappings": ["a1b2c3d4-0000-4000-8000-00000000000f"], "gone": True}
    calls = handler.plan_delete(record, found)
    assert [c.method for c in calls] == ["delete_event_source_mapping"]
    w2.executor().run(calls)  # a function deleted by hand must not fail the teardown
    stub.assert_no_pending_responses()


# --- 7. cognito.user_pool_client ---------------------------------------------------------------


def test_create_user_pool_client_request(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("app_client")
    w1.stub("cognito-idp").add_response("create_user_pool_client", {"UserPoolClient": {
        "UserPoolId": POOL_ID, "ClientName": "projects-cli", "ClientId": "client4abc"}}, {
        "UserPoolId": "eu-west-3_AbCdEf123",
        "ClientName": "projects-cli",
        "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        "PreventUserExistenceErrors": "ENABLED",
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert handler.resolve_outputs(w1.ctx, res, props, Observed(False), results) == {
        "name": "projects-cli", "id": "client4abc", "pool": POOL_ID}


# --- 8. cognito.user_pool: deletion ------------------------------------------------------------


def test_delete_user_pool_deletes_its_domain_first(w1: Harness) -> None:
    record = {"outputs": {"name": "ProjectsUsers", "id": POOL_ID, "arn": POOL_ARN}}
    calls = handler_for("cognito.user_pool").plan_delete(record, {"domain": "my-domain", "protected": False})
    assert [c.method for c in calls] == ["delete_user_pool_domain", "delete_user_pool"]
    stub = w1.stub("cognito-idp")
    stub.add_response("delete_user_pool_domain", {}, {"Domain": "my-domain", "UserPoolId": "eu-west-3_AbCdEf123"})
    stub.add_response("delete_user_pool", {}, {"UserPoolId": "eu-west-3_AbCdEf123"})

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["DeleteUserPoolDomain", "DeleteUserPool"]


def test_delete_protected_user_pool_lifts_protection_first(w1: Harness) -> None:
    record = {"outputs": {"name": "ProjectsUsers", "id": POOL_ID, "arn": POOL_ARN}}
    calls = handler_for("cognito.user_pool").plan_delete(record, {"domain": None, "protected": True})
    stub = w1.stub("cognito-idp")
    stub.add_response("update_user_pool", {}, {"UserPoolId": "eu-west-3_AbCdEf123",
                                               "DeletionProtection": "INACTIVE"})
    stub.add_client_error("delete_user_pool", "ResourceNotFoundException", "User pool does not exist.", 400,
                          expected_params={"UserPoolId": "eu-west-3_AbCdEf123"})

    w1.executor().run(calls)  # already gone: success

    w1.assert_done()
    assert w1.sent_ops() == ["UpdateUserPool", "DeleteUserPool"]


# --- 9. cognito.user ---------------------------------------------------------------------------


def test_create_user_password_comes_from_the_secret(w1: Harness) -> None:
    _, _, _, calls = w1.plan("test_user")
    assert [c.method for c in calls] == ["admin_create_user", "get_secret_value", "admin_set_user_password"]
    w1.stub("cognito-idp").add_response("admin_create_user", {"User": {
        "Username": "student", "UserStatus": "FORCE_CHANGE_PASSWORD", "Enabled": True}}, {
        "UserPoolId": "eu-west-3_AbCdEf123",
        "Username": "student",
        "MessageAction": "SUPPRESS",
        "UserAttributes": [],
    })
    w1.stub("secretsmanager").add_response("get_secret_value", {
        "ARN": USER_SECRET_ARN, "Name": "codecraft/workshop1/test-user-password",
        "SecretString": "Zq8#vN2!rT6^mW4*pK1+"}, {
        "SecretId": "arn:aws:secretsmanager:eu-west-3:111122223333:secret:"
                    "codecraft/workshop1/test-user-password-XyZ123",
    })
    w1.stub("cognito-idp").add_response("admin_set_user_password", {}, {
        "UserPoolId": "eu-west-3_AbCdEf123",
        "Username": "student",
        "Password": "Zq8#vN2!rT6^mW4*pK1+",
        "Permanent": True,
    })

    w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["AdminCreateUser", "GetSecretValue", "AdminSetUserPassword"]
    assert w1.sent_params("AdminSetUserPassword")[0]["Password"] == USER_PASSWORD
    assert USER_PASSWORD not in repr(calls)


def test_confirmed_user_needs_no_call_and_unconfirmed_user_only_gets_its_password(w1: Harness) -> None:
    _, _, _, confirmed = w1.plan("test_user", Observed(True, {"status": "CONFIRMED"}))
    _, _, _, pending = w1.plan("test_user", Observed(True, {"status": "FORCE_CHANGE_PASSWORD"}))

    assert confirmed == []
    assert [c.method for c in pending] == ["get_secret_value", "admin_set_user_password"]


# --- 10. secretsmanager.secret -----------------------------------------------------------------


def test_create_secret_stores_the_generated_password(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("test_user_password")
    stub = w1.stub("secretsmanager")
    stub.add_response("get_random_password", {"RandomPassword": "Hb7!kL3#xQ9^sD2*fJ5+"}, {
        "PasswordLength": 20,
        "ExcludeCharacters": "\"'\\/@`$%&;<>|{}[]()",
        "RequireEachIncludedType": True,
    })
    stub.add_response("create_secret", {"ARN": USER_SECRET_ARN, "Name": "codecraft/workshop1/test-user-password"}, {
        "Name": "codecraft/workshop1/test-user-password",
        "Description": "codecraft: password of the test user 'student' (workshop1)",
        "SecretString": "Hb7!kL3#xQ9^sD2*fJ5+",
        "Tags": [
            {"Key": "codecraft:workshop", "Value": "workshop1"},
            {"Key": "codecraft:student", "Value": "-"},
            {"Key": "codecraft:deployment", "Value": "workshop1"},
        ],
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_params("CreateSecret")[0]["SecretString"] == RANDOM_PASSWORD
    assert RANDOM_PASSWORD not in repr(calls)
    outputs = handler.resolve_outputs(w1.ctx, res, props, Observed(False), results)
    assert outputs == {"name": "codecraft/workshop1/test-user-password", "arn": USER_SECRET_ARN}
    assert RANDOM_PASSWORD not in repr(outputs)


def test_delete_secret_request(w1: Harness) -> None:
    calls = handler_for("secretsmanager.secret").plan_delete(
        {"outputs": {"name": "codecraft/workshop1/test-user-password", "arn": USER_SECRET_ARN}})
    w1.stub("secretsmanager").add_response("delete_secret", {"ARN": USER_SECRET_ARN}, {
        "SecretId": "arn:aws:secretsmanager:eu-west-3:111122223333:secret:"
                    "codecraft/workshop1/test-user-password-XyZ123",
        "ForceDeleteWithoutRecovery": True,
    })

    w1.executor().run(calls)

    w1.assert_done()


# --- 11. ec2.security_group --------------------------------------------------------------------


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


# --- 12. ec2.vpc_endpoint ----------------------------------------------------------------------


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
        ]}],
    })

    results = w1.executor().run(calls)

    w1.assert_done()
    assert handler.resolve_outputs(w1.ctx, res, props, Observed(False), results) == {
        "id": "vpce-0123456789abcdef0", "service": "secretsmanager", "azs": 2}
