"""The e-mail address of a workshop that sends e-mail (setup/verify/show --email, CODECRAFT_EMAIL).

On AWS the example.com addresses of anycompany-challenge cannot be verified by anyone: in the SES
sandbox "You can only send mail to verified email addresses and domains" and every "From"/"Source"
identity must be verified (SES Developer Guide, "Request production access (Moving out of the
Amazon SES sandbox)"); one verified address of one's own is both sender and recipient. So
--email replaces every address of the e-mail resources, on AWS it is required (exit 2 without),
and it is recorded in the deployment's state like --runtime.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codecraft_cli.engine.email_choice import Email, addresses, check_email, chosen_email, deployed
from codecraft_cli.engine.identity import DeploymentKey
from codecraft_cli.errors import UserError
from codecraft_cli.workshop import load_workshop

from .conftest import Run

MINE = "me@school.fr"


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CODECRAFT_EMAIL", raising=False)
    return tmp_path / "home"


def test_the_challenge_sends_from_and_to_its_example_addresses_on_the_emulator() -> None:
    w = load_workshop("anycompany-challenge")
    assert addresses(w) == ("orders@example.com", "student@example.com")
    assert addresses(load_workshop("anycompany-orders")) == ()
    assert Email(None).workshop(w) is w


def test_one_address_becomes_the_sender_the_recipient_the_subscription_and_what_the_checks_expect() -> None:
    w = Email(MINE).workshop(load_workshop("anycompany-challenge"))
    assert w.resource("sender").properties["email"] == MINE
    assert w.resource("recipient").properties["email"] == MINE
    assert w.resource("email_subscription").properties["endpoint"] == MINE
    # the function's SENDER stays a reference to the (now yours) sender identity
    assert w.resource("order_confirmation").properties["environment"] == {"SENDER": "${sender.email}"}
    checks = {c.id: c for c in w.checks}
    assert checks["confirmation_received"].params["to"] == MINE
    assert checks["notification_received"].params["to"] == MINE
    assert checks["order_with_email"].params["payload"]["email"] == MINE
    assert checks["order_stored"].params["expect"] == {"email": MINE}
    assert w.payloads["laptop_with_email"]["email"] == MINE
    # the sandbox's refusal still needs an address nobody verified
    assert w.payloads["unverified_recipient"]["email"] == "unverified@example.com"
    assert checks["unverified_order"].params["payload"]["email"] == "unverified@example.com"
    said = "".join(text for step in w.steps for text in step.console.values())
    assert MINE in said and "student@example.com" not in said and "orders@example.com" not in said


def test_a_bad_address_or_a_workshop_without_e_mail_is_bad_input() -> None:
    with pytest.raises(UserError) as bad:
        check_email(load_workshop("anycompany-challenge"), "me@")
    assert bad.value.exit_code == 2 and "you@school.fr" in str(bad.value.hint)
    with pytest.raises(UserError):
        check_email(load_workshop("workshop1"), MINE)
    check_email(load_workshop("anycompany-challenge"), MINE)


def test_on_aws_the_challenge_needs_an_address_and_the_emulator_keeps_its_own(home: Path) -> None:
    w = load_workshop("anycompany-challenge")
    key = DeploymentKey("aws", "eu-west-3", w.id, None)
    with pytest.raises(UserError) as missing:
        chosen_email(w, key, None, is_local=False)
    assert missing.value.exit_code == 2 and "--email you@school.fr" in str(missing.value.hint)
    assert chosen_email(w, key, MINE, is_local=False) == Email(MINE)
    assert chosen_email(w, DeploymentKey("local", "us-east-1", w.id, None), None, is_local=True) == Email(None)
    # a workshop that sends no e-mail needs none on AWS
    orders = load_workshop("anycompany-orders")
    assert chosen_email(orders, DeploymentKey("aws", "eu-west-3", orders.id, None), None, False) == Email(None)


def test_the_recorded_address_is_used_again_by_a_later_run(home: Path) -> None:
    w = load_workshop("anycompany-challenge")
    key = DeploymentKey("aws", "eu-west-3", w.id, None)
    state = key.store()
    state.set_meta("email", MINE)
    state.record("sender", "ses.identity", "ses", [], MINE, {"email": MINE})
    assert chosen_email(w, key, None, is_local=False) == Email(MINE)
    assert deployed(w, key).resource("recipient").properties["email"] == MINE
    assert chosen_email(w, key, "other@school.fr", is_local=False) == Email("other@school.fr")


def test_setup_on_aws_without_an_address_exits_2_with_the_hint(run: Run, home: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    code, _out, err = run("--target", "aws", "--region", "eu-west-3", "setup", "anycompany-challenge", "--yes")
    assert code == 2 and "--email you@school.fr" in err and "Traceback" not in err
    code, _out, err = run("setup", "anycompany-orders", "--email", MINE, "--dry-run")
    assert code == 2 and "sends no e-mail" in err


def test_show_prints_the_address_or_a_placeholder(run: Run, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _err = run("show", "anycompany-challenge", "--step", "ses", "--as", "cli")
    assert code == 0 and "orders@example.com" in out  # a script that runs on the emulator
    code, out, _err = run("show", "anycompany-challenge")
    assert code == 0 and "<your e-mail>" in out and "student@example.com" not in out
    monkeypatch.setenv("CODECRAFT_EMAIL", MINE)
    code, out, _err = run("show", "anycompany-challenge")
    assert code == 0 and MINE in out and "<your e-mail>" not in out
