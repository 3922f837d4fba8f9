"""Node.js functions built by hand with plain boto3 against the emulator, as a student builds one in
the console: a ``nodejs22.x`` ES module using the runtime's AWS SDK for JavaScript v3 writes its item
(with its role's rights: without dynamodb:PutItem the SDK's AccessDeniedException is in its log), a
CommonJS callback handler, a timeout.

Expectations from Lambda's documentation: "Define Lambda function handler in Node.js"
(https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html: index.mjs, ``export const handler``,
the SDK v3 included in the runtime), "Log and monitor Node.js Lambda functions" (nodejs-logging.html:
``<time>\\t<request id>\\tINFO\\t<message>``), "AWS Lambda function errors in Node.js"
(nodejs-exceptions.html: ``errorType``/``errorMessage``/``trace``), and the platform's
"Task timed out after N seconds".
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli, aws

pytestmark = pytest.mark.e2e
REGION = "us-east-1"
ACCOUNT = "123456789012"
# one SDK install for every test session on this machine (npm ci of the runtime's lock)
SHARED_RUNTIME = str(Path(tempfile.gettempdir()) / "codecraft-node-runtime")

PUT_ITEM = """import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event, context) => {
  console.log('putting', event.id);
  await client.send(new PutCommand({ TableName: process.env.TABLE, Item: { id: event.id, price: 9.99 } }));
  return { statusCode: 200, body: JSON.stringify({ saved: event.id, requestId: context.awsRequestId }) };
};
"""

CALLBACK = """exports.handler = function (event, context, callback) {
  console.info('callback handler');
  setTimeout(() => callback(null, { echo: event, name: context.functionName }), 10);
};
"""

SLOW = """exports.handler = async () => { await new Promise((r) => setTimeout(r, 5000)); return 'late'; };
"""


@pytest.fixture(scope="module")
def emulator(cli: Cli) -> dict[str, Any]:
    cli.env["CODECRAFT_NODE_RUNTIME_DIR"] = SHARED_RUNTIME
    started = cli.json("local", "start")
    assert started["running"] is True
    return dict(started)


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, code in files.items():
            zf.writestr(name, code)
    return buf.getvalue()


def _role(emulator: dict[str, Any], name: str, fn: str, put_item: bool) -> str:
    iam = aws(emulator, "iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:*"},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{fn}:*"]}]
    if put_item:
        statements.append({"Effect": "Allow", "Action": "dynamodb:PutItem",
                           "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/NodeItems"})
    iam.put_role_policy(RoleName=name, PolicyName="fn", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    return str(arn)


def _function(emulator: dict[str, Any], name: str, files: dict[str, str], role: str, timeout: int = 10,
              env: dict[str, str] | None = None) -> None:
    aws(emulator, "lambda").create_function(
        FunctionName=name, Runtime="nodejs22.x", Role=role, Handler="index.handler", Code={"ZipFile": _zip(files)},
        Timeout=timeout, Environment={"Variables": env or {}})


def _invoke(emulator: dict[str, Any], name: str, event: Any) -> tuple[dict[str, Any], Any]:
    answer = aws(emulator, "lambda").invoke(FunctionName=name, Payload=json.dumps(event).encode())
    return answer, json.loads(answer["Payload"].read() or b"null")


def _log(emulator: dict[str, Any], name: str) -> list[str]:
    events = aws(emulator, "logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    return [e["message"] for e in events]


def test_an_esm_function_writes_its_item_with_the_runtime_sdk(emulator: dict[str, Any]) -> None:
    aws(emulator, "dynamodb").create_table(
        TableName="NodeItems", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    role = _role(emulator, "PutItemNode-role-1a2b3c4d", "PutItemNode", put_item=True)
    _function(emulator, "PutItemNode", {"index.mjs": PUT_ITEM}, role, timeout=30, env={"TABLE": "NodeItems"})
    item_id = f"order-{uuid.uuid4().hex[:8]}"
    answer, payload = _invoke(emulator, "PutItemNode", {"id": item_id})
    assert "FunctionError" not in answer, payload
    assert payload["statusCode"] == 200 and json.loads(payload["body"])["saved"] == item_id
    item = aws(emulator, "dynamodb").get_item(TableName="NodeItems", Key={"id": {"S": item_id}})["Item"]
    assert item == {"id": {"S": item_id}, "price": {"N": "9.99"}}
    log = _log(emulator, "PutItemNode")
    request_id = json.loads(payload["body"])["requestId"]
    assert f"START RequestId: {request_id} Version: $LATEST" in log
    shape = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t" + request_id + r"\tINFO\tputting " + item_id)
    assert any(shape.fullmatch(m) for m in log), log
    assert any(m.startswith(f"REPORT RequestId: {request_id}\tDuration: ") for m in log)


def test_a_role_without_put_item_gets_access_denied_in_the_log(emulator: dict[str, Any]) -> None:
    role = _role(emulator, "DeniedNode-role-5e6f7a8b", "DeniedNode", put_item=False)
    _function(emulator, "DeniedNode", {"index.mjs": PUT_ITEM}, role, timeout=30, env={"TABLE": "NodeItems"})
    answer, payload = _invoke(emulator, "DeniedNode", {"id": "nope"})
    assert answer.get("FunctionError") == "Unhandled"
    assert payload["errorType"] == "AccessDeniedException", payload
    assert isinstance(payload["trace"], list) and payload["trace"][0].startswith("AccessDeniedException")
    invoke_errors = [m for m in _log(emulator, "DeniedNode") if "\tERROR\tInvoke Error \t{" in m]
    assert invoke_errors and '"errorType":"AccessDeniedException"' in invoke_errors[0]
    assert "dynamodb:PutItem" in invoke_errors[0]
    assert "Item" not in aws(emulator, "dynamodb").get_item(TableName="NodeItems", Key={"id": {"S": "nope"}})


def test_a_commonjs_callback_handler_answers(emulator: dict[str, Any]) -> None:
    role = _role(emulator, "CallbackNode-role-9c0d1e2f", "CallbackNode", put_item=False)
    _function(emulator, "CallbackNode", {"index.js": CALLBACK}, role)
    answer, payload = _invoke(emulator, "CallbackNode", {"a": 1})
    assert "FunctionError" not in answer, payload
    assert payload == {"echo": {"a": 1}, "name": "CallbackNode"}
    assert any("\tINFO\tcallback handler" in m for m in _log(emulator, "CallbackNode"))


def test_the_timeout_ends_the_invocation(emulator: dict[str, Any]) -> None:
    role = _role(emulator, "SlowNode-role-3a4b5c6d", "SlowNode", put_item=False)
    _function(emulator, "SlowNode", {"index.js": SLOW}, role, timeout=1)
    started = time.monotonic()
    answer, payload = _invoke(emulator, "SlowNode", {})
    assert time.monotonic() - started < 4.5
    assert answer.get("FunctionError") == "Unhandled"
    assert payload["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in payload["errorMessage"]
    assert any("Task timed out after 1.00 seconds" in m for m in _log(emulator, "SlowNode"))


def test_a_nodejs20_function_can_no_longer_be_created_as_on_aws(emulator: dict[str, Any]) -> None:
    """Node.js 20 reached its deprecation on 2026-04-30; Lambda blocks creating such functions
    from 2026-06-01 ("Runtime deprecation policy", the table of
    https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). Existing ones still run
    (tests/functional/test_node_runtime.py runs nodejs20.x functions deployed before that date);
    a student building one by hand today is refused as AWS refuses, and uses nodejs22.x."""
    from botocore.exceptions import ClientError

    role = _role(emulator, "Node20-role-1a2b3c4d", "Node20", put_item=True)
    with pytest.raises(ClientError) as refused:
        aws(emulator, "lambda").create_function(
            FunctionName="Node20", Runtime="nodejs20.x", Role=role, Handler="index.handler",
            Code={"ZipFile": _zip({"index.mjs": PUT_ITEM})})
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert "nodejs20.x is no longer supported for creating or updating AWS Lambda functions" in error["Message"]
