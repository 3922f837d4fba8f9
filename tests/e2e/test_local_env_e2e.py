"""`codecraft local env` and `codecraft aws`: by hand on the emulator, without an account (issue 12, item 7)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import CODECRAFT, Cli, aws

QUEUE = "LocalEnvQueue"
KEYS = {"AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


@pytest.fixture(scope="module")
def queue_url(emulator: dict[str, Any]) -> str:
    return str(aws(emulator, "sqs").create_queue(QueueName=QUEUE)["QueueUrl"])


def test_eval_local_env_points_boto3_at_the_emulator(cli: Cli, emulator: dict[str, Any], queue_url: str) -> None:
    # a real account's profile and keys in the shell: local env replaces them
    env = {**cli.env, "AWS_PROFILE": "no-such-profile", "AWS_ACCESS_KEY_ID": "real", "AWS_SESSION_TOKEN": "t"}
    script = (f'eval "$({CODECRAFT} local env)" && '
              'python3 -c "import boto3, json; print(json.dumps(boto3.client(\'sqs\').list_queues()))" && '
              'echo "profile=${AWS_PROFILE-unset}"')
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    listed, profile = proc.stdout.strip().splitlines()
    assert queue_url in json.loads(listed)["QueueUrls"]
    assert profile == "profile=unset"


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed on this machine")
def test_eval_local_env_points_the_aws_cli_at_the_emulator_for_sqs_too(cli: Cli, emulator: dict[str, Any],
                                                                       queue_url: str) -> None:
    # AWS CLI v1 forces https://queue.amazonaws.com for SQS in us-east-1 unless --endpoint-url is
    # given (awscli/customizations/overridesslcommonname.py): AWS_ENDPOINT_URL alone is not enough
    script = f'eval "$({CODECRAFT} local env)" && aws sqs list-queues --output json'
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=cli.env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert queue_url in json.loads(proc.stdout)["QueueUrls"]


def test_local_env_json_gives_the_variables(cli: Cli, emulator: dict[str, Any]) -> None:
    variables = cli.json("local", "env")
    assert set(variables) == KEYS
    assert variables["AWS_ENDPOINT_URL"] == emulator["endpoint"]
    assert variables["AWS_REGION"] == variables["AWS_DEFAULT_REGION"]


def test_local_env_shells(cli: Cli, emulator: dict[str, Any]) -> None:
    fish = cli("local", "env", "--shell", "fish")
    assert fish.returncode == 0 and f"set -gx AWS_ENDPOINT_URL {emulator['endpoint']};" in fish.stdout
    assert "set -e AWS_PROFILE;" in fish.stdout
    ps = cli("local", "env", "--shell", "powershell")
    assert ps.returncode == 0 and f"$env:AWS_ENDPOINT_URL = '{emulator['endpoint']}'" in ps.stdout
    bad = cli("local", "env", "--shell", "tcsh")
    assert bad.returncode == 2 and "Hint:" in bad.stderr and bad.stdout == ""


def test_local_env_help_shows_the_eval_line(cli: Cli) -> None:
    assert 'eval "$(codecraft local env)"' in cli("local", "env", "--help").stdout


def test_aws_passes_arguments_through_and_returns_the_exit_code(cli: Cli, emulator: dict[str, Any],
                                                                queue_url: str) -> None:
    if not shutil.which("aws", path=cli.env.get("PATH")):
        _can_install_or_skip(cli)
    listed = cli("aws", "sqs", "list-queues", "--output", "json", timeout=600)
    assert listed.returncode == 0, listed.stderr
    assert queue_url in json.loads(listed.stdout)["QueueUrls"]
    missing = cli("aws", "sqs", "get-queue-url", "--queue-name", "NoSuchQueue")
    assert missing.returncode == 255 and "NonExistentQueue" in missing.stderr


def test_aws_installs_the_cli_when_it_is_not_on_path(cli: Cli, emulator: dict[str, Any], queue_url: str) -> None:
    _can_install_or_skip(cli)
    path = os.pathsep.join(d for d in cli.env.get("PATH", "").split(os.pathsep)
                           if d and not shutil.which("aws", path=d))
    env = {**cli.env, "PATH": path}
    assert CODECRAFT
    proc = subprocess.run([CODECRAFT, "aws", "sqs", "list-queues", "--output", "json"], capture_output=True,
                          text=True, env=env, timeout=900, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert "installing it into" in proc.stderr and "Traceback" not in proc.stderr
    assert queue_url in json.loads(proc.stdout)["QueueUrls"]
    again = subprocess.run([CODECRAFT, "aws", "sqs", "list-queues"], capture_output=True, text=True, env=env,
                           timeout=120, stdin=subprocess.DEVNULL)
    assert again.returncode == 0 and "installing" not in again.stderr


def test_local_env_starts_the_emulator_and_says_so_on_stderr(cli: Cli, emulator: dict[str, Any]) -> None:
    assert cli("local", "stop").returncode == 0
    proc = cli("local", "env")
    assert proc.returncode == 0, proc.stderr
    assert "Started" in proc.stderr and "export" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert lines and all(line.startswith(("export ", "unset ", "aws() { command aws --endpoint-url ")) for line in lines)
    assert cli.json("local", "status")["running"] is True


def _can_install_or_skip(cli: Cli) -> None:
    """Skip (saying why) only when pip cannot fetch awscli here: no aws, no package index."""
    probe = subprocess.run(["python3", "-m", "pip", "download", "--no-deps", "--quiet", "-d",
                            str(Path(cli.env["CODECRAFT_HOME"]) / "pip-probe"), "awscli"],
                           capture_output=True, text=True, timeout=300)
    if probe.returncode != 0:
        pytest.skip(f"the AWS CLI is not installed and pip cannot fetch awscli: {probe.stderr.strip()[-200:]}")
