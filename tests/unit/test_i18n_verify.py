"""verify, the workshop loader, AWS errors and the emulator's hints speak French.

The log lines are as Lambda's Python runtime writes them ("AWS Lambda function errors in Python",
https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html: ``[ERROR] Type: message``,
then the traceback with ``/var/task`` frames); the AWS error is botocore's ClientError with IAM's
AccessDenied wording ("Access denied error message examples", IAM user guide). The expectations
are what a French reader expects: the French AWS console's labels (« Variables d'environnement »,
« Modifier », « Rôles »), French typography (a no-break space before « : », a narrow one before
« ; »), AWS's own codes and messages left as AWS writes them, and ``--json`` keys and cause codes
unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from codecraft_cli.i18n import current_lang, set_lang

NBSP, NNBSP = "\u00a0", "\u202f"
ROLE = "arn:aws:iam::123456789012:role/service-role/ProcessOrder-role-ab12cd34"
CONFIG = {"FunctionName": "ProcessOrder", "Role": ROLE, "Handler": "lambda_function.lambda_handler",
          "Timeout": 3, "MemorySize": 128, "Environment": {"Variables": {"TABLE": "Orders"}}}


@pytest.fixture
def french() -> Iterator[None]:
    set_lang("fr")
    yield
    set_lang("en")


def _invocation(*lines: str) -> list[str]:
    rid = "8f5e1f5c-6d3b-4a53-9d3c-2b1f0c2b7a11"
    return [f"START RequestId: {rid} Version: $LATEST", *lines, f"END RequestId: {rid}",
            f"REPORT RequestId: {rid}\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB"]


KEYERROR_ENV = ["[ERROR] KeyError: 'TABLE_NAME'", "Traceback (most recent call last):",
                '  File "/var/task/lambda_function.py", line 12, in lambda_handler',
                "    table = dynamodb.Table(os.environ['TABLE_NAME'])"]


# -- verify's diagnosis --------------------------------------------------------------------------
def test_a_missing_environment_variable_in_a_real_log_line_is_told_in_french(french: None) -> None:
    from codecraft_cli.engine.diagnosis import Function, log_cause

    found = log_cause(Function("ProcessOrder", CONFIG, _invocation(*KEYERROR_ENV)), "fr")
    assert found is not None and found.code == "missing-env-var"  # the code stays the machine's
    assert found.message == ("La fonction lit la variable d'environnement TABLE_NAME, qu'elle n'a pas "
                             "(lambda_function.py, ligne 12).")
    # the French console's path, as `show` prints it, and a no-break space before the colon
    assert found.fix.startswith(f"Lambda › ProcessOrder › Configuration › Variables d'environnement › Modifier{NBSP}:")
    assert "TABLE_NAME" in found.fix and "Environment variables" not in found.fix
    assert found.evidence == "[ERROR] KeyError: 'TABLE_NAME'"  # the evidence: the log's own words


def test_an_access_denied_log_line_names_the_role_in_the_french_console(french: None) -> None:
    from codecraft_cli.engine.diagnosis import Function, log_cause

    line = ("[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the PutItem operation: "
            "User: arn:aws:sts::123456789012:assumed-role/ProcessOrder-role-ab12cd34/ProcessOrder is not authorized "
            "to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Orders")
    found = log_cause(Function("ProcessOrder", CONFIG, _invocation(line)), "fr")
    assert found is not None and found.code == "access-denied"
    assert "n'autorise pas dynamodb:PutItem" in found.message and "ProcessOrder-role-ab12cd34" in found.message
    assert found.fix.startswith("IAM › Rôles › ProcessOrder-role-ab12cd34 › Ajouter des autorisations")
    assert "Créer une politique en ligne" in found.fix


def test_the_run_language_is_spoken_and_the_process_language_restored() -> None:
    """A run in French while the process speaks English (a caller that asks for another language):
    the causes in French, and the process's language left as it was."""
    from codecraft_cli.engine.diagnosis import Function, log_cause

    assert current_lang() == "en"
    found = log_cause(Function("ProcessOrder", CONFIG, _invocation(*KEYERROR_ENV)), "fr")
    assert found is not None and "ligne 12" in found.message
    assert current_lang() == "en"
    again = log_cause(Function("ProcessOrder", CONFIG, _invocation(*KEYERROR_ENV)), "en")
    assert again is not None and "line 12" in again.message and again.code == found.code


def test_every_cause_of_the_catalogue_has_french_text_with_french_typography(french: None) -> None:
    from codecraft_cli.engine.diagnosis_catalogue import CATALOGUE
    from codecraft_cli.engine.diagnosis_found import FOUND
    from codecraft_cli.i18n import _

    for entry in [*CATALOGUE, *FOUND.values()]:
        for key in ("message", "fix"):
            said = _(entry[key])
            assert said != entry[key], entry[key]
            prose = re.sub(r"`[^`]*`|\{[^}]*\}|https?://\S+", "", said)
            assert not re.search(r"\w ?[:;?!](\s|$)", prose), said  # "x :" and "x:" both wrong
            assert '"' not in prose, said


# -- verify's details ----------------------------------------------------------------------------
@pytest.fixture
def moto() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


def _context(lang: str) -> object:
    from codecraft_cli.aws.clients import Clients, Target
    from codecraft_cli.engine.context import DeployContext
    from codecraft_cli.workshop import load_workshop

    target = Target("aws", "us-east-1")
    return DeployContext(load_workshop("anycompany-orders"), target, Clients(target), None, lang)


def test_verify_with_nothing_built_says_so_in_french_with_the_same_json(french: None, moto: None) -> None:
    from codecraft_cli.engine.verifier import run_checks

    results = run_checks(_context("fr"), wait_seconds=0)  # type: ignore[arg-type]
    explicit = [r for r in results if r.not_run]
    assert explicit, "the explicit checks are not run when nothing exists"
    assert explicit[0].detail == f"non exécutée{NBSP}: aucune ressource de l'atelier n'existe"
    table = next(r for r in results if r.check == "orders_table")
    assert table.detail == "Orders n'existe pas" and not table.ok
    assert set(table.as_json()) >= {"step", "check", "ok", "kind", "detail"}  # the keys, as in English
    set_lang("en")
    english = run_checks(_context("en"), wait_seconds=0)  # type: ignore[arg-type]
    assert [sorted(r.as_json()) for r in english] == [sorted(r.as_json()) for r in results]
    assert [r.not_run for r in english] == [r.not_run for r in results]


def test_a_probe_detail_is_french(french: None, moto: None) -> None:
    import boto3

    from codecraft_cli.engine.probes import RunState, run_probe
    from codecraft_cli.workshop.model import CheckSpec

    boto3.client("dynamodb", region_name="us-east-1").create_table(
        TableName="Orders", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}])
    state = RunState(_context("fr"), {"orders_table": {"name": "Orders"}}, wait_seconds=0)  # type: ignore[arg-type]
    check = CheckSpec("stored", "dynamodb_item", "test", {"fr": "Stockée", "en": "Stored"},
                      {"table": "orders_table", "key": {"order_id": "A-1"}})
    ok, detail = run_probe(state, check)
    assert not ok and detail == "aucun élément {'order_id': 'A-1'} dans Orders"
    missing = CheckSpec("queued", "sqs_message", "test", {"fr": "Reçu", "en": "Received"},
                        {"queue": "processing_queue", "contains": "A-1"})
    assert run_probe(state, missing) == (False, "la file d'attente processing_queue n'existe pas")


# -- the workshop loader -------------------------------------------------------------------------
def test_an_invalid_workshop_file_lists_its_problems_in_french(french: None, tmp_path: Path) -> None:
    from codecraft_cli.errors import UserError
    from codecraft_cli.workshop.loader import load_workshop_file

    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: {en: Broken}\nsteps:\n  - id: a\n    title: A\n    console: A\n"
                    "    resources:\n      - id: t\n        type: dynamodb.tabel\n", encoding="utf-8")
    with pytest.raises(UserError) as got:
        load_workshop_file(path)
    message = got.value.message
    assert message.startswith(f"{path}{NBSP}: la définition de l'atelier n'est pas valide{NBSP}:")
    assert f"«{NBSP}title{NBSP}»{NBSP}: langue(s) manquante(s){NBSP}: fr" in message
    assert f"étape «{NBSP}a{NBSP}», ressource «{NBSP}t{NBSP}»{NBSP}: type inconnu 'dynamodb.tabel'" in message
    assert got.value.hint == f"Corrigez les champs nommés ci-dessus{NNBSP}; rien n'a été envoyé à AWS."
    assert got.value.exit_code == 2


def test_an_unknown_workshop_is_french(french: None) -> None:
    from codecraft_cli.errors import UserError
    from codecraft_cli.workshop import load_workshop

    with pytest.raises(UserError) as got:
        load_workshop("no-such-workshop")
    assert got.value.message == f"Atelier inconnu{NBSP}: 'no-such-workshop'."
    assert (got.value.hint or "").startswith(f"Ateliers connus{NBSP}: ")
    assert "anycompany-orders" in (got.value.hint or "")


def test_invalid_yaml_keeps_pyyaml_words_and_says_the_place_in_french(french: None, tmp_path: Path) -> None:
    from codecraft_cli.errors import UserError
    from codecraft_cli.workshop.loader import load_workshop_file

    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nsteps:\n  - id: a\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError) as got:
        load_workshop_file(path)
    assert re.search(rf"YAML invalide \(ligne \d+, colonne \d+\){NBSP}:", got.value.message), got.value.message


# -- AWS errors ----------------------------------------------------------------------------------
def test_access_denied_is_translated_with_its_hint_in_french(french: None) -> None:
    from codecraft_cli.aws.errors import response_error, translate

    denied = ("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:CreateTable "
              "on resource: arn:aws:dynamodb:us-east-1:123456789012:table/Orders")
    failure = translate(response_error("AccessDenied", denied, "CreateTable"), "dynamodb.create_table")
    # AWS's code and message as AWS wrote them, codecraft's words in French
    assert failure.message == f"dynamodb.create_table a échoué{NBSP}: AccessDenied{NBSP}: {denied}"
    hint = failure.hint or ""
    assert "autorisation" in hint and "`codecraft doctor`" in hint
    assert "lack" not in hint and "Run " not in hint
    assert failure.exit_code == 3


def test_no_credentials_is_french(french: None) -> None:
    from botocore.exceptions import NoCredentialsError

    from codecraft_cli.aws.errors import translate

    failure = translate(NoCredentialsError(), "sts.get_caller_identity")
    assert "aucune information d'identification AWS" in failure.message
    assert (failure.hint or "").startswith("Lancez `aws configure`")


def test_a_file_the_user_names_that_is_not_utf8_is_french(french: None, tmp_path: Path) -> None:
    from codecraft_cli.errors import UserError
    from codecraft_cli.paths import read_user_file

    path = tmp_path / "classe.csv"
    path.write_bytes("élève\n".encode("latin-1"))
    with pytest.raises(UserError) as got:
        read_user_file(path, "la liste des élèves", utf8_hint="x", missing_hint="y")
    assert got.value.message == f"{path} n'est pas du texte UTF-8 (la liste des élèves)."
    with pytest.raises(UserError) as gone:
        read_user_file(tmp_path / "absent.csv", "la liste des élèves", utf8_hint="x", missing_hint="y")
    assert gone.value.message.startswith(f"Impossible de lire la liste des élèves {tmp_path / 'absent.csv'}{NBSP}: ")


def test_the_mariadb_hint_is_french(french: None) -> None:
    from codecraft_cli.i18n import _
    from codecraft_cli.local.mysql import INSTALL_HINT

    assert _(INSTALL_HINT).startswith(f"Installez-le{NBSP}: `sudo apt-get install mariadb-server`")
