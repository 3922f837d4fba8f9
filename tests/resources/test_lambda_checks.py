"""lambda.function judged as a teacher would (resources/lambda_checks.py): a function built in the
console as seed 004 says passes what the seed prescribes (its name, Python) and gets codecraft's
choices as advice; a genuine difference from the seed fails.

Expectations come from the seed (004: "Créer une nouvelle fonction ProcessOrder", "Choisir Python
3.9", code reading DYNAMODB_TABLE and SNS_TOPIC), from the Lambda console's defaults (handler
lambda_function.lambda_handler, 3 s, 128 MB, role <function>-role-<random> under /service-role/)
and from the Lambda runtimes page (python3.9 deprecated 2025-12-15, updates blocked from
2026-07-01; python3.11 deprecated 2026-06-30, updates blocked from 2026-08-31).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Finding, Observed
from codecraft_cli.resources.lambda_checks import family, label, runtime_findings
from codecraft_cli.workshop.model import resolve

from .fakes import PLANNED, TOPIC, W, PlanContext

RES = W.resource("process_order")
HANDLER = handler_for(RES.type)
PROPS = resolve(RES.properties, PLANNED)


@dataclass
class FrContext(PlanContext):
    lang: str = "fr"


def _console(**over: Any) -> dict[str, Any]:
    """ProcessOrder as the Lambda console makes it, following seed 004 (runtime: a supported Python)."""
    have = {"Runtime": "python3.13", "Handler": "lambda_function.lambda_handler",
            "Role": "arn:aws:iam::111122223333:role/service-role/ProcessOrder-role-k2x9x1ab",
            "Timeout": 3, "MemorySize": 128, "CodeSha256": "student-code=",
            "Environment": {"Variables": {"DYNAMODB_TABLE": "Orders", "SNS_TOPIC": TOPIC}},
            "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}
    return {**have, **over}


def _judge(have: dict[str, Any], ctx: PlanContext | None = None) -> tuple[list[Finding | str], list[Finding | str]]:
    """(failures, advice) of the function as observed, built by hand."""
    found = HANDLER.check(ctx or PlanContext(), RES, PROPS, Observed(True, have, {}), by_hand=True)
    return ([f for f in found if HANDLER.requires(RES, f)], [f for f in found if not HANDLER.requires(RES, f)])


def test_the_seeds_function_built_in_the_console_passes_with_codecraft_choices_as_advice() -> None:
    failures, advice = _judge(_console())
    assert failures == []
    # the console's 3 s: advice with its reason; the seed's variable names hold the right values: nothing
    assert [f.prop for f in advice if isinstance(f, Finding)] == ["timeout"]
    (timeout,) = advice
    assert isinstance(timeout, Finding) and "10 s" in timeout.fix and timeout.reason


def test_handler_file_role_and_code_of_the_student_are_not_even_advice() -> None:
    _, advice = _judge(_console())
    assert not {"handler", "role", "code"} & {f.prop for f in advice if isinstance(f, Finding)}


def test_variables_the_function_does_not_have_are_advice_not_failures() -> None:
    """The seed's code may read other names: whether it finds the table shows in the behaviour."""
    failures, advice = _judge(_console(Environment={"Variables": {}}))
    assert failures == []
    env = [f for f in advice if isinstance(f, Finding) and f.prop == "environment"]
    assert len(env) == 2 and "TABLE_NAME = Orders" in env[0].fix and env[0].reason


def test_a_longer_timeout_and_more_memory_by_hand_are_fine() -> None:
    failures, advice = _judge(_console(Timeout=30, MemorySize=512))
    assert failures == [] and advice == []


def test_nodejs_when_the_seed_says_python_fails_on_the_runtime() -> None:
    failures, _ = _judge(_console(Runtime="nodejs22.x"))
    assert [f.prop for f in failures if isinstance(f, Finding)] == ["runtime"]
    assert "Python 3.12" in failures[0].fix and "Node.js 22.x" in failures[0].fix  # type: ignore[union-attr]


def test_any_supported_python_3_is_accepted() -> None:
    for runtime in ("python3.12", "python3.13", "python3.14"):
        assert runtime_findings(PlanContext(), "ProcessOrder", "python3.12", runtime, today=date(2026, 11, 29)) == []


def test_python39_as_the_seed_says_fails_once_aws_blocks_its_updates() -> None:
    """AWS blocks updating a python3.9 function from 2026-07-01: its code can no longer be fixed."""
    (before,) = runtime_findings(PlanContext(), "ProcessOrder", "python3.12", "python3.9", today=date(2026, 1, 10))
    assert before.prop == "runtime_version"  # deprecated: advice while it can still be updated
    (after,) = runtime_findings(PlanContext(), "ProcessOrder", "python3.12", "python3.9", today=date(2026, 11, 29))
    assert after.prop == "runtime" and "2026-07-01" in after.reason


def test_an_older_supported_python_is_advice() -> None:
    (older,) = runtime_findings(PlanContext(), "F", "python3.13", "python3.12", today=date(2026, 11, 29))
    assert older.prop == "runtime_version" and HANDLER.requires(RES, older) is False


def test_runtime_families_and_console_labels() -> None:
    assert [family(r) for r in ("python3.12", "nodejs22.x", "dotnetcore3.1", "provided.al2023")] == [
        "python", "nodejs", "dotnet", "provided"]
    assert label("python3.12") == "Python 3.12" and label("nodejs22.x") == "Node.js 22.x"


def test_fixes_in_french_use_the_french_consoles_words(request: pytest.FixtureRequest) -> None:
    from codecraft_cli.i18n import set_lang

    set_lang("fr")  # the process speaks French (main() sets it from --lang)
    request.addfinalizer(lambda: set_lang("en"))
    failures, advice = _judge(_console(Runtime="nodejs22.x"), FrContext())
    assert "Paramètres d'exécution" in failures[0].fix  # type: ignore[union-attr]
    (timeout,) = advice
    assert isinstance(timeout, Finding)
    assert timeout.fix.startswith("Lambda › Fonctions › ProcessOrder › Configuration › Configuration générale › Modifier")
    assert "Délai d'expiration 10 s" in timeout.fix


def test_the_seed_of_a_workshop_can_leave_the_runtime_open() -> None:
    """Seeds 000 and 003: "Python 3.x ou Node.js": their YAML's ``seed:`` leaves the runtime out."""
    from dataclasses import replace

    open_runtime = replace(RES, seed=("name",))
    found = HANDLER.check(PlanContext(), open_runtime, PROPS, Observed(True, _console(Runtime="nodejs22.x"), {}),
                          by_hand=True)
    assert not any(HANDLER.requires(open_runtime, f) for f in found)


def test_codecraft_own_function_must_match_in_every_point() -> None:
    from pathlib import Path

    from codecraft_cli.engine.packaging import Artifact

    ctx = PlanContext(artifacts={"process_order": Artifact("process_order", Path("/x.zip"), b"PK", "abc=", built=False)})
    ours = {"CodeSha256": "abc=", "Runtime": "python3.12", "Handler": "app.lambda_handler",
            "Role": PLANNED["role"]["arn"], "Timeout": 10, "MemorySize": 128,
            "Environment": {"Variables": {"TABLE_NAME": "Orders", "TOPIC_ARN": TOPIC}}}
    assert HANDLER.check(ctx, RES, PROPS, Observed(True, ours, {}), by_hand=False) == []
    drifted = HANDLER.check(ctx, RES, PROPS, Observed(True, _console(), {}), by_hand=False)
    assert {f.prop for f in drifted if isinstance(f, Finding)} == {"timeout", "environment", "handler", "code", "role"}
