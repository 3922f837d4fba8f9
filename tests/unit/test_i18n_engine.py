"""The engine speaks French: its errors and hints, doctor's findings, cost and waiting lines,
the prompts it asks the CLI to show. Expectations are written as a French reader expects them
(French typography: a no-break space before « : », a narrow one before « ; ? ! », a decimal comma,
a space between a number and its unit), not copied from the catalog.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from codecraft_cli.errors import UserError
from codecraft_cli.i18n import set_lang

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def french() -> Iterator[None]:
    set_lang("fr")
    yield
    set_lang("en")


def test_teardown_without_a_workshop_is_a_french_error_with_a_french_hint(french: None) -> None:
    from codecraft_cli.engine.lifecycle import TeardownRequest, teardown
    from codecraft_cli.engine.settings import Settings

    with pytest.raises(UserError) as got:
        teardown(Settings(), TeardownRequest(), reporter=None)  # type: ignore[arg-type]
    assert got.value.message == "Nommez l'atelier à démonter, ou passez --all ou --expired."
    hint = got.value.hint or ""
    assert hint.startswith("Par exemple `codecraft teardown anycompany-orders --yes`")
    assert f"--yes`{NNBSP};" in hint  # narrow no-break space before the semicolon
    assert "lists what is deployed" not in hint


def test_a_bad_duration_and_a_bad_step_in_french(french: None) -> None:
    from codecraft_cli.engine.lifecycle import parse_duration, steps_between
    from codecraft_cli.workshop import load_workshop

    with pytest.raises(UserError) as got:
        parse_duration("bientôt")
    assert got.value.message == "Durée 'bientôt' invalide."
    with pytest.raises(UserError) as got:
        steps_between(load_workshop("anycompany-orders"), "nope", None)
    assert got.value.message == "Étape 'nope' inconnue dans anycompany-orders."
    assert (got.value.hint or "").startswith(f"Étapes{NBSP}: ")


def test_the_same_errors_stay_english_in_english() -> None:
    from codecraft_cli.engine.lifecycle import parse_duration

    with pytest.raises(UserError) as got:
        parse_duration("soon")
    assert got.value.message == "Invalid duration 'soon'."
    assert got.value.hint == "Write it like 90m, 4h or 2d."


def test_student_name_and_region_errors_in_french(french: None) -> None:
    from codecraft_cli.engine.context import check_student
    from codecraft_cli.engine.session import check_region

    with pytest.raises(UserError) as got:
        check_student("Alice!")
    assert got.value.message == "Nom d'étudiant 'Alice!' invalide."
    assert "lettres minuscules" in (got.value.hint or "")
    with pytest.raises(UserError) as got:
        check_region("eu-west-33")
    assert got.value.message == "Région AWS 'eu-west-33' inconnue."
    # a question in French: a narrow no-break space before « ? »
    assert (got.value.hint or "").startswith(f"Vouliez-vous dire eu-west-3{NNBSP}?")


def test_doctor_findings_in_french(french: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from codecraft_cli.engine.doctor import local_findings

    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))  # no emulator running there
    found = {f.check: f for f in local_findings()}
    assert found["packages"].detail == "tous installés"
    assert found["emulator"].detail == "arrêté (les commandes le démarrent au besoin)"
    assert found["python"].fix == "Installez Python 3.11 ou plus récent."
    assert found["home"].fix.startswith("Faites pointer CODECRAFT_HOME")
    # --json keys and check codes do not change with the language
    assert set(found["packages"].as_json()) == {"check", "ok", "detail", "fix"}


def test_the_cost_line_and_the_prompt_use_a_decimal_comma_and_the_dollar_after(french: None) -> None:
    from codecraft_cli.engine.lifecycle import cost_line
    from codecraft_cli.workshop import load_workshop

    workshop = load_workshop("anycompany-orders")
    assert cost_line([workshop], "us-east-1")[1] == \
        "rien n'est facturé à l'heure (uniquement des services payés à la requête)"
    total, line = cost_line([load_workshop("workshop2")], "us-east-1", students=3)
    assert total > 0
    # 0.06 USD written as a French reader does: « 0,060 $ » (comma, no-break space, symbol after)
    price = f"{total:.3f}".replace(".", ",")
    assert line.startswith(f"environ {price}{NBSP}$/heure × 3 étudiants")
    assert "." not in price and "$0" not in line


class _Client:
    def __init__(self, failures: int) -> None:
        self.failures = failures

    def delete_thing(self, **params: Any) -> dict[str, Any]:
        if self.failures:
            self.failures -= 1
            raise ClientError({"Error": {"Code": "Busy", "Message": "still in use"}}, "DeleteThing")
        return {}


class _Ctx:
    is_local = False
    account_id = "123456789012"
    region = "eu-west-3"

    def __init__(self) -> None:
        self.thing = _Client(failures=1)

    def client(self, service: str) -> _Client:
        return self.thing

    def sleep(self, seconds: float) -> None:
        return None


def test_a_retry_line_in_french_with_a_decimal_comma_and_units(french: None) -> None:
    from codecraft_cli.aws.retry import RetryPolicy
    from codecraft_cli.engine.executor import Executor
    from codecraft_cli.resources.plan import Call

    policy = RetryPolicy("busy", ("Busy",), "", 20, 2.5, 30.0)  # 2.5 s, then 5 s..., at most 405 s
    lines: list[str] = []
    executor = Executor(_Ctx())  # type: ignore[arg-type]
    executor.notify = lines.append
    executor.run([Call("demo", "delete_thing", {}, retry=policy)])
    assert lines == [f"demo.delete_thing{NBSP}: Busy{NNBSP}; nouvel essai dans 2,5{NBSP}s "
                     f"(tentative 2/20, 7{NBSP}min au plus)"]


def test_where_a_workshop_goes_in_french(french: None) -> None:
    from codecraft_cli.engine.lifecycle import where

    class Local:
        is_local = True

    class Account:
        is_local, account_id, region = False, "111122223333", "eu-west-3"

    assert where(Local()) == "l'émulateur intégré"  # type: ignore[arg-type]
    assert where(Account()) == "le compte AWS 111122223333 (eu-west-3)"  # type: ignore[arg-type]


def test_the_grades_csv_has_french_headers_machine_values_and_the_error_in_french(french: None,
                                                                                    tmp_path: Path) -> None:
    from codecraft_cli.engine.classroom import StudentRun, write_grades
    from codecraft_cli.engine.lifecycle import parse_duration

    try:
        parse_duration("x")
    except UserError as exc:
        error = exc.message
    runs = [StudentRun("alice", score=87.5, passed=7, total=8, failed_checks=["api.route"]),
            StudentRun("bob", status="failed", error=error)]
    path = tmp_path / "grades.csv"
    write_grades(path, "anycompany-orders", runs)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    # a French teacher reads French headers; the values stay machine-readable
    assert list(rows[0])[0] == "étudiant" and "note" in list(rows[0])
    first = dict(zip(["student", "workshop", "score", "passed", "total", "failed_checks", "error"],
                     rows[0].values(), strict=True))
    assert first["score"] == "87.5" and first["failed_checks"] == "api.route"
    assert list(rows[1].values())[-1] == "Durée 'x' invalide."
    # and the roster reader takes the grades file back as a list of students
    from codecraft_cli.engine.classroom import read_roster

    assert read_roster(path) == ["alice", "bob"]


def test_roster_errors_in_french(french: None, tmp_path: Path) -> None:
    from codecraft_cli.engine.classroom import read_roster

    roster = tmp_path / "classe.csv"
    roster.write_text("étudiant\nAlice Martin\nalice martin\n", encoding="utf-8")
    with pytest.raises(UserError) as got:
        read_roster(roster)
    assert got.value.message == f"{roster}, ligne 3{NBSP}: alice-martin apparaît deux fois."


def test_a_bad_duration_is_refused_before_the_target_is_opened(french: None) -> None:
    from codecraft_cli.engine.lifecycle import SetupRequest, setup
    from codecraft_cli.engine.settings import Settings

    # an unknown target would be refused when opened: the duration is judged first (bad input,
    # exit 2, before any emulator starts or account is called)
    with pytest.raises(UserError) as got:
        setup(Settings(target="nowhere"), SetupRequest("anycompany-orders", expires="bientôt"),
              reporter=None)  # type: ignore[arg-type]
    assert got.value.message == "Durée 'bientôt' invalide."
