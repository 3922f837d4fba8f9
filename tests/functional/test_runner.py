"""The emulator's Lambda runner runs deployed code as Lambda would: isolated imports, the
function's timeout, UTC, errors in Lambda's shapes, execution environments reused while warm."""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from codecraft_cli.local.clients import EmulatorClients
from codecraft_cli.local.lambda_.service import LambdaRunner


def _zip(code: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", code)
    return buf.getvalue()


@pytest.fixture()
def deploy(tmp_path: Path) -> Iterator[object]:
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        trust = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", '
                 '"Principal": {"Service": "lambda.amazonaws.com"}}]}')  # a role Lambda can assume
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        runner = LambdaRunner(EmulatorClients("http://127.0.0.1:9"), tmp_path / "lambda")
        shipped: list[tuple[str, list[str]]] = []
        runner.logs.ship = lambda region, group, stream, lines, **_: shipped.append((group, lines))  # type: ignore[method-assign]

        def make(code: str, timeout: int = 3, env: dict[str, str] | None = None) -> str:
            runner.client = client  # type: ignore[attr-defined]
            name = f"fn{time.time_ns()}"
            client.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                                   Code={"ZipFile": _zip(code)}, Timeout=timeout,
                                   Environment={"Variables": env or {}})
            return name

        try:
            yield make, runner
        finally:
            runner.close()


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


COUNTER = ("import os\n"
           "calls = 0\n"
           "def handler(event, context):\n"
           "    global calls\n"
           "    calls += 1\n"
           "    path = os.path.join(os.environ['TMPDIR'], 'seen')\n"
           "    kept = os.path.exists(path)\n"
           "    open(path, 'w').close()\n"
           "    if event.get('fail'):\n"
           "        raise RuntimeError('asked to fail')\n"
           "    if event.get('sleep'):\n"
           "        import time; time.sleep(event['sleep'])\n"
           "    return {'calls': calls, 'pid': os.getpid(), 'tmp_kept': kept, 'colour': os.environ.get('COLOUR')}\n")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_warm_environment_serves_the_next_invocation_with_its_state(deploy: tuple) -> None:
    make, runner = deploy
    name = make(COUNTER)
    first, second = runner.invoke(name, {}), runner.invoke(name, {})
    assert first.payload["calls"] == 1 and not first.payload["tmp_kept"]
    assert second.payload["calls"] == 2 and second.payload["tmp_kept"]  # module state and /tmp survive
    assert second.payload["pid"] == first.payload["pid"]
    assert "Init Duration:" in first.logs[-1] and "Init Duration:" not in second.logs[-1]  # one cold start
    # an error in the handler is an answer, not the end of the environment
    failed = runner.invoke(name, {"fail": True})
    assert failed.error_type == "RuntimeError" and any("asked to fail" in line for line in failed.logs)
    assert runner.invoke(name, {}).payload["calls"] == 4


def test_each_invocation_gets_its_own_log_lines(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import sys\n"
                "def handler(event, context):\n"
                "    print('working on', event['n'])\n"
                "    sys.stdout.write('no newline ' + str(event['n']))\n"
                "    return event['n']\n")
    first, second = runner.invoke(name, {"n": 1}), runner.invoke(name, {"n": 2})
    body = lambda result: [line for line in result.logs if not line.startswith(("START", "END", "REPORT"))]  # noqa: E731
    assert body(first) == ["working on 1", "no newline 1"]
    assert body(second) == ["working on 2", "no newline 2"]


def test_a_changed_configuration_gets_a_new_environment(deploy: tuple) -> None:
    make, runner = deploy
    name = make(COUNTER, env={"COLOUR": "blue"})
    old = runner.invoke(name, {}).payload
    runner.client.update_function_configuration(FunctionName=name, Environment={"Variables": {"COLOUR": "red"}})
    new = runner.invoke(name, {}).payload
    assert (old["colour"], new["colour"]) == ("blue", "red") and new["calls"] == 1
    time.sleep(0.2)
    assert not _alive(old["pid"])  # the stale environment was ended


def test_a_function_deleted_and_created_again_starts_cold(deploy: tuple) -> None:
    make, runner = deploy
    name = make(COUNTER)
    assert runner.invoke(name, {}).payload["calls"] == 1
    config = runner.client.get_function(FunctionName=name)["Configuration"]
    runner.client.delete_function(FunctionName=name)
    runner.client.create_function(FunctionName=name, Runtime="python3.12", Role=config["Role"], Handler="app.handler",
                                  Code={"ZipFile": _zip(COUNTER)}, Timeout=3)
    assert runner.invoke(name, {}).payload["calls"] == 1  # same name, code and settings: still a new function


def test_a_timed_out_environment_is_not_reused(deploy: tuple) -> None:
    make, runner = deploy
    name = make(COUNTER, timeout=1)
    slow = runner.invoke(name, {"sleep": 3})
    assert slow.error_type == "Sandbox.Timedout"
    assert runner.invoke(name, {}).payload["calls"] == 1  # a cold start


def test_concurrent_invocations_get_environments_of_their_own(deploy: tuple) -> None:
    from concurrent.futures import ThreadPoolExecutor

    make, runner = deploy
    name = make(COUNTER, timeout=10)
    runner.invoke(name, {})  # one warm environment
    started = time.monotonic()
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: runner.invoke(name, {"sleep": 1}), range(3)))
    assert all(r.ok for r in results)
    assert len({r.payload["pid"] for r in results}) == 3
    assert time.monotonic() - started < 2.9  # side by side, not one after the other


def test_idle_environments_end_and_warm_seconds_zero_means_cold_every_time(deploy: tuple) -> None:
    make, runner = deploy
    name = make(COUNTER)
    runner.pool.warm_seconds = 0.3
    pid = runner.invoke(name, {}).payload["pid"]
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)
    runner.pool.warm_seconds = 0
    first, second = runner.invoke(name, {}).payload, runner.invoke(name, {}).payload
    assert first["calls"] == second["calls"] == 1 and first["pid"] != second["pid"]
    assert not _alive(second["pid"])


def test_closing_the_runner_ends_every_environment(deploy: tuple) -> None:
    make, runner = deploy
    pids = [runner.invoke(make(COUNTER), {}).payload["pid"] for _ in range(2)]
    assert all(_alive(pid) for pid in pids)
    runner.close()
    assert not any(_alive(pid) for pid in pids)


def test_output_that_is_not_utf8_does_not_cost_the_logs_or_time(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import os\n"
                "def handler(event, context):\n"
                "    os.write(2, b'bad bytes \\xff\\xfe\\n' * 10000)\n"  # more than a pipe holds
                "    print('after')\n"
                "    return 'ok'\n", timeout=2)
    for _ in range(2):
        started = time.monotonic()
        result = runner.invoke(name, {})
        assert result.ok and result.payload == "ok"
        assert "after" in result.logs and any(line.startswith("bad bytes \ufffd") for line in result.logs)
        assert time.monotonic() - started < 1.5


def test_sys_exit_in_the_handler_ends_the_environment_even_with_a_detached_child(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import subprocess, sys\n"
                "def handler(event, context):\n"
                "    subprocess.Popen(['sleep', '30'], start_new_session=True)  # keeps stderr open\n"
                "    sys.exit(3)\n", timeout=5)
    started = time.monotonic()
    result = runner.invoke(name, {})
    assert result.error_type == "Runtime.ExitError" and "exit status 3" in result.payload["errorMessage"]
    assert time.monotonic() - started < 3


def test_an_environment_ends_when_the_emulator_is_gone_whatever_threads_it_runs(deploy: tuple) -> None:
    make, runner = deploy
    name = make("import threading, time\n"
                "def handler(event, context):\n"
                "    threading.Thread(target=lambda: [time.sleep(0.1) for _ in iter(int, 1)]).start()\n"
                "    return 'started'\n")
    assert runner.invoke(name, {}).payload == "started"
    (env,) = runner.pool.environments()
    env.proc.stdin.close()  # what the emulator's death does to the pipe
    assert env.proc.wait(timeout=3) == 0


def test_no_environment_starts_once_the_runner_is_closed(deploy: tuple) -> None:
    make, runner = deploy
    name = make(COUNTER)
    runner.close()
    with pytest.raises(RuntimeError, match="stopping"):
        runner.invoke(name, {})
    assert not runner.pool.environments()
