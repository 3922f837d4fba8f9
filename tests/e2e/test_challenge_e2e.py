"""End to end: anycompany-challenge (seed 004, part 5) on the emulator.

Set up on anycompany-orders; an order carrying an ``email`` through ``test-api``; then the SES
confirmation naming the order in the local mailbox (``inspect mail --json``), the order's SNS
notification by e-mail, the daily summary updated by the stream, the order archived under a
lifecycle rule to GLACIER after 180 days; verify passes with every bonus point; teardown turns
the stream off and leaves anycompany-orders working; ``teardown --all`` leaves nothing.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from .conftest import Cli, aws, leftovers_in

pytestmark = pytest.mark.e2e

ORDER = {"order_id": "e2e-1", "product": "Laptop", "price": 12.5, "email": "student@example.com"}


@pytest.fixture(scope="module")
def deployed(cli: Cli, emulator: dict[str, Any]) -> dict[str, Any]:
    assert cli("setup", "anycompany-orders", "--yes", timeout=300).returncode == 0
    proc = cli("setup", "anycompany-challenge", "--yes", "--json", timeout=400)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def _mail(cli: Cli, needle: str, kind: str, wait: float = 20) -> list[dict[str, Any]]:
    deadline = time.time() + wait
    while True:
        found = [m for m in cli.json("inspect", "mail", "--to", "student@example.com")["messages"]
                 if m["kind"] == kind and needle in (m["subject"] or "") + (m["body"] or "")]
        if found or time.time() > deadline:
            return found
        time.sleep(0.5)


def test_setup_turns_the_stream_on_and_verifies_the_identities(emulator: dict, deployed: dict) -> None:
    table = aws(emulator, "dynamodb").describe_table(TableName="Orders")["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    ses = aws(emulator, "ses").get_identity_verification_attributes(
        Identities=["orders@example.com", "student@example.com"])["VerificationAttributes"]
    assert {k: v["VerificationStatus"] for k, v in ses.items()} == {
        "orders@example.com": "Success", "student@example.com": "Success"}
    s3 = aws(emulator, "s3")
    (bucket,) = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("codecraft-order-archive-")]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [(r["Status"], r["Filter"], r["Transitions"]) for r in rules] == [
        ("Enabled", {"Prefix": "orders/"}, [{"Days": 180, "StorageClass": "GLACIER"}])]


def test_an_order_with_an_email_is_confirmed_by_mail_summarized_and_archived(cli: Cli, emulator: dict,
                                                                              deployed: dict) -> None:
    answer = cli.json("test-api", "--workshop", "anycompany-orders", "--payload", json.dumps(ORDER))
    assert answer["status"] == 200
    (confirmation,) = _mail(cli, "e2e-1", "ses")
    assert "e2e-1" in confirmation["subject"] and confirmation["from"] == "orders@example.com"
    assert confirmation["to"] == ["student@example.com"]
    assert _mail(cli, "e2e-1", "sns")  # the SNS e-mail subscription's notification of the order
    day = aws(emulator, "dynamodb").scan(TableName="DailyOrderSummary")["Items"]
    assert len(day) == 1 and "e2e-1" in day[0]["order_ids"]["SS"]
    assert day[0]["order_count"]["N"] == "1" and day[0]["total_amount"]["N"] == "12.5"
    s3 = aws(emulator, "s3")
    (bucket,) = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("codecraft-order-archive-")]
    archived = json.loads(s3.get_object(Bucket=bucket, Key="orders/e2e-1.json")["Body"].read())
    assert archived["order_id"] == "e2e-1" and archived["email"] == "student@example.com"


def test_the_sandbox_refuses_an_unverified_recipient_and_the_function_says_so(cli: Cli, deployed: dict) -> None:
    order = {**ORDER, "order_id": "e2e-2", "email": "unverified@example.com"}
    assert cli.json("test-api", "--workshop", "anycompany-orders", "--payload", json.dumps(order))["status"] == 200
    deadline, said = time.time() + 20, []
    while not said and time.time() < deadline:
        said = [e["message"] for e in cli.json("inspect", "logs", "OrderConfirmation")["events"]
                if "order e2e-2 not confirmed by e-mail: SES refused unverified@example.com" in e["message"]]
        time.sleep(0.5)
    # the role names the two verified identities: IAM refuses the other recipient's identity first
    # (MessageRejected, the sandbox's own refusal, when the role allows any identity)
    assert said and "identity/unverified@example.com" in said[0] and "sandbox" in said[0]
    assert cli.json("inspect", "mail", "--to", "unverified@example.com")["messages"] == []


def test_verify_passes_with_every_bonus_point(cli: Cli, deployed: dict) -> None:
    proc = cli("verify", "anycompany-challenge", "--json", timeout=300)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, [c for c in report["checks"] if not c["ok"]]
    assert report["passed"] == report["total"]
    assert report["score"] >= 100.0


def test_teardown_turns_the_stream_off_and_leaves_the_orders_workshop_working(cli: Cli, emulator: dict,
                                                                              deployed: dict) -> None:
    done = cli.json("teardown", "anycompany-challenge", "--yes")
    assert done["remaining"] == []
    table = aws(emulator, "dynamodb").describe_table(TableName="Orders")["Table"]
    assert not (table.get("StreamSpecification") or {}).get("StreamEnabled")
    assert "DailyOrderSummary" not in aws(emulator, "dynamodb").list_tables()["TableNames"]
    assert cli.json("verify", "anycompany-orders")["score"] == 100.0
    # set up again: the table gets a new stream (AWS allows it once the old one is off)
    assert cli("setup", "anycompany-challenge", "--yes", timeout=300).returncode == 0
    assert aws(emulator, "dynamodb").describe_table(TableName="Orders")["Table"]["StreamSpecification"][
        "StreamEnabled"] is True
    cli.json("teardown", "--all", "--yes")
    assert all(found == [] for found in leftovers_in(emulator).values()), leftovers_in(emulator)


def test_setup_with_email_uses_that_one_address_and_verify_reads_it_from_the_state(cli: Cli, emulator: dict,
                                                                                   deployed: dict) -> None:
    # setup --email (required on AWS, engine/email_choice.py): a verified address may send to itself
    # (SES sandbox: from AND to verified identities), so one address is sender, recipient, subscriber
    mine = "teacher@school.example"
    proc = cli("setup", "anycompany-challenge", "--email", mine, "--yes", timeout=400)
    assert proc.returncode == 0, proc.stderr
    ses = aws(emulator, "ses").get_identity_verification_attributes(Identities=[mine])["VerificationAttributes"]
    assert ses[mine]["VerificationStatus"] == "Success"
    assert "orders@example.com" not in aws(emulator, "ses").list_identities()["Identities"]
    # the workshop's own payload, with the address setup recorded
    assert cli.json("test-api", "--workshop", "anycompany-challenge", "--payload", "laptop_with_email")["status"] == 200
    deadline, sent = time.time() + 20, []
    while not sent and time.time() < deadline:
        sent = [m for m in cli.json("inspect", "mail", "--to", mine)["messages"]
                if m["kind"] == "ses" and "12345" in (m["subject"] or "")]
        time.sleep(0.5)
    assert sent and sent[0]["from"] == mine and sent[0]["to"] == [mine]
    proc = cli("verify", "anycompany-challenge", "--json", timeout=300)  # the address recorded by setup
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, [c for c in report["checks"] if not c["ok"]]
    cli.json("teardown", "--all", "--yes")
    assert all(found == [] for found in leftovers_in(emulator).values()), leftovers_in(emulator)
