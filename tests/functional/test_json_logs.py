"""Lambda's advanced logging controls on the emulator: LoggingConfig kept and returned, the Python
runtime's JSON records (awslambdaric's JsonFormatter and log_error), the application and system log
levels, the JSON platform records, a custom log group, and the REPORT line of a traced invocation.

Expectations from: Lambda API reference "LoggingConfig"; Lambda Developer Guide "Configuring advanced
logging controls for Lambda functions", "Log-level filtering", "Using JSON format logs with Python"
(python-logging.html), "Lambda Telemetry API" schema reference (platform.start / platform.report),
"Visualize Lambda function invocations using AWS X-Ray" (the REPORT's XRAY line); and
aws-lambda-python-runtime-interface-client (awslambdaric/lambda_runtime_log_utils.py, bootstrap.py).
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import yaml
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from codecraft_cli.engine.diagnosis import as_text
from codecraft_cli.engine.probes import _FAILED_RUN
from codecraft_cli.local.clients import EmulatorClients
from codecraft_cli.local.lambda_.logs import invocation_lines
from codecraft_cli.local.lambda_.service import LambdaRunner
from codecraft_cli.local.monitoring import Trace
from codecraft_cli.local.moto_logging import honour_logging_config
from codecraft_cli.local.moto_monitoring import honour_tracing_config

_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")  # awslambdaric's _DATETIME_FORMAT
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")  # the Telemetry API's "time"


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


@pytest.fixture()
def lam(tmp_path: Path) -> Iterator[Any]:
    with mock_aws():
        honour_logging_config()
        honour_tracing_config()
        iam = boto3.client("iam", region_name="us-east-1")
        trust = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", '
                 '"Principal": {"Service": "lambda.amazonaws.com"}}]}')
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        runner = LambdaRunner(EmulatorClients("http://127.0.0.1:9"), tmp_path / "lambda")
        shipped: list[tuple[str, list[str]]] = []
        runner.logs.ship = lambda region, group, stream, lines, **_: shipped.append((group, lines))  # type: ignore[method-assign]

        def make(code: str = "def handler(event, context):\n    return 1\n", **kwargs: Any) -> str:
            name = f"fn{time.time_ns()}"
            client.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                   Code={"ZipFile": _zip(code)}, Timeout=kwargs.pop("Timeout", 3), **kwargs)
            return name

        class Lam:
            pass

        box = Lam()
        box.make, box.runner, box.client, box.shipped = make, runner, client, shipped  # type: ignore[attr-defined]
        try:
            yield box
        finally:
            runner.close()


def _records(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines if line.startswith("{")]


# -- LoggingConfig on the API ------------------------------------------------------------------
def test_logging_config_defaults_to_text_and_the_functions_group(lam: Any) -> None:
    name = lam.make()
    config = lam.client.get_function_configuration(FunctionName=name)["LoggingConfig"]
    assert config == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}


def test_json_format_is_kept_with_info_levels_and_updated(lam: Any) -> None:
    name = lam.make(LoggingConfig={"LogFormat": "JSON"})
    config = lam.client.get_function_configuration(FunctionName=name)["LoggingConfig"]
    assert config == {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO",
                      "LogGroup": f"/aws/lambda/{name}"}
    lam.client.update_function_configuration(FunctionName=name, LoggingConfig={
        "ApplicationLogLevel": "DEBUG", "LogGroup": "/workshop/demo"})
    config = lam.client.get_function(FunctionName=name)["Configuration"]["LoggingConfig"]
    assert config == {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "INFO",
                      "LogGroup": "/workshop/demo"}
    lam.client.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "Text"})
    config = lam.client.get_function_configuration(FunctionName=name)["LoggingConfig"]
    assert config == {"LogFormat": "Text", "LogGroup": "/workshop/demo"}


def test_levels_need_the_json_format_and_values_are_lambdas(lam: Any) -> None:
    for bad in ({"LogFormat": "Text", "ApplicationLogLevel": "DEBUG"}, {"LogFormat": "XML"},
                {"LogFormat": "JSON", "SystemLogLevel": "ERROR"}, {"LogFormat": "JSON", "LogGroup": "bad group!"}):
        with pytest.raises(ClientError) as caught:
            lam.make(LoggingConfig=bad)
        assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException", bad


# -- the Python runtime's JSON records ---------------------------------------------------------
_LOGGING_CODE = """import logging
logger = logging.getLogger()
def handler(event, context):
    print("plain print")
    logger.debug("debug detail")
    logger.info("order %s stored", event["id"], extra={"order": event["id"]})
    logger.warning("slow")
    try:
        {}["missing"]
    except KeyError:
        logger.exception("lookup failed")
    return "ok"
"""


def test_json_application_logs_as_awslambdaric_writes_them(lam: Any) -> None:
    name = lam.make(_LOGGING_CODE, LoggingConfig={"LogFormat": "JSON"})
    result = lam.runner.invoke(name, {"id": 7})
    assert result.ok, result.payload
    lines = result.logs
    assert "plain print" in lines  # print() output stays a plain text line
    assert not any(line.startswith(("START ", "END ", "REPORT ")) for line in lines)
    records = _records(lines)
    start, report = records[0], records[-1]
    assert start["type"] == "platform.start" and _TIME.match(start["time"])
    request_id = start["record"]["requestId"]
    assert start["record"] == {"requestId": request_id, "version": "$LATEST"}
    assert report["type"] == "platform.report" and report["record"]["status"] == "success"
    assert set(report["record"]["metrics"]) >= {"durationMs", "billedDurationMs", "memorySizeMB", "initDurationMs"}
    app = [r for r in records if "level" in r]
    assert [r["level"] for r in app] == ["INFO", "WARNING", "ERROR"]  # DEBUG below the INFO default
    info = app[0]
    assert _STAMP.match(info["timestamp"])
    assert info["message"] == "order 7 stored" and info["logger"] == "root" and info["requestId"] == request_id
    assert info["order"] == 7  # the record's extra attributes
    assert "stackTrace" not in info and "errorType" not in info
    error = app[2]
    assert error["errorType"] == "KeyError" and error["errorMessage"] == "'missing'"
    assert isinstance(error["stackTrace"], list) and error["location"] == "/var/task/app.py:handler:11"
    assert error["stackTrace"][0].startswith('  File "/var/task/app.py", line 9, in handler')


def test_application_log_level_filters_the_runtimes_records(lam: Any) -> None:
    debug = lam.make(_LOGGING_CODE, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "TRACE"})
    levels = [r["level"] for r in _records(lam.runner.invoke(debug, {"id": 1}).logs) if "level" in r]
    assert levels == ["DEBUG", "INFO", "WARNING", "ERROR"]  # TRACE is read as DEBUG by the Python runtime
    error = lam.make(_LOGGING_CODE, LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "ERROR"})
    levels = [r["level"] for r in _records(lam.runner.invoke(error, {"id": 1}).logs) if "level" in r]
    assert levels == ["ERROR"]


def test_system_log_level_warn_drops_the_platform_records(lam: Any) -> None:
    name = lam.make(_LOGGING_CODE, LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "WARN"})
    records = _records(lam.runner.invoke(name, {"id": 1}).logs)
    assert records and not any("type" in r for r in records)


def test_an_uncaught_error_is_one_json_record(lam: Any) -> None:
    name = lam.make("def handler(event, context):\n    raise ValueError('bad order')\n",
                    LoggingConfig={"LogFormat": "JSON"})
    result = lam.runner.invoke(name, {})
    assert not result.ok and result.error_type == "ValueError"
    records = _records(result.logs)
    request_id = records[0]["record"]["requestId"]
    error = next(r for r in records if r.get("log_level") == "ERROR")
    assert _STAMP.match(error["timestamp"])
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "bad order"
    assert error["requestId"] == request_id and any("/var/task/app.py" in f for f in error["stackTrace"])
    assert records[-1]["record"]["status"] == "error"
    assert _FAILED_RUN.search("\n".join(result.logs))  # the log_events check sees the failed run
    assert as_text(json.dumps(error)).startswith("[ERROR] ValueError: bad order")  # diagnosis reads it


def test_a_timeout_reports_status_timeout(lam: Any) -> None:
    name = lam.make("import time\ndef handler(event, context):\n    time.sleep(3)\n", Timeout=1,
                    LoggingConfig={"LogFormat": "JSON"})
    result = lam.runner.invoke(name, {})
    assert result.error_type == "Sandbox.Timedout"
    assert _records(result.logs)[-1]["record"]["status"] == "timeout"
    assert any("Task timed out after 1.00 seconds" in line for line in result.logs)


def test_text_format_is_unchanged(lam: Any) -> None:
    name = lam.make(_LOGGING_CODE)
    lines = lam.runner.invoke(name, {"id": 3}).logs
    assert lines[0].startswith("START RequestId:") and lines[-1].startswith("REPORT RequestId:")
    assert any(line.startswith("[WARNING]\t") and line.endswith("\tslow") for line in lines)
    assert not any(line.startswith("[INFO]") for line in lines)  # the root logger's WARNING default
    assert not _records(lines)


def test_a_custom_log_group_receives_the_logs(lam: Any) -> None:
    name = lam.make(LoggingConfig={"LogFormat": "JSON", "LogGroup": "/workshop/monitoring"})
    lam.runner.invoke(name, {})
    assert lam.shipped[-1][0] == "/workshop/monitoring"


# -- X-Ray on the REPORT line ------------------------------------------------------------------
_TRACE_CODE = "import os\ndef handler(event, context):\n    return os.environ['_X_AMZN_TRACE_ID']\n"


def test_a_traced_invocations_report_names_its_trace(lam: Any) -> None:
    name = lam.make(_TRACE_CODE, TracingConfig={"Mode": "Active"})
    result = lam.runner.invoke(name, {})
    header = dict(part.split("=") for part in result.payload.split(";"))
    report = result.logs[-1]
    # "...Memory Size: 128 MB\tInit Duration: X ms\t\nXRAY TraceId: <root>\tSegmentId: <id>\tSampled: true\t"
    assert re.search(r"\tMemory Size: 128 MB\tInit Duration: [\d.]+ ms\t\nXRAY TraceId: (\S+)\tSegmentId: "
                     r"([0-9a-f]{16})\tSampled: true\t$", report), report
    assert f"XRAY TraceId: {header['Root']}\tSegmentId: {header['Parent']}\t" in report
    plain = lam.make(_TRACE_CODE.replace("['_X_AMZN_TRACE_ID']", ".get('_X_AMZN_TRACE_ID')"))
    assert "XRAY" not in lam.runner.invoke(plain, {}).logs[-1]


def test_a_traced_json_invocation_carries_the_trace_context(lam: Any) -> None:
    name = lam.make(_TRACE_CODE, TracingConfig={"Mode": "Active"}, LoggingConfig={"LogFormat": "JSON"})
    result = lam.runner.invoke(name, {})
    records = _records(result.logs)
    for record in (records[0], records[-1]):
        tracing = record["record"]["tracing"]
        assert tracing["type"] == "X-Amzn-Trace-Id" and tracing["value"] == result.payload
    assert "XRAY Root=" in as_text(json.dumps(records[-1]))


def test_invocation_lines_json_without_init_or_trace() -> None:
    lines = invocation_lines("rid", ["hello"], 12.345, 256, None, logging={"LogFormat": "JSON"}, status="success")
    start, report = json.loads(lines[0]), json.loads(lines[-1])
    assert lines[1] == "hello"
    assert start["record"] == {"requestId": "rid", "version": "$LATEST"}
    assert report["record"] == {"requestId": "rid", "status": "success",
                                "metrics": {"durationMs": 12.345, "billedDurationMs": 13, "memorySizeMB": 256}}
    assert as_text(lines[-1]).startswith("REPORT RequestId: rid\tDuration: 12.345 ms\tBilled Duration: 13 ms")
    traced = invocation_lines("rid", [], 1.0, 128, None, trace=Trace("1-00000001-" + "a" * 24, "b" * 16))
    assert traced[-1].endswith("\t\nXRAY TraceId: 1-00000001-" + "a" * 24 + "\tSegmentId: " + "b" * 16
                               + "\tSampled: true\t")


# -- the lambda.function type's log_format, its check and its exports ---------------------------
def test_log_format_property_plans_checks_and_exports() -> None:
    from codecraft_cli.engine.export_cloudformation import render as cfn
    from codecraft_cli.engine.export_terraform import render as terraform
    from codecraft_cli.resources.lambda_logging import logging_config, logging_findings, observed_logging
    from codecraft_cli.workshop.loader import load_workshop

    assert logging_config({"log_format": "JSON"}) == {"LoggingConfig": {"LogFormat": "JSON"}}
    assert logging_config({}) == {}  # no log_format: the function keeps its own
    assert observed_logging({}) == {"LogFormat": "Text"}  # GetFunction without LoggingConfig: Lambda's default
    want = logging_config({"log_format": "JSON"})
    assert logging_findings("Demo", want, {"LoggingConfig": {"LogFormat": "JSON"}}) == []
    [found] = logging_findings("Demo", want, {"LoggingConfig": {"LogFormat": "Text"}})
    assert found.prop == "log_format" and "Log format JSON (it is Text)" in found.fix
    assert logging_findings("Demo", {}, {"LoggingConfig": {"LogFormat": "JSON"}}) == []
    workshop = load_workshop("workshop4")
    demo = next(r for r in workshop.resources if r.id == "demo_function")
    assert demo.properties["log_format"] == "JSON"
    template = yaml.safe_load(str(cfn(workshop)["template.yaml"]))
    assert template["Resources"]["DemoFunction"]["Properties"]["LoggingConfig"] == {"LogFormat": "JSON"}
    main = str(terraform(workshop)["main.tf"])
    assert re.search(r'logging_config \{\s+log_format = "JSON"\s+\}', main)


def test_log_format_accepts_lambdas_values_only() -> None:
    from codecraft_cli.resources import handler_for
    from codecraft_cli.workshop.elements import _properties
    from codecraft_cli.workshop.problems import Problems

    handler = handler_for("lambda.function")
    props = {"source": "monitoring_demo", "handler": "app.lambda_handler", "role": "arn:aws:iam::1:role/r"}
    for fmt, problems in (("JSON", 0), ("Text", 0), ("XML", 1)):
        found = Problems(Path("w.yaml"))
        _properties(handler, "lambda.function", {**props, "log_format": fmt}, "demo", found)
        assert len([p for p in found.items if "log_format" in p]) == problems, (fmt, found.items)


# -- the Node runtime on a host node of another major -------------------------------------------
@pytest.mark.skipif(__import__("shutil").which("node") is None, reason="node is not installed")
def test_the_sdks_node_version_warning_is_dropped_only_for_another_major(
        lam: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """@aws-sdk/core warns (NodeVersionSupportWarning) on a node older than it will require; Lambda's
    nodejs22.x runs node 22, so on a host node 20 that warning is the emulator's artefact."""
    import os
    import tempfile

    from codecraft_cli.local.lambda_ import node_runtime

    monkeypatch.setenv("CODECRAFT_NODE_RUNTIME_DIR", os.environ.get(
        "CODECRAFT_NODE_RUNTIME_DIR", str(Path(tempfile.gettempdir()) / "codecraft-node-runtime")))
    monkeypatch.setattr(node_runtime, "_FAILED", {})  # an earlier test's unreachable registry is forgotten
    installed = node_runtime.major(node_runtime.node_version())
    if installed >= 22:
        pytest.skip("the SDK warns only on node < 22")
    code = ("const { S3Client } = require('@aws-sdk/client-s3');\n"
            "exports.handler = async () => { new S3Client({}); process.emitWarning('MyOwnWarning: kept'); "
            "return 1; };\n")

    def run(runtime: str) -> str:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("index.js", code)
        name = f"node{time.time_ns()}"
        lam.client.create_function(FunctionName=name, Runtime=runtime, Role=_role(), Handler="index.handler",
                                   Code={"ZipFile": buf.getvalue()}, Timeout=10)
        runs = [lam.runner.invoke(name, {}) for _ in range(2)]  # a warning is printed on the next tick
        assert all(r.ok for r in runs), [r.logs for r in runs]
        return "\n".join(line for r in runs for line in r.logs)

    other = run("nodejs22.x")  # host node 20: the SDK's warning is dropped, the function's own kept
    assert "NodeVersionSupportWarning" not in other, other
    assert "MyOwnWarning: kept" in other, other
    same = run(f"nodejs{installed}.x")  # the same major as Lambda's: the warning shows, as on Lambda
    assert "NodeVersionSupportWarning" in same and "MyOwnWarning: kept" in same


def _role() -> str:
    return str(boto3.client("iam", region_name="us-east-1").get_role(RoleName="r")["Role"]["Arn"])


# -- the diagnosis reads what the emulator writes in JSON ---------------------------------------
class _Logs:
    """FilterLogEvents over the shipped lines (one event each, as PutLogEvents received them)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def filter_log_events(self, **_: Any) -> dict[str, Any]:
        return {"events": [{"timestamp": i, "message": line} for i, line in enumerate(self.lines)]}


def test_the_diagnosis_reads_json_errors_timeouts_and_reports(lam: Any) -> None:
    from codecraft_cli.engine.diagnosis import Function, log_cause, read_lines

    code = ("def handler(event, context):\n"
            "    raise TypeError('Float types are not supported. Use Decimal types instead.')\n")
    name = lam.make(code, LoggingConfig={"LogFormat": "JSON"}, TracingConfig={"Mode": "Active"})
    lam.runner.invoke(name, {})
    lines = read_lines(_Logs(lam.shipped[-1][1]), "/aws/lambda/" + name, 0)
    assert lines is not None and lines[0].startswith("START RequestId: ")
    assert any(line.startswith("REPORT RequestId: ") for line in lines)
    assert any(line.startswith("XRAY Root=1-") for line in lines)  # the traced report's context
    config = {"FunctionName": name, "Handler": "app.handler", "Timeout": 3, "MemorySize": 128,
              "Role": "arn:aws:iam::123456789012:role/r", "Environment": {"Variables": {}}}
    found = log_cause(Function(name, config, lines), "en")
    assert found is not None and found.code == "float-to-dynamodb" and "app.py, line 2" in found.message
    slow = lam.make("import time\ndef handler(event, context):\n    time.sleep(3)\n", Timeout=1,
                    LoggingConfig={"LogFormat": "JSON"})
    lam.runner.invoke(slow, {})
    lines = read_lines(_Logs(lam.shipped[-1][1]), "/aws/lambda/" + slow, 0) or []
    found = log_cause(Function(slow, {**config, "FunctionName": slow, "Timeout": 1}, lines), "en")
    assert found is not None and found.code == "timeout", found


def test_readers_follow_a_custom_log_group(lam: Any) -> None:
    """inspect logs and the log_events check read LoggingConfig.LogGroup ("LoggingConfig": by default
    /aws/lambda/<function name>)."""
    from codecraft_cli.resources.lambda_logging import log_group_of

    custom = lam.make(LoggingConfig={"LogFormat": "JSON", "LogGroup": "/workshop/monitoring"})
    plain = lam.make()
    assert log_group_of(lam.client, custom) == "/workshop/monitoring"
    assert log_group_of(lam.client, plain) == f"/aws/lambda/{plain}"
    assert log_group_of(lam.client, "NoSuchFunction") == "/aws/lambda/NoSuchFunction"


@pytest.mark.skipif(__import__("shutil").which("node") is None, reason="node is not installed")
def test_a_node_function_with_json_logging_config(lam: Any) -> None:
    """The Node runtime reads AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL as LoggingConfig sets them
    ("Log-level filtering": console.debug below the WARN application level is dropped)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.mjs", "export const handler = async () => {\n  console.debug('d');\n"
                                 "  console.info('i');\n  console.warn('w');\n  return 1;\n};\n")
    name = f"node{time.time_ns()}"
    lam.client.create_function(FunctionName=name, Runtime="nodejs20.x", Role=_role(), Handler="index.handler",
                               Code={"ZipFile": buf.getvalue()}, Timeout=10,
                               LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "WARN"})
    result = lam.runner.invoke(name, {})
    assert result.ok, result.logs
    records = _records(result.logs)
    assert [r.get("type") for r in (records[0], records[-1])] == ["platform.start", "platform.report"]
    request_id = records[0]["record"]["requestId"]
    app = [r for r in records if "level" in r]
    assert [(r["level"], r["message"], r["requestId"]) for r in app] == [("WARN", "w", request_id)]
