"""The handlers' fixes, advice and problems in French (issue 13; DESIGN.md §7-§8).

Expectations come from outside codecraft: the French AWS console's words ("Files d'attente",
"Paramètres d'exécution", "Exécution", "Tables"), French typography (a no-break space U+00A0
before ":", a narrow no-break space U+202F before ";") and French dates (15/12/2025), the Lambda
runtimes page for python3.9 (deprecated 2025-12-15, function updates blocked from 2026-07-01:
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) and the Lambda API reference
(CreateFunction: FunctionName, 1 to 64 characters).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from codecraft_cli import i18n
from codecraft_cli.i18n import set_lang
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Finding, Observed
from codecraft_cli.resources.lambda_checks import function_findings, runtime_findings
from codecraft_cli.workshop.model import ResourceSpec, resolve
from tests.resources.fakes import PLANNED, W, PlanContext

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def french() -> Iterator[None]:
    set_lang("fr")  # the process speaks French (main() sets it from --lang)
    yield
    set_lang("en")


def _queue_findings(have: dict[str, object]) -> list[Finding | str]:
    res = W.resource("processing_queue")
    handler = handler_for(res.type)
    observed = Observed(True, {"url": "https://sqs.eu-west-3.amazonaws.com/111122223333/OrderProcessingQueue",
                               "VisibilityTimeout": "60", **have}, {})
    return handler.check(PlanContext(), res, resolve(res.properties, PLANNED), observed, by_hand=True)


def test_a_fifo_queue_where_the_seed_says_standard_is_said_in_french(french: None) -> None:
    (fifo,) = [f for f in _queue_findings({"FifoQueue": "true", "Policy": json.dumps({})})
               if isinstance(f, Finding) and f.prop == "fifo"]
    assert fifo.fix == (f"SQS{NBSP}: la file doit être Standard, pas FIFO{NNBSP}; le type ne se modifie pas{NBSP}: "
                        "créer la file OrderProcessingQueue à nouveau")
    assert fifo.reason == "l'atelier demande ce type de file"


def test_the_same_finding_in_english_keeps_its_english_words() -> None:
    (fifo,) = [f for f in _queue_findings({"FifoQueue": "true"}) if isinstance(f, Finding) and f.prop == "fifo"]
    assert fifo.fix == ("SQS: the queue must be Standard, not FIFO; the type cannot change: create the queue "
                        "OrderProcessingQueue again")


def test_a_missing_table_is_created_from_the_french_consoles_page(french: None) -> None:
    res = W.resource("orders_table")
    said = handler_for(res.type).missing(PlanContext(), res, {})
    assert said == f"DynamoDB › Tables{NBSP}: créer Orders (voir le parcours de l'étape dans la console)"


def test_a_deprecated_runtime_is_advice_in_french_with_french_dates(french: None) -> None:
    (advice,) = runtime_findings(PlanContext(), "ProcessOrder", "python3.12", "python3.9", today=date(2026, 1, 10))
    assert advice.prop == "runtime_version"
    assert advice.fix == ("Lambda › Fonctions › ProcessOrder › Code › Paramètres d'exécution › Modifier"
                          f"{NBSP}: Exécution Python 3.12 (elle est Python 3.9)")
    assert advice.reason == ("Python 3.9 est obsolète depuis le 15/12/2025 (plus de correctifs de sécurité)"
                             f"{NNBSP}; AWS en bloquera la mise à jour le 01/07/2026")


def test_the_runtime_advice_in_english_keeps_iso_dates_and_the_english_console() -> None:
    (advice,) = runtime_findings(PlanContext(), "ProcessOrder", "python3.12", "python3.9", today=date(2026, 1, 10))
    assert advice.fix == ("Lambda › Functions › ProcessOrder › Code › Runtime settings › Edit: choose Python 3.12 "
                          "(it is Python 3.9)")
    assert "since 2025-12-15" in advice.reason and "on 2026-07-01" in advice.reason


def test_a_function_name_lambda_refuses_is_said_in_french_when_the_file_loads(french: None) -> None:
    name = "F" * 60  # fits Lambda's 64 alone, not with a student prefix of up to 21 characters
    problems = handler_for("lambda.function").validate(ResourceSpec("fn", "lambda.function", "step", name, {}))
    assert problems == [f"le nom Lambda {name!r} doit avoir de 1 à 43 caractères (AWS en accepte 64{NNBSP}; "
                        "codecraft peut ajouter un préfixe d'étudiant)"]


def test_console_pages_are_the_french_consoles(french: None) -> None:
    assert handler_for("sqs.queue").info.page() == "SQS › Files d'attente"
    assert handler_for("lambda.function").info.page() == "Lambda › Fonctions"
    assert handler_for("iam.role").info.page() == "IAM › Rôles"
    assert handler_for("logs.log_group").info.page() == "CloudWatch › Groupes de journaux"


def test_every_fix_and_reason_of_a_function_goes_through_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pseudo-locale wraps every catalogued text in ⟦ ⟧: a fix built outside the catalog shows."""
    monkeypatch.setattr(i18n, "_pseudo", True)
    config = {"Runtime": "python3.12", "Handler": "app.handler", "Role": "arn:aws:iam::111122223333:role/R",
              "Timeout": 10, "MemorySize": 256, "Environment": {"Variables": {"TABLE_NAME": "Orders"}}}
    have = {"Runtime": "nodejs22.x", "Handler": "index.handler", "Role": "arn:aws:iam::111122223333:role/Other",
            "Timeout": 3, "MemorySize": 128, "CodeSha256": "old="}
    found = function_findings(PlanContext(), "ProcessOrder", config, have, False, "new=", "orders")
    assert {f.prop for f in found} == {"runtime", "timeout", "memory", "environment", "handler", "code", "role"}
    for f in found:
        assert f.fix.startswith("⟦") and f.fix.endswith("⟧"), f.fix
        assert not f.reason or (f.reason.startswith("⟦") and f.reason.endswith("⟧")), f.reason


def test_french_fixes_follow_french_typography(french: None) -> None:
    config = {"Runtime": "python3.12", "Handler": "app.handler", "Role": "arn:aws:iam::111122223333:role/R",
              "Timeout": 10, "MemorySize": 256, "Environment": {"Variables": {"TABLE_NAME": "Orders"}}}
    have = {"Runtime": "python3.12", "Handler": "app.handler", "Role": "arn:aws:iam::111122223333:role/R",
            "Timeout": 3, "MemorySize": 128}
    found = function_findings(PlanContext(), "ProcessOrder", config, have, False, None, "orders")
    for f in found:
        for said in (f.fix, f.reason):
            assert " :" not in said and " ;" not in said, said  # no plain space: a no-break one
            assert ":" not in said.replace(f"{NBSP}:", ""), said
