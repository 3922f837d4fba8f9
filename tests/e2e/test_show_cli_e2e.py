"""`show anycompany-orders --as cli` RUN against the emulator, as a student would: `eval "$(codecraft
local env)"`, then the script with bash and the AWS CLI; then `verify` finds the workshop built.

The AWS CLI is the one on PATH; without one, `aws` is `codecraft aws` (the same CLI, installed on
first use)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import CODECRAFT, Cli

pytestmark = pytest.mark.e2e


def test_the_cli_script_builds_the_workshop_and_verify_passes(cli: Cli, emulator: dict, tmp_path: Path) -> None:
    shown = cli("show", "anycompany-orders", "--as", "cli")
    assert shown.returncode == 0, shown.stderr
    script = tmp_path / "orders.sh"
    script.write_text(shown.stdout)
    env_lines = cli("local", "env")
    assert env_lines.returncode == 0, env_lines.stderr
    env = dict(cli.env)
    if shutil.which("aws") is None:  # `aws` is `codecraft aws`
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "aws").write_text(f'#!/bin/sh\nexec {CODECRAFT} aws "$@"\n')
        (bin_dir / "aws").chmod(0o755)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    run = subprocess.run(["bash", "-c", f'eval "$1" && bash {script}', "student", env_lines.stdout],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"{run.stderr[-3000:]}\n{run.stdout[-2000:]}"
    assert (tmp_path / "ProcessOrder.zip").is_file()  # built from lambda_src by the script itself

    proc = cli("verify", "anycompany-orders", "--json", timeout=300)
    report = json.loads(proc.stdout)
    rows = {r["check"]: r for r in report["checks"]}
    for resource in ("orders_table", "notifications", "processing_queue", "queue_subscription", "role",
                     "process_order", "orders_api", "post_orders", "invoke_permission", "stage"):
        assert rows[resource]["ok"], rows[resource]
    failed = [r for r in report["checks"] if not r["ok"] and r.get("kind", "required") == "required"]
    assert not failed, failed
    assert proc.returncode == 0, proc.stderr
    # end to end through the hand-built API: the order went to the table, the topic and the queue
    for check in ("api_answers", "order_stored", "message_queued", "lambda_logged"):
        assert rows[check]["ok"], rows[check]
