"""The ``mail`` check: an e-mail containing a text reached the emulator's local mailbox.

Params: ``contains`` (required: a text of the subject or the body); optional ``to`` (one of
its recipients), ``subject_contains``, ``kind`` (``ses``, ``sns``, ``verification``,
``confirmation``) and ``since_probe`` (only mail sent since the run's probe request: a text
that is not unique to this run). Polled for a while: SES and SNS deliver asynchronously.
On AWS the mail is in a real inbox codecraft cannot read: the check judges AWS's own evidence
instead (engine/mail_aws.py: SES's send statistics, the SNS e-mail subscription and its topic's
CloudWatch metrics) and says which inbox shows the message.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..i18n import _
from .probes import RunState, _poll, probe


def _epoch_ms(stamp: str) -> int:
    import calendar

    try:
        whole, _dot, millis = stamp.rstrip("Z").partition(".")
        return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) * 1000 + int(millis or 0)
    except ValueError:
        return 0


def matching(messages: list[dict[str, Any]], params: Mapping[str, Any], since_ms: int = 0) -> dict[str, Any] | None:
    """The newest message that the check's params describe, or None."""
    needle = str(params["contains"])
    subject_needle = params.get("subject_contains")
    for message in reversed(messages):
        if since_ms and _epoch_ms(str(message.get("time", ""))) < since_ms:
            continue
        subject, body = str(message.get("subject", "")), str(message.get("body", ""))
        if needle not in subject and needle not in body:
            continue
        if subject_needle is not None and str(subject_needle) not in subject:
            continue
        return dict(message)
    return None


@probe("mail")
def _mail(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    to = str(params["to"]) if params.get("to") else None
    kind = str(params["kind"]) if params.get("kind") else None
    needle = str(params["contains"])
    if not state.ctx.is_local:
        from .mail_aws import judge

        return judge(state, params)
    from .mail import read_at

    since = state.span("probe")[0] if params.get("since_probe") else 0
    gateway = state.ctx.gateway

    def attempt() -> tuple[bool, str]:
        found = matching(read_at(gateway, to, kind), params, since)
        if found is None:
            return False, _("no e-mail containing {needle!r} in the local mailbox{to}").format(
                needle=needle, to=_(" for {to}").format(to=to) if to else "")
        return True, _("{to} received {subject!r} ({time})").format(
            to=", ".join(found.get("to") or []), subject=found.get("subject"), time=found.get("time"))

    return _poll(state, attempt)
