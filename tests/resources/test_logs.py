"""logs.log_group judged as a teacher would: the group Lambda creates itself on the first run
(no tags, no retention: "Never expire", CloudWatch Logs User Guide, "Change log data retention")
is the console's way and passes; codecraft's retention period is advice."""

from __future__ import annotations

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Finding, Observed

from .fakes import PlanContext, W


def test_the_group_lambda_created_passes_with_retention_advice() -> None:
    res = W.resource("logs")
    handler = handler_for(res.type)
    (advice,) = handler.check(PlanContext(), res, dict(res.properties), Observed(True, {"retention_days": None}, {}),
                              by_hand=True)
    assert isinstance(advice, Finding) and advice.prop == "retention_days" and "7 days" in advice.fix
    assert advice.reason and not handler.requires(res, advice)
    assert handler.check(PlanContext(), res, dict(res.properties), Observed(True, {"retention_days": 7}, {})) == []


def test_nothing_about_a_log_group_is_prescribed_by_default() -> None:
    from codecraft_cli.resources.logs import LogGroup

    assert LogGroup.prescribed == ()


def test_the_group_of_a_function_found_through_the_links() -> None:
    from dataclasses import dataclass, field

    @dataclass
    class Found(PlanContext):
        found: dict[str, str] = field(default_factory=lambda: {"logs": "/aws/lambda/StudentFn"})

    assert handler_for("logs.log_group").name(Found(), W.resource("logs")) == "/aws/lambda/StudentFn"
