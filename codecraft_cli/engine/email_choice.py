"""The e-mail address of a workshop that sends e-mail: ``setup W --email you@school.fr`` (or
``CODECRAFT_EMAIL``), then recorded in its state file like ``--runtime`` (engine/runtime_choice.py)
so that a later setup, ``verify`` and ``teardown`` use the same address.

A workshop sends e-mail when it has SES identities (``ses.identity``) or e-mail subscriptions
(``sns.subscription`` with protocol ``email``/``email-json``). Its YAML writes example.com
addresses (anycompany-challenge: orders@example.com sends, student@example.com receives): they
are the emulator's default, whose mailbox is local. Nobody can verify them on AWS, so on
``--target aws`` the address is required: every one of those addresses becomes it, in the
resources, the checks, the payloads and the click-paths. One address is enough: in the SES
sandbox "You can only send mail to verified email addresses and domains" and every "From"/
"Source" identity must be verified (SES Developer Guide, "Request production access (Moving out
of the Amazon SES sandbox)", https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html):
your own verified address is both the sender and the recipient.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import UserError
from ..i18n import _
from ..workshop.model import Workshop
from .identity import DeploymentKey
from .state import StateStore

ENV = "CODECRAFT_EMAIL"
# an address as SES accepts it for an identity (resources/ses.py's rule): local@domain.tld
_ADDRESS = re.compile(r"[^@\s<>]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_EMAIL_PROTOCOLS = ("email", "email-json")


def placeholder() -> str:
    """What ``show`` writes where the student's own address goes, when none was given."""
    return _("<your e-mail>")


def addresses(w: Workshop) -> tuple[str, ...]:
    """The addresses the workshop's e-mail resources use, as written (first seen first)."""
    found: dict[str, None] = {}
    for res in w.resources:
        value: Any = None
        if res.type == "ses.identity":
            value = res.properties.get("email")
        elif res.type == "sns.subscription" and res.properties.get("protocol") in _EMAIL_PROTOCOLS:
            value = res.properties.get("endpoint")
        if isinstance(value, str) and "${" not in value:
            found.setdefault(value)
    return tuple(found)


def sends_email(w: Workshop) -> bool:
    return bool(addresses(w))


def check_email(w: Workshop, address: str | None) -> None:
    """--email is an address (bad input otherwise), for a workshop that sends e-mail."""
    if address is None:
        return
    if not _ADDRESS.fullmatch(address) or len(address) > 320:
        raise UserError(_("{address!r} is not an e-mail address.").format(address=address),
                        hint=_("Give the address you can open, e.g. --email you@school.fr."))
    if not sends_email(w):
        raise UserError(_("{workshop} sends no e-mail: --email is for the workshops that do "
                          "(anycompany-challenge).").format(workshop=w.id),
                        hint=_("Leave --email out for {workshop}.").format(workshop=w.id))


def _swap(value: Any, pattern: re.Pattern[str], address: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda _m: address, value)
    if isinstance(value, Mapping):
        return {key: _swap(item, pattern, address) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_swap(item, pattern, address) for item in value)
    return value


@dataclass(frozen=True)
class Email:
    address: str | None  # None: the addresses the workshop writes (the emulator's example.com ones)

    def workshop(self, w: Workshop) -> Workshop:
        """The workshop with every address of its e-mail resources replaced by this one."""
        written = addresses(w)
        if not self.address or not written or written == (self.address,):
            return w
        # a whole address only: unverified@example.com is not student@example.com
        pattern = re.compile(r"(?<![\w.+-])(?:" + "|".join(re.escape(a) for a in written) + r")(?![\w-]|\.\w)")
        address = self.address

        def sub(value: Any) -> Any:
            return _swap(value, pattern, address)

        steps = tuple(replace(
            step, console=sub(step.console), pitfalls=sub(step.pitfalls),
            resources=tuple(replace(res, properties=sub(res.properties)) for res in step.resources),
            checks=tuple(replace(check, params=sub(check.params), title=sub(check.title), fix=sub(check.fix))
                         for check in step.checks)) for step in w.steps)
        return replace(w, steps=steps, payloads=sub(w.payloads))


def email_for_prerequisite(workshop_id: str, email: str | None) -> str | None:
    """A prerequisite is set up with the same address where it sends e-mail too."""
    from ..workshop import load_workshop

    return email if email and sends_email(load_workshop(workshop_id)) else None


def recorded_email(state: StateStore) -> str | None:
    value = state.data.get("email")
    return str(value) if isinstance(value, str) and value else None


def chosen_email(w: Workshop, key: DeploymentKey, asked: str | None, is_local: bool) -> Email:
    """What was asked, else what the deployment recorded, else the workshop's own on the emulator;
    on AWS a workshop that sends e-mail needs an address someone can open (bad input without)."""
    check_email(w, asked)
    if asked:
        return Email(asked)
    recorded = recorded_email(key.store()) if key.is_set_up() else None
    if recorded:
        return Email(recorded)
    if not is_local and sends_email(w):
        raise UserError(_("{workshop} sends e-mail through SES and SNS: on AWS it needs an address you can "
                          "open (the SES sandbox sends only from and to verified addresses).").format(workshop=w.id),
                        hint=_("Pass --email you@school.fr (or set CODECRAFT_EMAIL)."))
    return Email(None)


def deployed(w: Workshop, key: DeploymentKey) -> Workshop:
    """The workshop with the address its deployment on ``key`` recorded (verify, classroom)."""
    recorded = recorded_email(key.store()) if key.is_set_up() else None
    return Email(recorded).workshop(w) if recorded else w
