"""The mail of the emulator, served by its gateway; :func:`install` sets it all up.

``GET /_codecraft/mail``: the mailbox as JSON (``{"messages": [...]}``); the links of its
messages: ``/_codecraft/ses/verify?token=`` (verify an SES identity),
``/_codecraft/sns/confirmation.html?TopicArn=&Token=`` (confirm an SNS subscription, as SNS's
own confirmation page) and ``/_codecraft/sns/unsubscribe?SubscriptionArn=``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from .mailbox import Mailbox, MailState, set_current, undo
from .moto_mail import patch_ses, verify_identity
from .moto_mail_sns import confirm, patch_sns, unsubscribe


def install(folder: Path) -> MailState:
    """Patch moto's SES and SNS (once per process) and start an empty mailbox in ``folder``."""
    mailbox = Mailbox(folder / "mailbox.json")
    mailbox.clear()
    state = MailState(mailbox)
    set_current(state)
    if not getattr(install, "done", False):
        patch_ses()
        patch_sns()
        install.done = True  # type: ignore[attr-defined]
    return state


def uninstall() -> None:
    """Give moto its own SES and SNS back (tests running moto in-process)."""
    undo()
    set_current(None)
    install.done = False  # type: ignore[attr-defined]


_PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
         "<body><h1>{title}</h1><p>{text}</p></body></html>")


class MailRoutes:
    """In front of the gateway: ``/_codecraft/mail`` (the mailbox as JSON) and the links of its
    messages (verify an SES identity, confirm or cancel an SNS subscription)."""

    def __init__(self, app: Any, state: MailState) -> None:
        self.app = app
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_codecraft/") or path == "/_codecraft/health":
            return self.app(environ, start_response)
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if path == "/_codecraft/mail":
            return _reply(start_response, 200, json.dumps({"messages": self.state.mailbox.messages()}),
                          "application/json")
        if path == "/_codecraft/ses/verify":
            address = verify_identity(query.get("token", ""))
            if address is None:
                return _page(start_response, 400, "Verification failed",
                             "This link is not valid (already used, or its identity was deleted).")
            return _page(start_response, 200, "Congratulations!",
                         f"You have successfully verified an email address ({address}). You can now start sending "
                         "email from this address.")
        if path == "/_codecraft/sns/confirmation.html":
            arn = confirm(query.get("TopicArn", ""), query.get("Token", ""))
            if arn is None:
                return _page(start_response, 400, "Error", "Invalid token: this subscription cannot be confirmed.")
            return _page(start_response, 200, "Subscription confirmed!",
                         f"You have successfully subscribed. Your subscription's id is: {arn}")
        if path == "/_codecraft/sns/unsubscribe":
            return self._unsubscribe(start_response, query.get("SubscriptionArn", ""))
        return self.app(environ, start_response)

    def _unsubscribe(self, start_response: Any, arn: str) -> Any:
        unsubscribe(arn)
        return _page(start_response, 200, "Subscription removed!",
                     "Your subscription has been removed; you will no longer receive notifications from this topic.")


def _page(start_response: Any, status: int, title: str, text: str) -> list[bytes]:
    from html import escape

    return _reply(start_response, status, _PAGE.format(title=escape(title), text=escape(text)), "text/html")


def _reply(start_response: Any, status: int, text: str, kind: str) -> list[bytes]:
    body = text.encode()
    start_response(f"{status} {'OK' if status == 200 else 'Bad Request'}",
                   [("Content-Type", f"{kind}; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
