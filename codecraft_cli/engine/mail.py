"""The e-mail the emulator sent (SES, SNS e-mail subscriptions, verification and confirmation
messages), read from its local mailbox; ``inspect mail`` and the ``mail`` check use it.

On AWS the mail is in the real inboxes: codecraft cannot read them (exit 2, say where to look).
"""

from __future__ import annotations

from typing import Any

from ..errors import EmulatorError, UserError
from ..i18n import _
from .settings import Settings

FIELDS = ("time", "kind", "from", "to", "subject", "body", "links", "id")


def read_at(gateway: str | None, to: str | None = None, kind: str | None = None,
            limit: int | None = None) -> list[dict[str, Any]]:
    """The messages of the emulator whose gateway is ``gateway``, to ``to`` (any of its
    recipients) and of ``kind``, the newest ``limit``, oldest first."""
    from ..local.mailbox import read, select

    if not gateway:
        raise EmulatorError(_("The emulator is not running: it holds the local mailbox."),
                            hint=_("Start it with `codecraft local start` (a setup starts it too)."))
    try:
        messages = read(gateway)
    except OSError as exc:
        raise EmulatorError(_("Could not read the emulator's mailbox: {error}").format(error=exc),
                            hint=_("Is the emulator running? `codecraft local status`")) from exc
    return [{k: m.get(k) for k in FIELDS} for m in select(messages, to, kind, limit)]


def messages(settings: Settings, to: str | None = None, kind: str | None = None,
             limit: int | None = None) -> list[dict[str, Any]]:
    """The local mailbox's messages (see :func:`read_at`); on AWS, a UserError (exit 2)."""
    from .session import open_target

    if settings.target != "local":
        raise UserError(_("On AWS, e-mail is delivered to the real inboxes: codecraft cannot read them."),
                        hint=_("Open the recipient's inbox (and its spam folder); the local mailbox exists on "
                               "--target local only."))
    target = open_target(settings)
    return read_at(target.gateway, to, kind, limit)


def document(settings: Settings, to: str | None = None, limit: int | None = None) -> dict[str, Any]:
    """``inspect mail --json``: ``{"count", "to", "messages": [...]}``."""
    found = messages(settings, to, None, limit)
    return {"count": len(found), "to": to, "messages": found}
