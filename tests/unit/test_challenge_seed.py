"""anycompany-challenge judges seed 004's part 5 (issue 15, item 3).

Expectations from the seed text in /work/shared/seeds (parsed here, not copied): 5.1's two
improvements (DynamoDB Streams, S3 Glacier after 6 months) and 5.2's challenge (an order
confirmation by e-mail through SES) are the base rubric; the "Bonus" lines and the assessment
table's "Notification reçue par e-mail/SMS" are bonus points.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codecraft_cli.workshop.loader import load_workshop
from codecraft_cli.workshop.model import Workshop

SEEDS = Path("/work/shared/seeds")


def _plain(text: str) -> str:
    return re.sub(r"\*\*|✅|🔹|🚀", "", text).replace("\u00a0", " ").replace("\u202f", " ").strip()


@pytest.fixture(scope="module")
def workshop() -> Workshop:
    return load_workshop("anycompany-challenge")


@pytest.fixture(scope="module")
def part5(workshop: Workshop) -> str:
    path = SEEDS / str(workshop.seed)
    if not path.exists():
        pytest.skip("seed 004 not available on this machine")
    text = path.read_text(encoding="utf-8")
    return text.split("Partie 5", 1)[1].split("Évaluation Finale", 1)[0]


def improvements(part5: str) -> dict[str, str]:
    """5.1's lines "✅ **Performance** : Activer ..." as {"Performance": "Activer ..."}."""
    found = {}
    for line in part5.splitlines():
        m = re.match(r"✅\s*\*\*(\w+)\*\*\s*:\s*(.+)", line.strip())
        if m:
            found[m.group(1)] = _plain(m.group(2)).rstrip(".")
    return found


def bonus_lines(part5: str) -> list[str]:
    tail = part5.split("Bonus", 1)[1]
    return [_plain(line.strip()[1:]) for line in tail.splitlines() if line.strip().startswith("- ")]


def criteria(workshop: Workshop, bonus: bool) -> list[str]:
    return [_plain(item.criterion["fr"]) for item in workshop.rubric if item.bonus == bonus]


def test_it_requires_anycompany_orders_and_names_seed_004(workshop: Workshop) -> None:
    assert workshop.requires == ("anycompany-orders",)
    assert workshop.seed == load_workshop("anycompany-orders").seed


def test_the_base_items_are_5_1s_streams_and_glacier_and_5_2s_ses_challenge(workshop: Workshop, part5: str) -> None:
    found = improvements(part5)
    challenge = _plain(re.search(r"Défi\*\*\s*:\s*(.+)", part5).group(1)).rstrip(".")  # type: ignore[union-attr]
    assert "DynamoDB Streams" in found["Performance"] and "S3 Glacier" in found["Coût"]
    base = criteria(workshop, bonus=False)
    assert f"Performance : {found['Performance']}" in base
    assert f"Coût : {found['Coût']}" in base
    assert f"Défi : {challenge}" in base and "SES" in challenge
    assert sum(item.points for item in workshop.rubric if not item.bonus) == 100
    # 5.1's security line (an IAM role) is anycompany-orders' least-privilege role: not repeated here
    assert not any(c.startswith("Sécurité") for c in base)


def test_the_bonus_lines_and_the_e_mail_notification_are_bonus_points(workshop: Workshop, part5: str) -> None:
    lines = bonus_lines(part5)
    assert "Modifier Lambda pour appeler SES." in lines
    bonus = criteria(workshop, bonus=True)
    for line in lines[:2]:  # "Tester le système de bout en bout": the test step itself, in every item
        assert f"Bonus : {line.rstrip('.')}" in bonus
    assert "SNS envoie les notifications : Notification reçue par e-mail/SMS" in bonus
    assert all(item.points > 0 for item in workshop.rubric if item.bonus)


def test_glacier_after_6_months_is_180_days_on_the_archive(workshop: Workshop, part5: str) -> None:
    assert "après 6 mois" in improvements(part5)["Coût"]
    (bucket,) = [r for r in workshop.resources if r.type == "s3.bucket"]
    assert bucket.properties["glacier_after_days"] == 180 and "glacier_after_days" in (bucket.seed or ())


def test_the_stream_is_on_anycompany_orders_table_and_triggers_both_functions(workshop: Workshop) -> None:
    (stream,) = [r for r in workshop.resources if r.type == "dynamodb.table_stream"]
    assert stream.properties["table"] == "${anycompany-orders:orders_table.name}"
    triggers = [r for r in workshop.resources if r.type == "lambda.event_source_mapping"]
    assert {t.properties["source"] for t in triggers} == {"${%s.stream_arn}" % stream.id}
    assert len(triggers) == 2


def test_ses_sandbox_sender_and_recipient_are_verified_identities(workshop: Workshop) -> None:
    emails = {r.properties["email"] for r in workshop.resources if r.type == "ses.identity"}
    assert emails == {"orders@example.com", "student@example.com"}
    (sub,) = [r for r in workshop.resources if r.type == "sns.subscription"]
    assert sub.properties["protocol"] == "email" and sub.properties["endpoint"] in emails
    assert sub.properties["topic"] == "${anycompany-orders:notifications.arn}"
    mails = [c for c in workshop.checks if c.type == "mail"]
    assert {c.params["kind"] for c in mails} == {"ses", "sns"}
    assert all(c.params["contains"] == "{probe}" for c in mails)
