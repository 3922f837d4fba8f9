"""The local mailbox: every e-mail the emulator "sends" lands here instead of an inbox.

SES (SendEmail, SendRawEmail, SendTemplatedEmail, SES v2 SendEmail), SES's identity
verification e-mails and SNS's e-mail subscriptions (their confirmation e-mails and each
notification) write one message each, kept as JSON under the emulator's home
(``local/mail/mailbox.json``). Each message::

    {"id", "time" (UTC ISO 8601), "from", "to" (list of addresses), "subject", "body",
     "kind": "ses" | "sns" | "verification" | "confirmation", "links": [urls to follow]}

The emulator serves it over HTTP on its gateway (``GET /_codecraft/mail``, see
:mod:`.moto_mail`); :func:`read` and :func:`follow` are the client side, used by the CLI
(``inspect mail``, the ``mail`` check) and by setup to click a link as the user would.
A new emulator starts with an empty mailbox, as its AWS resources start empty.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

KINDS = ("ses", "sns", "verification", "confirmation")
MAX_MESSAGES = 2000  # the oldest go first beyond this


class Mailbox:
    """A JSON file of messages, written by the emulator's threads one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._write([])

    def add(self, kind: str, sender: str, to: list[str], subject: str, body: str,
            links: list[str] | None = None) -> dict[str, Any]:
        now = time.time()
        message = {"id": uuid.uuid4().hex, "kind": kind,
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z",
                   "from": sender, "to": list(to), "subject": subject, "body": body, "links": list(links or [])}
        with self._lock:
            messages = self._read()
            messages.append(message)
            self._write(messages[-MAX_MESSAGES:])
        return message

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return self._read()

    def _read(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, json.JSONDecodeError):
            return []
        return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []

    def _write(self, messages: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(messages, ensure_ascii=False, indent=1))
        os.replace(tmp, self.path)


def select(messages: list[dict[str, Any]], to: str | None = None, kind: str | None = None,
           limit: int | None = None) -> list[dict[str, Any]]:
    """The messages to ``to`` (an address, case-insensitive) of ``kind``, the newest ``limit`` ones,
    oldest first."""
    chosen = [m for m in messages
              if (to is None or to.strip().lower() in [str(a).lower() for a in m.get("to", [])])
              and (kind is None or m.get("kind") == kind)]
    return chosen[-limit:] if limit else chosen


class MailState:
    """The emulator's mail state: the mailbox, the gateway's URL (the links' base), the tokens
    of the links not yet followed."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.base = "http://127.0.0.1"  # the gateway's URL, set once it listens
        self.ses_tokens: dict[str, tuple[str, str, str]] = {}  # token -> (account, region, identity)
        self.sns_tokens: dict[str, str] = {}  # token -> subscription ARN


_CURRENT: list[MailState] = []  # the emulator's (one per process), set by mail_routes.install


def current() -> MailState:
    if not _CURRENT:
        raise RuntimeError("the emulator's mail is not installed (mail_routes.install)")
    return _CURRENT[-1]


def set_current(state: MailState | None) -> None:
    _CURRENT.clear()
    if state is not None:
        _CURRENT.append(state)


_ABSENT = object()
_ORIGINALS: list[tuple[Any, str, Any]] = []  # (class, attribute, moto's value): what undo() restores


def patch(cls: Any, name: str, value: Any) -> None:
    """Replace a class attribute of moto's, remembering moto's own for :func:`undo`."""
    _ORIGINALS.append((cls, name, cls.__dict__.get(name, _ABSENT)))
    setattr(cls, name, value)


def undo() -> None:
    while _ORIGINALS:
        cls, name, value = _ORIGINALS.pop()
        if value is _ABSENT:
            delattr(cls, name)
        else:
            setattr(cls, name, value)


# -- the client side: the emulator's gateway URL (``Target.gateway``) ---------------------------
def read(gateway: str, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Every message of the running emulator's mailbox, oldest first."""
    import urllib.request

    with urllib.request.urlopen(gateway.rstrip("/") + "/_codecraft/mail", timeout=timeout) as response:
        data = json.loads(response.read())
    return [m for m in data.get("messages", []) if isinstance(m, dict)]


def follow(url: str, timeout: float = 10.0) -> tuple[int, str]:
    """Open a link of a message as a browser would (GET): (status, page text)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8", "replace")
