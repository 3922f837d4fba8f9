"""Names and texts codecraft sends are checked against AWS's documented constraints when the
workshop file loads: a teacher's typo fails at once (exit 2, file, step and field named), not
halfway through a setup on AWS.

Expectations from the API references: EC2 CreateSecurityGroup (GroupName/GroupDescription: up to
255 of a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*), IAM CreateRole (RoleName: 1-64 of
[\\w+=,.@-]), Lambda CreateFunction (FunctionName: 1-64 of [a-zA-Z0-9-_]), SQS CreateQueue
(up to 80 of [a-zA-Z0-9_-]), DynamoDB CreateTable (3-255 of [a-zA-Z0-9_.-]), RDS
CreateDBInstance (1-63 letters/digits/hyphens, a letter first, no '--', no trailing hyphen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from codecraft_cli.errors import UserError
from codecraft_cli.workshop import load_workshop_file

ROOT = Path(__file__).resolve().parents[2] / "workshops"


def _load_with(tmp_path: Path, workshop: str, rid: str, change: Any) -> None:
    data = yaml.safe_load((ROOT / f"{workshop}.yaml").read_text())
    for step in data["steps"]:
        for res in step.get("resources", []):
            if res["id"] == rid:
                change(res)
    # prerequisites are found beside the file
    for other in ROOT.glob("*.yaml"):
        if other.stem != workshop:
            (tmp_path / other.name).write_text(other.read_text())
    path = tmp_path / f"{workshop}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    load_workshop_file(path)


def _refused(tmp_path: Path, workshop: str, rid: str, change: Any) -> str:
    with pytest.raises(UserError) as err:
        _load_with(tmp_path, workshop, rid, change)
    assert err.value.exit_code == 2
    return str(err.value)


def test_a_security_group_description_with_an_apostrophe_is_refused_at_load(tmp_path: Path) -> None:
    text = _refused(tmp_path, "workshop1", "lambda_sg",
                    lambda r: r["properties"].update(description="the workshop's functions"))
    assert "lambda_sg" in text and "description" in text and "apostrophe" in text


def test_an_accented_security_group_description_is_refused_at_load(tmp_path: Path) -> None:
    text = _refused(tmp_path, "workshop1", "db_sg", lambda r: r["properties"].update(description="accès MySQL"))
    assert "db_sg" in text and "description" in text


def test_a_security_group_name_starting_with_sg_is_refused(tmp_path: Path) -> None:
    assert "sg-lambda" in _refused(tmp_path, "workshop1", "lambda_sg", lambda r: r.update(name="sg-lambda"))


@pytest.mark.parametrize(("workshop", "rid", "name"), [
    ("anycompany-orders", "processing_queue", "Order Processing Queue"),     # SQS: no spaces
    ("anycompany-orders", "orders_table", "Or"),                         # DynamoDB: 3 characters at least
    ("anycompany-orders", "process_order", "ProcessOrder.v1"),          # Lambda: no dot
    ("anycompany-orders", "role", "Process Order Role"),  # IAM: no spaces
    ("workshop1", "db", "projet--db"),                                   # RDS: no two hyphens
    ("workshop1", "db", "1projets"),                                     # RDS: a letter first
])
def test_names_aws_refuses_are_refused_at_load(tmp_path: Path, workshop: str, rid: str, name: str) -> None:
    assert name in _refused(tmp_path, workshop, rid, lambda r: r.update(name=name))


def test_a_name_too_long_once_a_student_prefix_is_added_is_refused(tmp_path: Path) -> None:
    # a function name of 60 characters fits Lambda's 64 alone, not with "<student>-" before it
    text = _refused(tmp_path, "anycompany-orders", "process_order", lambda r: r.update(name="P" * 60))
    assert "student prefix" in text


def test_the_catalogue_names_and_texts_are_accepted() -> None:
    loaded = [load_workshop_file(path).id for path in sorted(ROOT.glob("*.yaml"))]  # UserError if refused
    assert len(loaded) == 8  # the six, anycompany-challenge and workshop4 (issue 15)
