"""Students side by side in one account, and a whole class of 10 at once, on the emulator."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from codecraft_cli.aws.clients import Target
from codecraft_cli.engine.classroom import leftovers

from .conftest import Cli, aws

pytestmark = pytest.mark.e2e


def test_two_students_coexist_and_one_teardown_leaves_the_other(cli: Cli, emulator: dict) -> None:
    for student in ("alice", "bob"):
        assert cli.json("setup", "anycompany-orders", "--yes", "--student", student)["created"] == 11
    tables = sorted(aws(emulator, "dynamodb").list_tables()["TableNames"])
    assert tables == ["alice-Orders", "bob-Orders"]
    answer = cli.json("test-api", "--workshop", "anycompany-orders", "--student", "bob")
    assert answer["status"] == 200
    cli.json("teardown", "anycompany-orders", "--yes", "--student", "alice")
    assert aws(emulator, "dynamodb").list_tables()["TableNames"] == ["bob-Orders"]
    report = cli.json("verify", "anycompany-orders", "--student", "bob", "--grade")
    assert report["score"] == 100.0 and report["passed"] == report["total"]
    (dep,) = cli.json("status")["deployments"]
    assert dep["student"] == "bob"
    cli.json("teardown", "anycompany-orders", "--yes", "--student", "bob")


def test_a_class_of_ten(cli: Cli, emulator: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODECRAFT_HOME", cli.env["CODECRAFT_HOME"])  # read the CLI's state files
    roster = tmp_path / "students.csv"
    names = ["Alice Martin", "Bob", "Élodie Dupont", "Chloé", "David", "Emma", "Farid", "Gaël", "Hugo", "Inès"]
    roster.write_text("student,email\n" + "".join(f"{n},{n.split()[0].lower()}@school.fr\n" for n in names),
                      encoding="utf-8")
    students = ["alice-martin", "bob", "elodie-dupont", "chloe", "david", "emma", "farid", "gael", "hugo", "ines"]
    setup = cli.json("classroom", "setup", "anycompany-orders", "--roster", str(roster))
    assert [s["status"] for s in setup["students"]] == ["done"] * 10
    assert {s["student"] for s in setup["students"]} == set(students)
    target = Target("local", "us-east-1", None, emulator["endpoint"], emulator["gateway"])
    found = leftovers(target, students)
    assert len([f for f in found if not f.startswith("arn:")]) == 10 * 11  # recorded in the state files
    assert len([f for f in found if f.startswith("arn:")]) >= 10 * 5  # and found again by their tags

    grades = tmp_path / "grades.csv"
    verified = cli.json("classroom", "verify", "anycompany-orders", "--roster", str(roster), "-o", str(grades))
    assert verified["grades"] == str(grades)
    rows = list(csv.DictReader(grades.open(encoding="utf-8")))
    assert [r["student"] for r in rows] == students
    assert {r["score"] for r in rows} == {"100"}

    status = cli.json("classroom", "status", "anycompany-orders", "--roster", str(roster))
    assert all(s["deployed"] and s["resources"] == 11 for s in status["students"])

    done = cli.json("classroom", "teardown", "anycompany-orders", "--roster", str(roster), "--yes")
    assert done["remaining"] == []
    assert [s["deleted"] for s in done["students"]] == [11] * 10
    assert leftovers(target, students) == []
    assert aws(emulator, "dynamodb").list_tables()["TableNames"] == []


def test_a_bad_roster_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    roster = tmp_path / "dup.csv"
    roster.write_text("student\nbob\nBob\n")
    proc = cli("classroom", "setup", "anycompany-orders", "--roster", str(roster))
    assert proc.returncode == 2 and "appears twice" in proc.stderr
    proc = cli("classroom", "setup", "anycompany-orders", "--roster", str(tmp_path / "missing.csv"))
    assert proc.returncode == 2 and "Cannot read the roster" in proc.stderr


def test_expired_deployments_are_removed_and_the_others_stay(cli: Cli, emulator: dict) -> None:
    import time

    cli.json("setup", "anycompany-orders", "--yes", "--student", "zoe", "--expires", "2s")
    cli.json("setup", "anycompany-orders", "--yes", "--student", "yann", "--expires", "2h")
    deployments = {d["student"]: d for d in cli.json("status")["deployments"]}
    assert deployments["zoe"]["expires_at"] < deployments["yann"]["expires_at"]
    assert deployments["zoe"]["cost_per_hour"] == 0.0  # pay-per-request services only
    tags = aws(emulator, "dynamodb").list_tags_of_resource(
        ResourceArn="arn:aws:dynamodb:us-east-1:123456789012:table/zoe-Orders")["Tags"]
    assert any(t["Key"] == "codecraft:expires" for t in tags)
    time.sleep(2.5)
    done = cli.json("teardown", "--expired", "--yes")
    assert {d["workshop"] for d in done["deleted"]} == {"anycompany-orders"} and len(done["deleted"]) == 11
    assert [d["student"] for d in cli.json("status")["deployments"]] == ["yann"]
    cli.json("teardown", "anycompany-orders", "--student", "yann", "--yes")


def test_a_hand_built_fifo_queue_fails_verify_with_the_console_fix(cli: Cli, emulator: dict) -> None:
    cli.json("setup", "anycompany-orders", "--yes", "--student", "fifo")
    sqs = aws(emulator, "sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="fifo-OrderProcessingQueue")["QueueUrl"])
    sqs.create_queue(QueueName="fifo-OrderProcessingQueue.fifo", Attributes={"FifoQueue": "true"})
    proc = cli("verify", "anycompany-orders", "--student", "fifo", "--json")
    assert proc.returncode == 1
    import json

    report = json.loads(proc.stdout)
    (queue,) = [c for c in report["checks"] if c["check"] == "processing_queue"]
    assert queue["step"] == "queue" and not queue["ok"]
    assert queue["fix"] == ("SQS: the queue must be Standard, not FIFO: create a Standard queue named "
                            "fifo-OrderProcessingQueue")
    assert "3. Create the SQS queue OrderProcessingQueue" in proc.stderr
    assert report["score"] < 100
    cli.json("teardown", "anycompany-orders", "--student", "fifo", "--yes")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="fifo-OrderProcessingQueue.fifo")["QueueUrl"])
