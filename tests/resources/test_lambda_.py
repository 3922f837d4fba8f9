"""lambda.function and lambda.permission: code and configuration, role propagation, the VPC
(workshop2's function), deletion, and the API's invoke permission."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from botocore.stub import ANY, Stubber

from codecraft_cli.aws.retry import IAM_PROPAGATION
from codecraft_cli.engine.packaging import Artifact
from codecraft_cli.errors import AwsFailure
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed, Wait
from codecraft_cli.workshop.model import resolve

from . import orders_outputs
from .fakes import PLANNED, TOPIC, W, PlanContext, plan
from .orders_outputs import FUNCTION_ARN, ROLE_ARN, TAGS, TOPIC_ARN
from .projects_outputs import RANDOM_PASSWORD, USER_PASSWORD
from .projects_outputs import FUNCTION_ARN as PROJECTS_FUNCTION_ARN
from .stubs import Harness, steps, walk


def _artifact(sha: str = "abc=") -> Artifact:
    return Artifact("process_order", Path("/x.zip"), b"PK-zip", sha, built=False)


def test_function_unchanged_code_and_config_plans_nothing() -> None:
    ctx = PlanContext(artifacts={"process_order": _artifact()})
    res = W.resource("process_order")
    props = resolve(res.properties, PLANNED)
    have = {"CodeSha256": "abc=", "Runtime": "python3.12", "Handler": "app.lambda_handler",
            "Role": PLANNED["role"]["arn"], "Timeout": 10, "MemorySize": 128,
            "Environment": {"Variables": {"TABLE_NAME": "Orders", "TOPIC_ARN": TOPIC}},
            "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}
    handler = handler_for(res.type)
    assert handler.plan(ctx, res, props, Observed(True, have, {})) == []
    changed_code = handler.plan(ctx, res, props, Observed(True, {**have, "CodeSha256": "old="}, {}))
    assert steps(changed_code) == ["update_function_code", "wait:function_updated_v2"]
    changed_env = handler.plan(ctx, res, props, Observed(True, {**have, "Timeout": 3}, {}))
    assert changed_env[0] == Call("lambda", "update_function_configuration",
                                  {"FunctionName": "ProcessOrder", "Timeout": 10}, retry=IAM_PROPAGATION)


def test_function_create_retries_role_propagation_and_waits_active() -> None:
    ctx = PlanContext(artifacts={"process_order": _artifact()})
    calls = plan("process_order", Observed(False), ctx)
    assert calls[0].method == "create_function" and calls[0].retry == IAM_PROPAGATION
    assert calls[0].params["Runtime"] == "python3.12"
    assert calls[0].params["Architectures"] == ["x86_64"]
    assert calls[1] == Wait("lambda", "function_active_v2", {"FunctionName": "ProcessOrder"})


def test_permission_source_arn_is_the_method_of_this_api() -> None:
    (call,) = plan("invoke_permission", Observed(False))
    assert call.params == {"FunctionName": "ProcessOrder", "StatementId": "codecraft-invoke_permission",
                           "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com",
                           "SourceArn": "arn:aws:execute-api:eu-west-3:111122223333:api123/*/POST/orders"}


# --- anycompany-orders: the requests sent ---


CREATE_FUNCTION = {
    "FunctionName": "ProcessOrder",
    "Runtime": "python3.12",
    "Handler": "app.lambda_handler",
    "Role": ROLE_ARN,
    "Timeout": 10,
    "MemorySize": 128,
    "Environment": {"Variables": {"TABLE_NAME": "Orders", "TOPIC_ARN": TOPIC_ARN}},
    "Code": {"ZipFile": ANY},
    "Architectures": ["x86_64"],
    "Description": "codecraft: function",
    "Tags": TAGS,
}


CREATED_FUNCTION = {"FunctionName": "ProcessOrder", "FunctionArn": FUNCTION_ARN, "State": "Pending"}


ACTIVE_FUNCTION = {"Configuration": {"FunctionName": "ProcessOrder", "FunctionArn": FUNCTION_ARN,
                                     "State": "Active"}}


ROLE_NOT_ASSUMABLE = "The role defined for the function cannot be assumed by Lambda."


def _refuse_role(stub: Stubber, times: int) -> None:
    """Lambda refuses the creation ``times`` times: the new role is not assumable yet."""
    for _ in range(times):
        stub.add_client_error("create_function", "InvalidParameterValueException", ROLE_NOT_ASSUMABLE,
                              400, expected_params=CREATE_FUNCTION)


def test_create_function_request(orders: Harness) -> None:
    _, _, _, calls = orders.plan("process_order")
    stub = orders.stub("lambda")
    stub.add_response("create_function", CREATED_FUNCTION, CREATE_FUNCTION)
    stub.add_response("get_function", ACTIVE_FUNCTION, {"FunctionName": "ProcessOrder"})

    results = orders.executor().run(calls)

    orders.assert_done()
    assert results["created"]["FunctionArn"] == FUNCTION_ARN
    assert steps(calls) == ["create_function", "wait:function_active_v2"]
    sent_zip = orders.sent_params("CreateFunction")[0]["Code"]["ZipFile"]
    assert sent_zip == calls[0].params["Code"]["ZipFile"]
    with zipfile.ZipFile(io.BytesIO(calls[0].params["Code"]["ZipFile"])) as zf:
        assert zf.testzip() is None
        assert "app.py" in zf.namelist()
        assert "def lambda_handler" in zf.read("app.py").decode("utf-8")


def test_function_zip_is_cached_under_codecraft_home(orders: Harness, tmp_path) -> None:
    orders.plan("process_order")

    assert list((tmp_path / "home" / "build").glob("process_order-*.zip"))


def test_create_function_retries_while_the_role_propagates(orders: Harness) -> None:
    _, _, _, calls = orders.plan("process_order")
    stub = orders.stub("lambda")
    _refuse_role(stub, times=2)
    stub.add_response("create_function", CREATED_FUNCTION, CREATE_FUNCTION)
    stub.add_response("get_function", ACTIVE_FUNCTION, {"FunctionName": "ProcessOrder"})

    results = orders.executor().run(calls)

    orders.assert_done()
    assert results["created"]["FunctionArn"] == FUNCTION_ARN
    assert orders.sleeps == [1.0, 2.0]
    assert len(orders.sent_params("CreateFunction")) == 3


def test_create_function_gives_up_when_the_role_never_propagates(orders: Harness) -> None:
    _, _, _, calls = orders.plan("process_order")
    stub = orders.stub("lambda")
    _refuse_role(stub, times=60)

    with pytest.raises(AwsFailure, match="InvalidParameterValueException"):
        orders.executor().run(calls)

    orders.assert_done()
    assert len(orders.sleeps) == 59
    assert max(orders.sleeps) == 3.0
    assert 150 <= sum(orders.sleeps) <= 200  # about three minutes of patience, no more


def test_create_function_other_invalid_parameter_is_not_retried(orders: Harness) -> None:
    _, _, _, calls = orders.plan("process_order")
    orders.stub("lambda").add_client_error(
        "create_function", "InvalidParameterValueException",
        "Unzipped size must be smaller than 262144000 bytes", 400, expected_params=CREATE_FUNCTION)

    with pytest.raises(AwsFailure, match="Unzipped size"):
        orders.executor().run(calls)

    orders.assert_done()
    assert orders.sleeps == []


def test_invoke_permission_request(orders: Harness) -> None:
    route_observed = Observed(False, {"resources": {"/": "root123"}})
    route, route_res, route_props, _ = orders.plan("post_orders", route_observed)
    route_outputs = route.resolve_outputs(orders.ctx, route_res, route_props, route_observed,
                                          {"resource0": {"id": "res456"}})
    assert route_outputs["execute_arn"] == orders_outputs.EXECUTE_ARN
    OUTPUTS_WITH_ROUTE = {**orders_outputs.OUTPUTS, "post_orders": route_outputs}
    res = orders.ctx.workshop.resource("invoke_permission")
    props = resolve(res.properties, OUTPUTS_WITH_ROUTE)
    calls = handler_for(res.type).plan(orders.ctx, res, props, Observed(False))
    orders.stub("lambda").add_response("add_permission", {"Statement": "{}"}, {
        "FunctionName": "ProcessOrder",
        "StatementId": "codecraft-invoke_permission",
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": "arn:aws:execute-api:eu-west-3:111122223333:a1b2c3d4e5/*/POST/orders",
    })

    orders.executor().run(calls)

    orders.assert_done()


# --- workshop2: the function in the VPC, the permission of its API ---


def test_invoke_permission_request_of_workshop2(w2: Harness) -> None:
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


def test_create_vpc_function_request_without_any_password(w2: Harness, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path) -> None:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "lambda-home"))
    _, _, _, calls = w2.plan("manage_projects")  # builds the zip: pymysql for the Lambda platform
    stub = w2.stub("lambda")
    stub.add_response("create_function", {"FunctionName": "ManageProjects", "FunctionArn": PROJECTS_FUNCTION_ARN,
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
                                                         "FunctionArn": PROJECTS_FUNCTION_ARN, "State": "Active"}},
                      {"FunctionName": "ManageProjects"})

    results = w2.executor().run(calls)

    w2.assert_done()
    assert results["created"]["FunctionArn"] == PROJECTS_FUNCTION_ARN
    assert steps(calls) == ["create_function", "wait:function_active_v2"]
    assert list((tmp_path / "lambda-home" / "build").glob("manage_projects-*.zip"))
    sent = w2.sent_params("CreateFunction")[0]
    variables = sent["Environment"]["Variables"]
    assert sorted(variables) == ["DB_HOST", "DB_NAME", "DB_PORT", "DB_SECRET_ARN", "QUEUE_URL"]
    for name, value in variables.items():
        assert "PASSWORD" not in name.upper()
        assert value not in (USER_PASSWORD, RANDOM_PASSWORD)
    for _, leaf in walk({k: v for k, v in sent.items() if k != "Code"}):
        assert leaf not in (USER_PASSWORD, RANDOM_PASSWORD)
        assert not (isinstance(leaf, str) and "password" in leaf.lower())
    with zipfile.ZipFile(io.BytesIO(sent["Code"]["ZipFile"])) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert "app.py" in names and "mysql_conn.py" in names
    assert any(name.startswith("pymysql/") for name in names)


def test_delete_vpc_function_detaches_the_vpc_before_deleting(w2: Harness) -> None:
    record = {"outputs": {"name": "ManageProjects", "arn": PROJECTS_FUNCTION_ARN, "vpc": True}}
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
        {"outputs": {"name": "ManageProjects", "arn": PROJECTS_FUNCTION_ARN, "vpc": False}}, {"mappings": []})
    w2.stub("lambda").add_response("delete_function", {}, {"FunctionName": "ManageProjects"})

    w2.executor().run(calls)

    w2.assert_done()
    assert w2.sent_ops() == ["DeleteFunction"]


def test_delete_vpc_function_already_gone_is_success(w2: Harness) -> None:
    """A function deleted by hand in the console: only its surviving mappings are deleted."""
    record = {"outputs": {"name": "ManageProjects", "arn": PROJECTS_FUNCTION_ARN, "vpc": True}}
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


# --- lambda.permission built by hand: any statement id, any source ARN form AWS accepts ---


def _policy(*statements: dict) -> dict:
    import json

    return {"Policy": json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": list(statements)}),
            "RevisionId": "r1"}


def _statement(sid: str, source: str | None, principal: str = "apigateway.amazonaws.com",
               key: str = "AWS:SourceArn") -> dict:
    st = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": principal}, "Action": "lambda:InvokeFunction",
          "Resource": FUNCTION_ARN}
    if source is not None:
        st["Condition"] = {"ArnLike": {key: source}}
    return st


def _observe_permission(orders: Harness, *statements: dict) -> Observed:
    res = orders.ctx.workshop.resource("invoke_permission")
    props = resolve(res.properties, {**orders_outputs.OUTPUTS,
                                     "post_orders": {"execute_arn": orders_outputs.EXECUTE_ARN}})
    orders.stub("lambda").add_response("get_policy", _policy(*statements), {"FunctionName": "ProcessOrder"})
    observed = handler_for(res.type).observe_by_hand(orders.ctx, res, props)
    orders.assert_done()
    return observed


API = "arn:aws:execute-api:eu-west-3:111122223333:a1b2c3d4e5"


def test_permission_the_console_adds_when_the_function_is_picked_counts(orders: Harness) -> None:
    """The console's statement: a generated id, SourceArn <api>/*/POST/orders (Lambda Developer
    Guide, "Using resource-based policies": API Gateway permissions)."""
    observed = _observe_permission(orders, _statement("b5e0c7f1-5d0b-4a3e-9a1e-1f7c2d3e4f5a", f"{API}/*/POST/orders"))
    assert observed.exists


def test_permission_terraform_adds_for_any_stage_and_method_counts(orders: Harness) -> None:
    """Terraform's aws_lambda_permission with source_arn = "${execution_arn}/*/*"."""
    assert _observe_permission(orders, _statement("AllowExecutionFromAPIGateway", f"{API}/*/*")).exists


def test_permission_for_one_named_stage_counts_whatever_the_stage_name(orders: Harness) -> None:
    assert _observe_permission(orders, _statement("x", f"{API}/dev/POST/orders", key="aws:SourceArn")).exists


def test_permission_without_any_source_condition_counts(orders: Harness) -> None:
    assert _observe_permission(orders, _statement("any", None)).exists


def test_permission_of_another_api_or_another_route_or_service_does_not_count(orders: Harness) -> None:
    other_api = "arn:aws:execute-api:eu-west-3:111122223333:zzzzzzzzzz"
    assert not _observe_permission(orders, _statement("a", f"{other_api}/*/POST/orders")).exists
    assert not _observe_permission(orders, _statement("b", f"{API}/*/GET/orders")).exists
    assert not _observe_permission(orders, _statement("c", f"{API}/*/*", principal="s3.amazonaws.com")).exists
