"""Crash safety and fault tolerance, with the installed command against the emulator.

CODECRAFT_FAULTS (see codecraft_cli/aws/faults.py) kills the process with SIGKILL right after
the N-th call that changed something — before codecraft could write it to the state file, the
worst moment — or answers a share of calls with 500/503, or fails one operation for good.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time

import pytest

from .conftest import CODECRAFT, Cli, leftovers_in

pytestmark = pytest.mark.e2e
W = "anycompany-orders"


def faulty(cli: Cli, spec: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CODECRAFT or "codecraft", *args], capture_output=True, text=True, timeout=300,
                          env={**cli.env, "CODECRAFT_FAULTS": spec}, stdin=subprocess.DEVNULL)


def assert_clean(cli: Cli, emulator: dict) -> None:
    assert cli.json("status")["deployments"] == []
    left = leftovers_in(emulator)
    assert not any(left.values()), left


def test_a_setup_killed_after_any_call_is_finished_by_a_rerun(cli: Cli, emulator: dict) -> None:
    killed = 0
    for n in range(1, 40):
        first = faulty(cli, f"kill_after={n}", "setup", W, "--yes")
        if first.returncode == 0:  # n is past the last change: every boundary was tried
            break
        assert first.returncode == -signal.SIGKILL, first.stderr
        killed += 1
        again = cli.json("setup", W, "--yes")
        assert again["created"] + again["updated"] + again["unchanged"] == 11
        cli.json("teardown", W, "--yes")
        assert_clean(cli, emulator)
    else:
        pytest.fail("setup was still being killed after 40 changes")
    assert killed >= 11  # at least one kill per resource
    cli.json("teardown", W, "--yes")


def test_a_setup_killed_at_random_moments_is_finished_by_a_rerun(cli: Cli, emulator: dict) -> None:
    rng = random.Random(20261122)
    for _ in range(3):
        proc = subprocess.Popen([CODECRAFT or "codecraft", "setup", W, "--yes"], env=cli.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        cli.json("setup", W, "--yes")
        cli.json("teardown", W, "--yes")
        assert_clean(cli, emulator)


def test_a_teardown_killed_after_any_deletion_is_finished_by_a_rerun(cli: Cli, emulator: dict) -> None:
    for n in (1, 3, 5, 8, 11):
        cli.json("setup", W, "--yes")
        first = faulty(cli, f"kill_after={n}", "teardown", W, "--yes")
        assert first.returncode == -signal.SIGKILL
        assert cli("teardown", W, "--yes").returncode == 0
        assert_clean(cli, emulator)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_injected_500_and_503_are_absorbed_by_retries(cli: Cli, emulator: dict, seed: int) -> None:
    setup = faulty(cli, f"errors=0.3,seed={seed}", "setup", W, "--yes", "--json")
    assert setup.returncode == 0, setup.stderr
    assert json.loads(setup.stdout)["created"] == 11
    injected = int(setup.stderr.rsplit("[faults] ", 1)[1].split()[0])
    assert injected > 0
    teardown = faulty(cli, f"errors=0.3,seed={seed + 10}", "teardown", W, "--yes")
    assert teardown.returncode == 0, teardown.stderr
    assert_clean(cli, emulator)


def test_a_permanent_failure_is_exit_3_naming_the_call_and_the_rerun_continues(cli: Cli, emulator: dict) -> None:
    failed = faulty(cli, "fail=sqs.CreateQueue", "setup", W, "--yes")
    assert failed.returncode == 3
    assert "sqs.create_queue failed" in failed.stderr and "Traceback" not in failed.stderr
    (dep,) = cli.json("status")["deployments"]
    recorded = {r["type"] for r in dep["resources"]}
    assert "sqs.queue" not in recorded and "dynamodb.table" in recorded and "lambda.function" in recorded
    again = cli.json("setup", W, "--yes")
    assert again["created"] == 2 and again["unchanged"] == 9  # the queue and its subscription
    cli.json("teardown", W, "--yes")
    assert_clean(cli, emulator)


def test_a_lost_state_file_is_recovered_by_a_sweep(cli: Cli, emulator: dict) -> None:
    from pathlib import Path

    cli.json("setup", W, "--yes")
    for path in (Path(cli.env["CODECRAFT_HOME"]) / "state").glob("*.json"):
        path.unlink()  # the laptop's state is gone
    plan = cli.json("teardown", W, "--sweep", "--dry-run")
    assert plan["deleted"] == [] and len(plan["remaining"]) == 7
    assert any(v for v in leftovers_in(emulator).values())
    done = cli.json("teardown", W, "--sweep", "--yes")
    assert len(done["deleted"]) == 7
    assert_clean(cli, emulator)
