"""Cost guardrails and class rosters: the confirmation before paid resources on AWS (Stubber:
nothing is called after the prompt is refused), prices, durations, roster parsing, doctor."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from codecraft_cli.aws.clients import Clients
from codecraft_cli.cli.app import main
from codecraft_cli.engine.lifecycle import parse_duration
from codecraft_cli.engine.classroom import read_roster, slug
from codecraft_cli.engine.costs import workshop_cost
from codecraft_cli.errors import UserError
from codecraft_cli.workshop import load_workshop


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture()
def stubbed_aws(monkeypatch: pytest.MonkeyPatch) -> dict[str, Stubber]:
    """Every client the CLI builds is a stubbed one: an unexpected call fails the test."""
    monkeypatch.setenv("CODECRAFT_LEARNER_LAB", "0")
    stubs: dict[str, Stubber] = {}

    def client(self: Clients, service: str) -> Any:
        if service not in stubs:
            real = boto3.client(service, region_name="eu-west-3", aws_access_key_id="x", aws_secret_access_key="y")
            stubs[service] = Stubber(real)
            stubs[service].activate()
        return stubs[service].client

    monkeypatch.setattr(Clients, "client", client)
    sts = client(None, "sts")  # type: ignore[arg-type]
    stubs["sts"].add_response("get_caller_identity", {"Account": "111122223333",
                                                      "Arn": "arn:aws:iam::111122223333:user/teacher"})
    assert sts
    return stubs


def run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as done:
        main(args)
    return int(done.value.code)


def test_the_aws_target_states_the_hourly_cost_and_stops_when_refused(
        stubbed_aws: dict[str, Stubber], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code = run(["--target", "aws", "--region", "eu-west-3", "setup", "workshop1"])
    err = capsys.readouterr().err
    assert code == 1 and "Not confirmed: nothing was changed." in err  # declined: not Ctrl-C's 130
    assert "Cost: about $0.047/hour while it exists" in err
    assert "RDS db.t3.micro + 20 GB gp2" in err and "VPC endpoint (secretsmanager, 2 AZ)" in err
    assert "AWS account 111122223333 (eu-west-3) (≈ $0.047/h)?" in err
    for stub in stubbed_aws.values():
        stub.assert_no_pending_responses()  # the identity was read; nothing was created


def test_without_a_terminal_the_aws_target_needs_yes(stubbed_aws: dict[str, Stubber],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["--target", "aws", "--region", "eu-west-3", "setup", "anycompany-orders"])
    err = capsys.readouterr().err
    assert code == 2 and "needs a confirmation" in err and "--yes" in err
    assert "nothing bills by the hour" in err


def test_prices() -> None:
    assert workshop_cost(load_workshop("anycompany-orders"), "us-east-1") == (0.0, [])
    cost, parts = workshop_cost(load_workshop("workshop1"), "us-east-1")
    assert cost == pytest.approx(0.017 + 20 * 0.115 / 730 + 0.02)
    assert len(parts) == 2
    far, _ = workshop_cost(load_workshop("workshop1"), "ap-southeast-2")
    assert far == pytest.approx(cost * 1.15)


def test_durations() -> None:
    assert parse_duration("90m") == 5400 and parse_duration("4h") == 14400 and parse_duration("2d") == 172800
    with pytest.raises(UserError, match="Invalid duration"):
        parse_duration("soon")


def test_rosters(tmp_path: Path) -> None:
    assert slug("Élodie Dupont") == "elodie-dupont" and slug("jean.luc@school.fr") == "jean-luc"
    assert slug("42 Zoé") == "s-42-zoe"
    roster = tmp_path / "class.csv"
    roster.write_text("name,email\nÉlodie Dupont,e@x\n\nBob,b@x\n", encoding="utf-8")
    assert read_roster(roster) == ["elodie-dupont", "bob"]
    plain = tmp_path / "plain.csv"
    plain.write_text("alice\nbob\n")
    assert read_roster(plain) == ["alice", "bob"]
    # what a French spreadsheet exports: ';' between columns, "Nom" and "Prénom" headers
    french = tmp_path / "classe.csv"
    french.write_text("Nom;Prénom;Courriel\nDupont;Anne;a@x.fr\nMartin;Anne;m@x.fr\n", encoding="utf-8")
    assert read_roster(french) == ["anne-dupont", "anne-martin"]
    broken = tmp_path / "broken.csv"
    broken.write_text('student\n"alice,1\nbob,2\n')
    with pytest.raises(UserError, match="not a readable CSV"):
        read_roster(broken)


def test_doctor_without_credentials_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = run(["--target", "aws", "--region", "us-east-1", "doctor", "--json"])
    out = capsys.readouterr().out
    assert code == 1
    assert '"check": "credentials"' in out and "aws configure" in out
