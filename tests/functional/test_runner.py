"""The emulator's Lambda runner runs deployed code as Lambda would: isolated imports, the
function's timeout, UTC, errors in Lambda's shapes."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.local.runner import LambdaRunner


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


@pytest.fixture()
def deploy(tmp_path: Path) -> Iterator[object]:
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        runner = LambdaRunner("http://127.0.0.1:9", tmp_path / "lambda")
        shipped: list[tuple[str, list[str]]] = []
        runner._ship_logs = lambda region, group, stream, lines: shipped.append((group, lines))  # type: ignore[method-assign]

        def make(code: str, timeout: int = 3, env: dict[str, str] | None = None) -> str:
            name = f"fn{time.time_ns()}"
            client.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                   Code={"ZipFile": _zip(code)}, Timeout=timeout,
                                   Environment={"Variables": env or {}})
            return name

        yield make, runner


def test_the_function_sees_its_environment_in_utc(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import os, time\n"
                "def handler(event, context):\n"
                "    return {'tz': time.strftime('%Z'), 'table': os.environ['TABLE'],\n"
                "            'fn': os.environ['AWS_LAMBDA_FUNCTION_NAME'], 'profile': os.environ.get('AWS_PROFILE'),\n"
                "            'echo': event, 'remaining': context.get_remaining_time_in_millis() > 0}\n",
                env={"TABLE": "Orders"})
    result = runner.invoke(name, {"x": 1})
    assert result.ok, result.payload
    assert result.payload == {"tz": "UTC", "table": "Orders", "fn": name, "profile": None, "echo": {"x": 1},
                              "remaining": True}
    assert result.logs[0].startswith("START RequestId:") and result.logs[-1].startswith("REPORT RequestId:")


def test_a_dependency_not_in_the_package_does_not_import(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import pymysql\ndef handler(event, context):\n    return 1\n")  # installed on the host
    result = runner.invoke(name, {})
    assert not result.ok and result.error_type == "Runtime.ImportModuleError"
    boto = make("import boto3, botocore\ndef handler(event, context):\n    return boto3.__name__\n")
    assert runner.invoke(boto, {}).payload == "boto3"  # what the Lambda runtime provides


def test_the_timeout_is_enforced(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import time\ndef handler(event, context):\n    time.sleep(5)\n    return 'late'\n", timeout=1)
    started = time.monotonic()
    result = runner.invoke(name, {})
    assert not result.ok and result.error_type == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in result.payload["errorMessage"]
    assert time.monotonic() - started < 4


def test_threads_left_running_do_not_hold_the_answer(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import threading, time\n"
                "def handler(event, context):\n"
                "    threading.Thread(target=time.sleep, args=(30,)).start()\n"
                "    return 'done'\n", timeout=10)
    started = time.monotonic()
    result = runner.invoke(name, {})
    assert result.ok and result.payload == "done"
    assert time.monotonic() - started < 5


def test_errors_take_lambdas_shapes(deploy: tuple) -> None:
    make, runner = deploy
    failing = make("def handler(event, context):\n    raise ValueError('bad order')\n")
    result = runner.invoke(failing, {})
    assert not result.ok and result.error_type == "ValueError"
    assert result.payload["errorMessage"] == "bad order"
    assert any("[ERROR] ValueError: bad order" in line for line in result.logs)
    unmarshallable = make("def handler(event, context):\n    return {1, 2}\n")
    assert runner.invoke(unmarshallable, {}).error_type == "Runtime.MarshalError"


def test_binary_values_reach_the_function_base64_encoded(deploy: tuple) -> None:
    make, runner = deploy
    name = make("def handler(event, context):\n    return event\n")
    assert runner.invoke(name, {"b": b"\x00\x01"}).payload == {"b": "AAE="}
