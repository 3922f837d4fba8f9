"""Discovery (engine/discovery.py): a student's REST API, stage and role found through the links
(route -> integration -> the workshop's function; function -> execution role), whatever their
names. moto in-process.

What AWS documents and these tests rely on: a REST API's name need not be unique ("API Gateway
REST API names are not unique", CreateRestApi: ``name`` is just a label); a Lambda proxy
integration is ``type: AWS_PROXY`` whose ``uri`` is
``arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function ARN}/invocations``
("Set up a Lambda proxy integration", API Gateway developer guide); a function's execution role
is the ``Role`` of GetFunctionConfiguration (Lambda API reference).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.discovery import discover, name_is_open
from codecraft_cli.errors import UserError
from codecraft_cli.workshop import load_workshop

W = load_workshop("anycompany-orders")
REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture()
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def context(student: str | None = None) -> DeployContext:
    return DeployContext(W, Target("aws", REGION), Clients(Target("aws", REGION)), student)


def function(name: str = "ProcessOrder", role: str = "ProcessOrder-role-ab12cd34") -> str:
    iam = boto3.client("iam", region_name=REGION)
    arn = iam.create_role(RoleName=role, Path="/service-role/", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("lambda_function.py", "def lambda_handler(e, c):\n    return {'statusCode': 200, 'body': '{}'}\n")
    got = boto3.client("lambda", region_name=REGION).create_function(
        FunctionName=name, Runtime="python3.12", Role=arn, Handler="lambda_function.lambda_handler",
        Code={"ZipFile": code.getvalue()})
    return str(got["FunctionArn"])


def api(name: str, function_arn: str | None, stages: tuple[str, ...] = ("dev",), method: str = "POST",
        path_part: str = "orders", kind: str = "AWS_PROXY") -> str:
    """A REST API as the console builds it: /orders, its method, a Lambda proxy integration."""
    apigw = boto3.client("apigateway", region_name=REGION)
    api_id = apigw.create_rest_api(name=name)["id"]
    if function_arn:
        root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
        res = apigw.create_resource(restApiId=api_id, parentId=root, pathPart=path_part)["id"]
        apigw.put_method(restApiId=api_id, resourceId=res, httpMethod=method, authorizationType="NONE")
        apigw.put_integration(restApiId=api_id, resourceId=res, httpMethod=method, type=kind,
                              integrationHttpMethod="POST",
                              uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
                                  f"{function_arn}/invocations")
    for stage in stages:
        apigw.create_deployment(restApiId=api_id, stageName=stage)
    return str(api_id)


def test_the_seed_leaves_the_api_stage_and_role_names_open_and_prescribes_the_others() -> None:
    assert {r.id for r in W.resources if name_is_open(r)} >= {"orders_api", "stage", "role"}
    assert not name_is_open(W.resource("orders_table"))
    assert not name_is_open(W.resource("process_order"))


def test_a_hand_built_api_is_found_by_its_routes_not_by_its_name(aws: None) -> None:
    fn = function()
    api("StudentShop", None, stages=())  # an empty API of the same name: not the one
    other = api("Orders", fn.replace("ProcessOrder", "SomethingElse"))  # routes to another function
    ours = api("StudentShop", fn)
    ctx = context()
    found = discover(ctx, W, {})
    assert found == {"orders_api": "StudentShop", "orders_api#id": ours, "stage": "dev",
                     "role": "ProcessOrder-role-ab12cd34"}
    assert ctx.found == found  # handed to the handlers
    assert other != ours


def test_the_workshops_stage_name_is_preferred_among_stages_that_serve_the_routes(aws: None) -> None:
    api("StudentShop", function(), stages=("dev", "prod", "test"))
    assert discover(context(), W, {})["stage"] == "prod"


def test_an_any_method_and_a_non_proxy_integration(aws: None) -> None:
    fn = function()
    api("NotProxy", fn, kind="AWS")  # a Lambda (non-proxy) integration does not serve the workshop's route
    assert "orders_api" not in discover(context(), W, {})
    served = api("AnyMethod", fn, method="ANY")  # ANY serves POST, as API Gateway does
    assert discover(context(), W, {})["orders_api#id"] == served


def test_api_name_forces_the_api_and_an_unknown_name_lists_those_that_exist(aws: None) -> None:
    fn = function()
    api("StudentShop", fn)
    forced = api("Sandbox", fn, stages=("v1",), method="GET", path_part="health")  # not the workshop's route
    found = discover(context(), W, {}, api_name="Sandbox")
    assert found["orders_api#id"] == forced and found["orders_api"] == "Sandbox" and found["stage"] == "v1"
    with pytest.raises(UserError) as info:
        discover(context(), W, {}, api_name="NoSuchApi")
    assert info.value.exit_code == 2 and "Sandbox, StudentShop" in (info.value.hint or "")


def test_nothing_built_finds_nothing(aws: None) -> None:
    assert discover(context(), W, {}) == {}


def test_a_students_prefixed_function_is_the_one_followed(aws: None) -> None:
    api("Mine", function())  # the unprefixed ProcessOrder: another deployment's
    alice = api("AliceShop", function("alice-ProcessOrder", role="alice-role"))
    found = discover(context("alice"), W, {})
    assert found["orders_api#id"] == alice and found["role"] == "alice-role"


def verify_rows(api_name: str | None = None) -> dict[str, Any]:
    from codecraft_cli.engine.verifier import run_checks

    # the resource rows only (the end-to-end checks need the emulator's gateway: tests/e2e)
    results = run_checks(context(), wait_seconds=0, by_hand=True, api_name=api_name, only_steps={"api", "function"})
    return {r.check: r for r in results if r.step == "api" or r.check == "role"}


def test_verify_judges_the_found_api_and_stage(aws: None) -> None:
    fn = function()
    api("StudentShop", None, stages=())  # same name, no route: must not be the one judged
    ours = api("StudentShop", fn)
    rows = verify_rows()
    for rid in ("orders_api", "post_orders", "stage"):
        assert rows[rid].ok, (rid, rows[rid].detail, rows[rid].fix)
    assert "StudentShop" in rows["orders_api"].title
    assert rows["role"].title.endswith("ProcessOrder-role-ab12cd34")
    assert ours


def test_inspect_db_uses_the_database_function_of_the_seeds_name_when_codecraft_recorded_none(aws: None) -> None:
    from codecraft_cli.engine.inspect import _db_function

    ctx = DeployContext(load_workshop("workshop2"), Target("aws", REGION), Clients(Target("aws", REGION)))
    with pytest.raises(UserError):  # nothing built: say so
        _db_function(ctx)
    function("ProjectsDbAdmin", role="db-admin-role")  # built by hand or by another tool
    assert _db_function(ctx) == "ProjectsDbAdmin"


def test_image_pipeline_built_by_hand_is_followed_link_by_link(aws: None) -> None:
    """Seed image-pipeline leaves the bucket, both functions, roles and the API open: the API by
    its routes, its function by the integration, the bucket by that function's environment (under
    the student's own variable name), the resize function by the bucket's notification, each role
    and log group by its function."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="my-pics-2025")
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="ImageMetadata", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "ImageID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "ImageID", "AttributeType": "S"}])
    upload = function("UploadImage", role="UploadImage-role-1a2b")
    resizer = function("Resizer", role="Resizer-role-3c4d")
    lam = boto3.client("lambda", region_name=REGION)
    lam.update_function_configuration(FunctionName="UploadImage", Environment={"Variables": {
        "PICS": "my-pics-2025", "METADATA": "ImageMetadata"}})
    lam.add_permission(FunctionName="Resizer", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::my-pics-2025")
    s3.put_bucket_notification_configuration(Bucket="my-pics-2025", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": resizer, "Events": ["s3:ObjectCreated:*"]}]})
    api_id = api("PicsAPI", upload, stages=("v1",), path_part="images")
    w = load_workshop("image-pipeline")
    ctx = DeployContext(w, Target("aws", REGION), Clients(Target("aws", REGION)))
    found = discover(ctx, w, {})
    assert found == {
        "images_api": "PicsAPI", "images_api#id": api_id, "stage": "v1", "image_api": "UploadImage",
        "api_role": "UploadImage-role-1a2b", "api_logs": "/aws/lambda/UploadImage", "images": "my-pics-2025",
        "resize": "Resizer", "resize_role": "Resizer-role-3c4d", "resize_logs": "/aws/lambda/Resizer"}


def test_job_events_tables_found_through_the_stream_mapping_and_the_workers_environment(aws: None) -> None:
    """job-events leaves the table and bucket names open: the jobs table is the one whose stream
    feeds Worker (its event source mapping), the results table and bucket the ones Worker's
    environment names under the student's own variable names."""
    ddb = boto3.client("dynamodb", region_name=REGION)
    for table, stream in (("StudentJobs", True), ("StudentResults", False)):
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "job_id", "AttributeType": "S"}],
                         **({"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}}
                            if stream else {}))
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="student-results")
    function("Worker", role="Worker-role-5e6f")
    lam = boto3.client("lambda", region_name=REGION)
    # the student's variable names, none of them codecraft's; the jobs table not among them
    lam.update_function_configuration(FunctionName="Worker", Environment={"Variables": {
        "OUT_TABLE": "StudentResults", "OUT_BUCKET": "student-results"}})
    stream_arn = ddb.describe_table(TableName="StudentJobs")["Table"]["LatestStreamArn"]
    lam.create_event_source_mapping(EventSourceArn=stream_arn, FunctionName="Worker", StartingPosition="TRIM_HORIZON")
    w = load_workshop("job-events")
    found = discover(DeployContext(w, Target("aws", REGION), Clients(Target("aws", REGION))), w, {})
    assert {k: found.get(k) for k in ("jobs", "results", "results_bucket", "worker_role")} == {
        "jobs": "StudentJobs", "results": "StudentResults", "results_bucket": "student-results",
        "worker_role": "Worker-role-5e6f"}
