"""End to end: the installed ``codecraft`` command against the embedded emulator.

One emulator for the module (a fresh CODECRAFT_HOME), the workshop built once, then every
acceptance line of the foundation: rerun, API call, evidence, bad input, verify, teardown.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest

pytestmark = pytest.mark.e2e

from .conftest import Cli, alive, aws

ORDER = '{"order_id": "12345", "product": "Laptop", "price": 999.99}'


@pytest.fixture(scope="module")
def deployed(cli: Cli, emulator: dict[str, Any]) -> dict[str, Any]:
    proc = cli("setup", "anycompany-orders", "--yes", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["created"] == 11 and result["updated"] == 0
    assert "step 1/6" in proc.stderr and "created" in proc.stderr
    return result


def test_rerun_changes_nothing(cli: Cli, deployed: dict[str, Any]) -> None:
    proc = cli("setup", "anycompany-orders", "--yes", "--json")
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 11)
    assert "Nothing to change" in proc.stderr


def test_an_order_goes_through_the_api_and_leaves_evidence(cli: Cli, emulator: dict, deployed: dict) -> None:
    answer = cli.json("test-api", "--workshop", "anycompany-orders", "--payload", ORDER)
    assert answer["status"] == 200
    assert answer["body"]["order_id"] == "12345"
    assert answer["url"].startswith(emulator["gateway"]) and answer["url"].endswith("/prod/orders")
    item = boto3.resource("dynamodb", endpoint_url=emulator["endpoint"], region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="y").Table("Orders").get_item(
        Key={"order_id": "12345"})["Item"]
    assert item["price"] == Decimal("999.99")
    assert item["product"] == "Laptop"
    queue = cli.json("inspect", "queue", "OrderProcessingQueue")
    assert queue["approximate_count"] >= 1
    assert any(m["body"]["order"]["order_id"] == "12345" for m in queue["messages"])
    # peeking did not consume
    assert cli.json("inspect", "queue", "OrderProcessingQueue")["approximate_count"] == queue["approximate_count"]
    logs = cli.json("inspect", "logs", "ProcessOrder")
    messages = [e["message"] for e in logs["events"]]
    assert any("order 12345 stored and published" in m for m in messages)
    assert any(m.startswith("REPORT RequestId:") for m in messages)
    assert all(m["sent_at"].endswith("+00:00") for m in queue["messages"])  # a UTC date, not epoch ms


def test_inspect_with_a_name_that_does_not_exist_names_those_that_do(cli: Cli, deployed: dict) -> None:
    for args, existing in ((["table", "Order"], "Orders"), (["queue", "OrderQueue"], "OrderProcessingQueue"),
                           (["topic", "Orders"], "OrderNotifications"), (["logs", "ProcessOrders"], "ProcessOrder")):
        proc = cli("inspect", *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert f"'{args[1]}'" in proc.stderr and existing in proc.stderr.split("Hint:")[1], proc.stderr


def test_the_default_payload_and_workshop_are_used_when_omitted(cli: Cli, deployed: dict) -> None:
    assert cli.json("test-api")["status"] == 200


def test_a_body_without_order_id_is_a_400_and_exit_1(cli: Cli, deployed: dict) -> None:
    answer = cli.json("test-api", "--workshop", "anycompany-orders", "--payload", '{"product": "Laptop"}', code=1)
    assert answer["status"] == 400
    assert "order_id" in answer["body"]["error"]


def test_a_payload_that_is_not_json_is_exit_2_before_anything_is_sent(cli: Cli, deployed: dict) -> None:
    proc = cli("test-api", "--workshop", "anycompany-orders", "--payload", "{bad")
    assert proc.returncode == 2
    assert "not valid JSON" in proc.stderr and "Hint:" in proc.stderr
    assert proc.stdout == ""


def test_an_unknown_route_answers_like_api_gateway(cli: Cli, deployed: dict) -> None:
    answer = cli.json("test-api", "--workshop", "anycompany-orders", "--route", "GET /nowhere", code=1)
    assert answer["status"] == 403
    assert answer["body"] == {"message": "Missing Authentication Token"}


def test_a_body_over_api_gateways_10_mb_is_refused_before_the_function_runs(emulator: dict, deployed: dict) -> None:
    import urllib.error
    import urllib.request

    (api,) = aws(emulator, "apigateway").get_rest_apis()["items"]
    body = json.dumps({"order_id": "big", "product": "x" * (10 * 1024 * 1024), "price": 1}).encode()
    request = urllib.request.Request(f"{emulator['gateway']}/{api['id']}/prod/orders", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    table = aws(emulator, "dynamodb").get_item(TableName="Orders", Key={"order_id": {"S": "big"}})
    assert "Item" not in table


def test_a_method_added_but_not_deployed_is_not_served(cli: Cli, emulator: dict, deployed: dict) -> None:
    apigw = aws(emulator, "apigateway")
    (api,) = apigw.get_rest_apis()["items"]
    orders = next(r for r in apigw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/orders")
    function = aws(emulator, "lambda").get_function(FunctionName="ProcessOrder")["Configuration"]["FunctionArn"]
    apigw.put_method(restApiId=api["id"], resourceId=orders["id"], httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=orders["id"], httpMethod="GET", type="AWS_PROXY",
                          integrationHttpMethod="POST",
                          uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations")
    before = cli.json("test-api", "--workshop", "anycompany-orders", "--route", "GET /orders", code=1)
    assert before["status"] == 403  # API Gateway serves the last deployment
    assert cli.json("setup", "anycompany-orders", "--yes")["updated"] == 1  # the stage is redeployed
    after = cli.json("test-api", "--workshop", "anycompany-orders", "--route", "GET /orders", code=1)
    assert after["status"] == 500  # deployed now, but the function grants no permission for GET
    assert "Invalid permissions on Lambda function" in after["headers"]["x-codecraft-error"]
    apigw.delete_method(restApiId=api["id"], resourceId=orders["id"], httpMethod="GET")
    assert cli.json("setup", "anycompany-orders", "--yes")["updated"] == 1


def test_verify_passes_then_names_the_step_of_a_deleted_queue(cli: Cli, emulator: dict, deployed: dict) -> None:
    report = cli.json("verify", "anycompany-orders")
    assert report["passed"] == report["total"] == len(report["checks"]) >= 16
    assert report["score"] == 100.0
    sqs = aws(emulator, "sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="OrderProcessingQueue")["QueueUrl"])
    proc = cli("verify", "anycompany-orders", "--json")
    assert proc.returncode == 1
    failed = [c for c in json.loads(proc.stdout)["checks"] if not c["ok"]]
    assert {c["step"] for c in failed} >= {"queue"}
    assert any(c["check"] == "processing_queue" and "does not exist" in c["detail"] for c in failed)
    assert "Create the SQS queue" in proc.stderr
    # setup repairs it
    assert cli("setup", "anycompany-orders", "--yes").returncode == 0
    assert cli.json("verify", "anycompany-orders")["passed"] == report["total"]


def test_lambda_invoke_is_served_by_the_runner(emulator: dict, deployed: dict) -> None:
    import botocore.exceptions

    client = aws(emulator, "lambda")
    event = {"body": json.dumps({"order_id": "direct-1", "price": 2})}
    sync = client.invoke(FunctionName="ProcessOrder", Payload=json.dumps(event).encode())
    assert json.loads(sync["Payload"].read())["statusCode"] == 200
    assert client.invoke(FunctionName="ProcessOrder", InvocationType="Event",
                         Payload=json.dumps(event).encode())["StatusCode"] == 202
    assert client.invoke(FunctionName="ProcessOrder", InvocationType="DryRun")["StatusCode"] == 204
    with pytest.raises(botocore.exceptions.ClientError) as err:
        client.invoke(FunctionName="ProcessOrder", Payload=b"{not json")
    assert err.value.response["Error"]["Code"] == "InvalidRequestContentException"


def test_status_lists_the_deployment(cli: Cli, deployed: dict) -> None:
    (dep,) = cli.json("status")["deployments"]
    assert dep["workshop"] == "anycompany-orders" and dep["target"] == "local"
    assert {r["type"] for r in dep["resources"]} >= {"lambda.function", "sqs.queue", "dynamodb.table"}


def test_teardown_dry_run_then_teardown_leaves_nothing(cli: Cli, emulator: dict, deployed: dict) -> None:
    plan = cli.json("teardown", "anycompany-orders", "--dry-run")
    assert plan["deleted"] == [] and len(plan["remaining"]) == 11
    assert aws(emulator, "dynamodb").list_tables()["TableNames"] == ["Orders"]
    done = cli.json("teardown", "anycompany-orders", "--yes")
    assert len(done["deleted"]) == 11 and done["remaining"] == []
    assert aws(emulator, "dynamodb").list_tables()["TableNames"] == []
    assert aws(emulator, "lambda").list_functions()["Functions"] == []
    assert aws(emulator, "lambda").list_event_source_mappings()["EventSourceMappings"] == []
    assert aws(emulator, "apigateway").get_rest_apis()["items"] == []
    assert aws(emulator, "sns").list_topics()["Topics"] == []
    assert aws(emulator, "sns").list_subscriptions()["Subscriptions"] == []
    assert aws(emulator, "sqs").list_queues().get("QueueUrls", []) == []
    assert aws(emulator, "iam").list_roles()["Roles"] == []
    assert aws(emulator, "logs").describe_log_groups()["logGroups"] == []
    again = cli("teardown", "anycompany-orders", "--yes")
    assert again.returncode == 0 and "Nothing to tear down" in again.stderr


def test_bad_input_is_exit_2_with_a_hint(cli: Cli) -> None:
    for args in (["setup", "no-such-workshop"], ["teardown"], ["setup", "anycompany-orders", "--student", "Bad Name"],
                 ["test-api", "--workshop", "anycompany-orders", "--route", "orders"],
                 ["--lang", "de", "workshops"], ["--target", "azure", "workshops"],
                 ["--region", "us-east1", "status"], ["--region", "xx-nowhere-9", "setup", "anycompany-orders"],
                 ["teardown", "anycompany-orders", "--all"]):
        proc = cli(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Error:" in proc.stderr and "Hint:" in proc.stderr


def test_verify_of_a_workshop_not_built_says_so_without_waiting(cli: Cli, emulator: dict) -> None:
    import time

    started = time.monotonic()
    proc = cli("verify", "job-events", "--json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["passed"] == 0 and all(not c["ok"] for c in report["checks"])
    assert "Nothing of job-events exists" in proc.stderr and "codecraft setup job-events" in proc.stderr
    assert time.monotonic() - started < 8  # no polling for evidence that cannot come (10 s a check before)


def test_teardown_expired_with_nothing_expired_says_so(cli: Cli, emulator: dict) -> None:
    cli.json("setup", "anycompany-orders", "--yes", "--expires", "2h")
    proc = cli("teardown", "--expired", "--yes")
    assert proc.returncode == 0 and "has expired" in proc.stderr and "no deployment recorded" not in proc.stderr


def test_test_api_on_a_workshop_without_an_api_names_those_that_have_one(cli: Cli) -> None:
    proc = cli("test-api", "--workshop", "workshop1")
    assert proc.returncode == 2, proc.stderr
    assert "workshop1 has no REST API" in proc.stderr
    assert "anycompany-orders" in proc.stderr and "workshop2" in proc.stderr


def _lambda_environments(home: str) -> list[int]:
    """Processes running deployed Lambda code of this emulator (their working directory is the
    unzipped package under the emulator's home)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and os.readlink(proc / "cwd").startswith(str(Path(home) / "local" / "lambda")):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_local_stop_leaves_no_process(cli: Cli, emulator: dict) -> None:
    pid = cli.json("local", "status")
    assert pid["running"] is True
    home = cli.env["CODECRAFT_HOME"]
    info = json.loads((Path(home) / "local" / "emulator.json").read_text())
    cli.json("setup", "anycompany-orders", "--yes")
    assert cli.json("test-api", "--workshop", "anycompany-orders")["status"] == 200
    assert _lambda_environments(home)  # the function's environment stays warm after answering
    assert cli("local", "stop").returncode == 0
    assert not alive(int(info["pid"]))
    assert not _lambda_environments(home)
    assert cli.json("local", "status") == {"running": False, "endpoint": None, "gateway": None, "mysql": None}
