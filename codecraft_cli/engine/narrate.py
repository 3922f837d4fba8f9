"""What each step will call, computed offline from the handlers' own plans (no AWS, no build).

``show`` uses it to print, under each console click-path, the API calls codecraft makes for
that step: the same plans the executor runs, for resources that do not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.packaging import Artifact
from ..i18n import _
from ..resources import handler_for
from ..resources.base import Call, Observed, Step, Wait
from ..workshop.model import REF_RE, Workshop


@dataclass
class OfflineContext:
    """A context for narrating plans: placeholder account, no client, no build."""

    region: str = "<region>"
    is_local: bool = False
    student: str | None = None
    gateway: str | None = None
    account_id: str = "<account>"
    lab_role_arn: str | None = None
    lang: str = "en"
    found: dict[str, str] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        raise RuntimeError("narration makes no AWS call")

    def physical_name(self, base: str) -> str:
        return base

    @property
    def tags(self) -> dict[str, str]:
        return {"codecraft:workshop": "<workshop>", "codecraft:student": "-", "codecraft:deployment": "<id>"}

    @property
    def identity_tags(self) -> dict[str, str]:
        return self.tags

    def artifact(self, source: str) -> Artifact:
        return Artifact(source, Path(f"lambda_src/{source}.zip"), b"", "<sha256>", built=False)


def step_calls(workshop: Workshop) -> dict[str, list[str]]:
    """step id -> the calls codecraft makes for it (short form), in plan order."""
    ctx = OfflineContext()
    out: dict[str, list[str]] = {step.id: [] for step in workshop.steps}
    for res in workshop.resources:
        handler = handler_for(res.type)
        try:
            calls = handler.plan(ctx, res, _as_text(res.properties), Observed(False, {"resources": {}}))
        except Exception:  # a handler that needs to look first: name its type instead
            calls = [Call(handler.info.service, f"<{res.type}>")]
        out[res.step] += [short(call) for call in calls]
    return out


def _as_text(value: Any) -> Any:
    """References as their text (``<role.arn>``): a plan can be shown before anything exists."""
    if isinstance(value, str):
        return REF_RE.sub(lambda m: f"<{(m.group(1) + ':') if m.group(1) else ''}{m.group(2)}.{m.group(3)}>", value)
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value


def short(call: Step, keys: int = 2) -> str:
    """``sqs.create_queue(QueueName=OrderProcessingQueue, ...)``: the call and its first keys."""
    shown = []
    for key, value in list(call.params.items())[:keys]:
        text = str(value) if not isinstance(value, bytes) else "<zip>"
        shown.append(f"{key}={text if len(text) <= 40 else text[:37] + '...'}")
    more = ", ..." if len(call.params) > keys else ""
    wait = " " + _("(wait)") if isinstance(call, Wait) else ""
    return f"{call.service}.{call.action}{wait}({', '.join(shown)}{more})"
