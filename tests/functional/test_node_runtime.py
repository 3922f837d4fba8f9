"""The emulator's Node.js runtimes (nodejs20.x, nodejs22.x) run deployed code as Lambda's do.

Expectations from Lambda's Node.js pages: "Define Lambda function handler in Node.js"
(https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html: `.js` CommonJS unless package.json
says "type": "module", `.mjs` ES modules, `.cjs`, async and callback handlers), "Using the Lambda context
object" (nodejs-context.html), "Log and monitor Node.js Lambda functions" (nodejs-logging.html: the
"<ISO time>\\t<request id>\\tINFO\\t<message>" format, WARN/ERROR levels), "AWS Lambda function errors
in Node.js" (nodejs-exceptions.html: errorType/errorMessage/trace, paths under /var/task), and the
runtime interface client's documented error types (Runtime.ImportModuleError, Runtime.HandlerNotFound,
Runtime.UserCodeSyntaxError, the "Invoke Error" log line).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.local.clients import EmulatorClients
from codecraft_cli.local.lambda_ import node_runtime
from codecraft_cli.local.lambda_.service import LambdaRunner

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
SHARED_RUNTIME = str(Path(tempfile.gettempdir()) / "codecraft-node-runtime")
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t([0-9a-f-]{36}|undefined)\t([A-Z]+)\t(.*)", re.S)


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, code in files.items():
            zf.writestr(name, code)
    return buf.getvalue()


@pytest.fixture()
def deploy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CODECRAFT_NODE_RUNTIME_DIR", os.environ.get("CODECRAFT_NODE_RUNTIME_DIR", SHARED_RUNTIME))
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        trust = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", '
                 '"Principal": {"Service": "lambda.amazonaws.com"}}]}')
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        runner = LambdaRunner(EmulatorClients("http://127.0.0.1:9"), tmp_path / "lambda")
        runner.logs.ship = lambda *args, **kwargs: None  # type: ignore[method-assign]

        def make(files: dict[str, str], timeout: int = 3, runtime: str = "nodejs20.x",
                 handler: str = "index.handler") -> str:
            name = f"fn{time.time_ns()}"
            client.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler=handler,
                                   Code={"ZipFile": _zip(files)}, Timeout=timeout)
            return name

        try:
            yield make, runner
        finally:
            runner.close()


def _output(logs: list[str]) -> list[tuple[str, str, str]]:
    """(request id, level, message) of the runtime's log lines between START and END."""
    return [m.groups() for m in (LOG_LINE.fullmatch(line) for line in logs) if m]  # type: ignore[misc]


def test_an_es_module_handler_sees_its_context_and_logs_in_the_node_format(deploy: Any) -> None:
    make, runner = deploy
    name = make({"index.mjs": "export const handler = async (event, context) => {\n"
                              "  console.log('event', JSON.stringify(event));\n"
                              "  console.warn('careful');\n  console.error('bad', 42);\n"
                              "  return { name: context.functionName, id: context.awsRequestId,\n"
                              "    arn: context.invokedFunctionArn, memory: context.memoryLimitInMB,\n"
                              "    group: context.logGroupName, remaining: context.getRemainingTimeInMillis(),\n"
                              "    waits: context.callbackWaitsForEmptyEventLoop, tz: process.env.TZ,\n"
                              "    exec: process.env.AWS_EXECUTION_ENV };\n};\n"})
    result = runner.invoke(name, {"x": 1})
    assert result.ok, result.payload
    payload = result.payload
    assert payload["name"] == name and payload["arn"].endswith(f":function:{name}")
    assert payload["memory"] == "128" and payload["group"] == f"/aws/lambda/{name}"
    assert 0 < payload["remaining"] <= 3000 and payload["waits"] is True
    assert payload["exec"] == "AWS_Lambda_nodejs20.x"
    request_id = payload["id"]
    assert result.logs[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert _output(result.logs) == [(request_id, "INFO", 'event {"x":1}'), (request_id, "WARN", "careful"),
                                    (request_id, "ERROR", "bad 42")]
    assert result.logs[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")


def test_module_kinds_cjs_js_type_module_and_cjs_extension(deploy: Any) -> None:
    make, runner = deploy
    cjs = make({"index.js": "exports.handler = async () => typeof require;"})
    assert runner.invoke(cjs, {}).payload == "function"  # .js is CommonJS by default
    esm = make({"index.js": "export const handler = async () => typeof require;", "package.json": '{"type": "module"}'})
    assert runner.invoke(esm, {}).payload == "undefined"  # an ES module: no require
    other = make({"lib/app.cjs": "module.exports.main = { run: async () => 'nested' };"}, handler="lib/app.main.run")
    assert runner.invoke(other, {}).payload == "nested"


def test_callback_handlers(deploy: Any) -> None:
    make, runner = deploy
    waits = make({"index.js": "let ticks = 0;\nexports.handler = (event, context, callback) => {\n"
                              "  setTimeout(() => { ticks += 1; console.log('tick', ticks); }, 100);\n"
                              "  callback(null, { ticks });\n};\n"})
    first = runner.invoke(waits, {})
    assert first.ok and first.payload == {"ticks": 0}
    assert [m for _, _, m in _output(first.logs)] == ["tick 1"]  # answered once the event loop was empty
    eager = make({"index.js": "exports.handler = (event, context, callback) => {\n"
                              "  context.callbackWaitsForEmptyEventLoop = false;\n"
                              "  setTimeout(() => console.log('after'), 300);\n  callback(null, 'now');\n};\n"})
    answer = runner.invoke(eager, {})
    assert answer.payload == "now" and "after" not in "".join(answer.logs)
    failing = make({"index.js": "exports.handler = (e, c, callback) => callback(new Error('nope'));"})
    failed = runner.invoke(failing, {})
    assert not failed.ok and failed.payload["errorType"] == "Error" and failed.payload["errorMessage"] == "nope"
    silent = make({"index.js": "exports.handler = (event, context, callback) => {};"})
    assert runner.invoke(silent, {}).payload is None  # never called back, loop empty: null, as Lambda answers


def test_an_error_is_answered_and_logged_as_the_node_runtime_does(deploy: Any) -> None:
    make, runner = deploy
    name = make({"index.mjs": "export const handler = async () => {\n  return x + 10;\n};\n"})
    result = runner.invoke(name, {})
    assert not result.ok and result.error_type == "ReferenceError"
    assert result.payload["errorMessage"] == "x is not defined"
    assert result.payload["trace"][0] == "ReferenceError: x is not defined"
    assert "file:///var/task/index.mjs:2:" in result.payload["trace"][1]
    (request_id, level, message), = _output(result.logs)
    assert level == "ERROR" and message.startswith("Invoke Error \t{")
    logged = json.loads(message.split("\t", 1)[1])
    assert logged["errorType"] == "ReferenceError" and logged["stack"][0] == "ReferenceError: x is not defined"
    thrown = make({"index.js": "exports.handler = async () => { throw 'plain'; };"})
    assert runner.invoke(thrown, {}).payload == {"ok": False, "errorType": "string", "errorMessage": "plain",
                                                 "trace": []}


def test_init_errors(deploy: Any) -> None:
    make, runner = deploy
    missing = runner.invoke(make({"other.js": "exports.x = 1;"}), {})
    assert missing.error_type == "Runtime.ImportModuleError"
    assert missing.payload["errorMessage"].startswith("Error: Cannot find module 'index'")
    assert any(level == "ERROR" and rid == "undefined" and m.startswith("Uncaught Exception \t{")
               for rid, level, m in _output(missing.logs))
    not_found = runner.invoke(make({"index.js": "exports.other = () => 1;"}), {})
    assert not_found.error_type == "Runtime.HandlerNotFound"
    assert not_found.payload["errorMessage"] == "index.handler is undefined or not exported"
    syntax = runner.invoke(make({"index.mjs": "export const handler = async () => { return ;;; )"}), {})
    assert syntax.error_type == "Runtime.UserCodeSyntaxError"
    package = runner.invoke(make({"index.js": "const x = require('not-a-package');\nexports.handler = () => 1;"}), {})
    assert package.error_type == "Runtime.ImportModuleError"
    assert "Cannot find module 'not-a-package'" in package.payload["errorMessage"]


def test_warm_reuse_timeout_and_unsettled_promise(deploy: Any) -> None:
    make, runner = deploy
    counter = make({"index.mjs": "let n = 0;\nexport const handler = async () => ++n;\n"})
    assert [runner.invoke(counter, {}).payload for _ in range(3)] == [1, 2, 3]  # module state kept while warm
    slow = make({"index.js": "exports.handler = async () => new Promise((r) => setTimeout(r, 5000));"}, timeout=1)
    started = time.monotonic()
    timed_out = runner.invoke(slow, {})
    assert time.monotonic() - started < 3
    assert timed_out.error_type == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in timed_out.payload["errorMessage"]
    assert any("Task timed out after 1.00 seconds" in line for line in timed_out.logs)
    busy = make({"index.js": "exports.handler = async () => { for (;;) {} };"}, timeout=1)
    started = time.monotonic()
    spinning = runner.invoke(busy, {})  # a loop that never yields: ended at its timeout all the same
    assert spinning.error_type == "Sandbox.Timedout" and time.monotonic() - started < 4
    assert any("Task timed out after 1.00 seconds" in line for line in spinning.logs)
    never = make({"index.mjs": "export const handler = async () => new Promise(() => {});"})
    assert runner.invoke(never, {}).error_type == "Runtime.NodeJsExit"


def test_the_runtime_sdk_is_importable_from_both_module_kinds(deploy: Any) -> None:
    make, runner = deploy
    esm = make({"index.mjs": "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n"
                             "import { PutCommand } from '@aws-sdk/lib-dynamodb';\n"
                             "export const handler = async () => [typeof DynamoDBClient, typeof PutCommand];\n"})
    result = runner.invoke(esm, {})
    assert result.ok, result.logs
    assert result.payload == ["function", "function"]
    cjs = make({"index.js": "const { S3Client } = require('@aws-sdk/client-s3');\n"
                            "exports.handler = async () => typeof S3Client;\n"}, runtime="nodejs22.x")
    assert runner.invoke(cjs, {}).payload == "function"


def test_another_major_than_the_runtime_is_said_once(deploy: Any) -> None:
    make, runner = deploy
    installed = node_runtime.major(node_runtime.node_version())
    other = "nodejs22.x" if installed != 22 else "nodejs20.x"
    name = make({"index.js": "exports.handler = async () => process.versions.node;"}, runtime=other)
    cold, warm = runner.invoke(name, {}), runner.invoke(name, {})
    assert cold.ok and warm.ok
    notice = f"[codecraft] {other}: this machine's node is v{cold.payload}"
    assert cold.logs[1].startswith(notice) and not any(line.startswith("[codecraft]") for line in warm.logs)


def test_without_node_or_without_the_sdk_the_log_says_why(deploy: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    make, runner = deploy
    monkeypatch.setattr(node_runtime, "node_path", lambda: None)
    result = runner.invoke(make({"index.js": "exports.handler = async () => 1;"}), {})
    assert result.error_type == "Runtime.ExitError" and "node is not installed" in result.payload["errorMessage"]
    assert any("codecraft doctor" in line for line in result.logs)
    monkeypatch.undo()

    def unavailable(home: Path) -> Path:
        raise node_runtime.NodeRuntimeUnavailable("npm ci failed (exit 1): registry unreachable")

    monkeypatch.setattr(node_runtime, "ensure", unavailable)
    sdk = runner.invoke(make({"index.mjs": "import { S3Client } from '@aws-sdk/client-s3';\n"
                                           "export const handler = async () => 1;\n"}), {})
    assert not sdk.ok
    assert any("registry unreachable" in line and "AWS SDK for JavaScript v3" in line for line in sdk.logs)
    assert "@aws-sdk/client-s3" in sdk.payload["errorMessage"]


def test_ensure_installs_once_per_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = Path(os.environ.get("CODECRAFT_NODE_RUNTIME_DIR", SHARED_RUNTIME))
    monkeypatch.setenv("CODECRAFT_NODE_RUNTIME_DIR", str(shared))
    first = node_runtime.ensure(tmp_path)
    assert (first / "@aws-sdk" / "client-dynamodb" / "package.json").is_file()
    assert first.parent.name == node_runtime.lock_hash()
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no npm now: the cache answers
    assert node_runtime.ensure(tmp_path) == first
    monkeypatch.setenv("CODECRAFT_NODE_RUNTIME_DIR", str(tmp_path / "empty"))
    with pytest.raises(node_runtime.NodeRuntimeUnavailable, match="npm is not installed"):
        node_runtime.ensure(tmp_path)


def test_doctor_says_what_node_is_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from codecraft_cli.engine.doctor import node_finding

    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path))
    monkeypatch.setenv("CODECRAFT_NODE_RUNTIME_DIR", str(tmp_path / "runtime"))  # nothing installed there
    found = node_finding()
    assert found.ok and found.detail.startswith(node_runtime.node_version() or "?")
    assert "nodejs20.x, nodejs22.x" in found.detail and "first Node.js invocation" in found.detail
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "npm" else "/usr/bin/node")
    no_npm = node_finding()
    assert not no_npm.ok and "npm not found" in no_npm.detail and "Node.js 22" in no_npm.fix
    monkeypatch.setattr(node_runtime, "node_version", lambda: None)
    missing = node_finding()
    assert not missing.ok and missing.detail.startswith("not installed") and missing.fix


def test_errors_nobody_caught_end_the_environment(deploy: Any) -> None:
    make, runner = deploy
    uncaught = make({"index.mjs": "export const handler = async () => {\n"
                                  "  setTimeout(() => { throw new Error('late'); }, 10);\n"
                                  "  await new Promise((r) => setTimeout(r, 200));\n  return 1;\n};\n"})
    result = runner.invoke(uncaught, {})
    assert result.error_type == "Error" and result.payload["errorMessage"] == "late"
    assert any(level == "ERROR" and m.startswith("Uncaught Exception \t{") for _, level, m in _output(result.logs))
    rejected = make({"index.mjs": "export const handler = async () => {\n  Promise.reject(new Error('nobody'));\n"
                                  "  await new Promise((r) => setTimeout(r, 200));\n  return 1;\n};\n"})
    result = runner.invoke(rejected, {})
    assert result.error_type == "Runtime.UnhandledPromiseRejection"
    assert result.payload["errorMessage"].startswith("Error: nobody")
    assert any(m.startswith("Unhandled Promise Rejection \t{") for _, _, m in _output(result.logs))


def test_the_json_log_format(deploy: Any) -> None:
    """AWS_LAMBDA_LOG_FORMAT=JSON ("Using Lambda advanced logging controls with Node.js", nodejs-logging.html):
    one JSON object per line with timestamp, level, requestId and message (an error as its fields)."""
    make, runner = deploy
    name = make({"index.mjs": "export const handler = async () => {\n  console.log('hi', { a: 1 });\n"
                              "  console.error(new Error('e'));\n  return 1;\n};\n"})
    from codecraft_cli.local import moto_adapter

    # the variable the runtime reads, as the function's advanced logging controls set it
    moto_adapter.lambda_function("us-east-1", name).environment_vars = {"AWS_LAMBDA_LOG_FORMAT": "JSON"}
    result = runner.invoke(name, {})
    request_id = result.logs[0].split()[2]
    records = [json.loads(line) for line in result.logs if line.startswith("{")]
    assert [(r["level"], r["requestId"]) for r in records] == [("INFO", request_id), ("ERROR", request_id)]
    assert records[0]["message"] == "hi { a: 1 }"
    assert records[1]["message"]["errorType"] == "Error" and records[1]["message"]["errorMessage"] == "e"
    assert "file:///var/task/index.mjs" in records[1]["message"]["stackTrace"][1]


def test_an_unreachable_registry_is_said_in_the_log_once_tried(deploy: Any, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    make, runner = deploy
    monkeypatch.setenv("CODECRAFT_NODE_RUNTIME_DIR", str(tmp_path / "nothing-installed"))
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))  # and nothing cached
    monkeypatch.setattr(node_runtime, "_FAILED", {})
    code = {"index.mjs": "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => 1;\n"}
    first = runner.invoke(make(code), {})
    assert not first.ok and "Cannot find package '@aws-sdk/client-s3'" in first.payload["errorMessage"]
    notice = next(line for line in first.logs if line.startswith("[codecraft] the AWS SDK for JavaScript v3"))
    assert "npm ci failed" in notice and "ECONNREFUSED" in notice and "codecraft doctor" in notice
    started = time.monotonic()
    second = runner.invoke(make(code), {})  # another cold start moments later: npm is not tried again
    assert time.monotonic() - started < 3 and not second.ok
    assert any("ECONNREFUSED" in line for line in second.logs)


def test_callback_handlers_end_with_nodejs24(deploy: Any) -> None:
    """"Lambda only supports callback-based function handlers for Node.js 22 and earlier runtimes"
    (nodejs-context.html)."""
    make, runner = deploy
    code = {"index.js": "exports.handler = (event, context, callback) => callback(null, 'ok');"}
    assert runner.invoke(make(code, runtime="nodejs22.x"), {}).payload == "ok"
    refused = runner.invoke(make(code, runtime="nodejs24.x"), {})
    assert refused.error_type == "Runtime.CallbackHandlerDeprecated"
    assert "removed support for callback-based function handlers" in refused.payload["errorMessage"]
    assert runner.invoke(make({"index.mjs": "export const handler = async (event) => 'fine';"},
                              runtime="nodejs24.x"), {}).payload == "fine"
