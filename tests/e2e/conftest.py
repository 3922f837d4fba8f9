"""Shared by the end-to-end tests: the installed codecraft command, one emulator per module."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

CODECRAFT = shutil.which("codecraft")


class Cli:
    def __init__(self, home: Path) -> None:
        self.env = {**os.environ, "CODECRAFT_HOME": str(home), "COLUMNS": "120", "CODECRAFT_LANG": "en",
                    # AWS refuses a queue name for 60 s after DeleteQueue, and so does the emulator;
                    # tests that tear down and set up again dozens of times shorten that to 5 s
                    # (a create right after a delete is still refused: test_refusals_e2e)
                    "CODECRAFT_EMULATOR_QUEUE_REUSE": "5"}
        self.env.pop("CODECRAFT_TARGET", None)

    def __call__(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        assert CODECRAFT, "the codecraft command is not installed (pip install -e .)"
        proc = subprocess.run([CODECRAFT, *args], capture_output=True, text=True, env=self.env,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    def with_env(self, env: dict[str, str]) -> Cli:
        """The same codecraft home, run with this environment (e.g. another language)."""
        other = Cli.__new__(Cli)
        other.env = dict(env)
        return other

    def json(self, *args: str, code: int = 0) -> Any:
        proc = self(*args, "--json")
        assert proc.returncode == code, f"exit {proc.returncode}\n{proc.stderr}\n{proc.stdout}"
        return json.loads(proc.stdout)


def aws(emulator: dict[str, Any], service: str) -> Any:
    return boto3.client(service, endpoint_url=emulator["endpoint"], region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="y")


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent (the container's init may not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"



@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Cli]:
    """A fresh CODECRAFT_HOME for the module; everything torn down and stopped at the end."""
    runner = Cli(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))
    yield runner
    runner("teardown", "--all", "--yes")
    runner("local", "stop")


@pytest.fixture(scope="module")
def emulator(cli: Cli) -> dict[str, Any]:
    started = cli.json("local", "start")
    assert started["running"] is True
    assert started["endpoint"].startswith("http://127.0.0.1:")
    assert started["gateway"].startswith("http://127.0.0.1:")
    return dict(started)


def leftovers_in(emulator: dict[str, Any]) -> dict[str, list[str]]:
    """What exists in the emulator, by service (empty lists when a teardown was complete)."""
    return {
        "tables": aws(emulator, "dynamodb").list_tables()["TableNames"],
        "functions": [f["FunctionName"] for f in aws(emulator, "lambda").list_functions()["Functions"]],
        "mappings": [m["UUID"] for m in aws(emulator, "lambda").list_event_source_mappings()["EventSourceMappings"]],
        "apis": [a["name"] for a in aws(emulator, "apigateway").get_rest_apis()["items"]],
        "topics": [t["TopicArn"] for t in aws(emulator, "sns").list_topics()["Topics"]],
        "subscriptions": [s["SubscriptionArn"] for s in aws(emulator, "sns").list_subscriptions()["Subscriptions"]],
        "queues": aws(emulator, "sqs").list_queues().get("QueueUrls", []),
        "roles": [r["RoleName"] for r in aws(emulator, "iam").list_roles()["Roles"]],
        "log_groups": [g["logGroupName"] for g in aws(emulator, "logs").describe_log_groups()["logGroups"]],
        "buckets": [b["Name"] for b in aws(emulator, "s3").list_buckets()["Buckets"]],
    }
