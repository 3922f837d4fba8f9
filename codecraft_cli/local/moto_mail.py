"""E-mail on the emulator: SES in its sandbox and SNS e-mail subscriptions, into the local mailbox.

moto records SES mail and ignores SNS's e-mail protocol; AWS delivers both to an inbox. Here:

- SES identities (VerifyEmailIdentity, VerifyEmailAddress, SES v2 CreateEmailIdentity) of an
  e-mail address start ``Pending`` and a verification e-mail with a link lands in the mailbox;
  following the link makes the identity ``Success`` ("Creating an email address identity",
  SES Developer Guide). A domain identity is verified at once (no DNS here).
- Sending (SendEmail, SendTemplatedEmail, SendRawEmail, SES v2 SendEmail) applies the sandbox:
  the sender AND every recipient must be verified identities (or the mailbox simulator's
  addresses), else ``MessageRejected`` "Email address is not verified. The following identities
  failed the check in region US-EAST-1: ..." (SES Developer Guide, "Request production access
  (Moving out of the Amazon SES sandbox)"; re:Post "ses-554-400-message-rejected-error").
  What is sent lands in the mailbox (kind ``ses``).
- SNS ``email``/``email-json`` subscriptions are ``PendingConfirmation`` (listed with that
  SubscriptionArn; Subscribe answers "pending confirmation" unless ReturnSubscriptionArn) and a
  confirmation e-mail carries the link; the link, or ConfirmSubscription with its token,
  confirms it (SNS API reference: Subscribe, ConfirmSubscription). Each publish then reaches
  every confirmed e-mail subscription (filter policy and message structure applied), in SNS's
  e-mail format; a pending one receives nothing.

The SNS side is :mod:`.moto_mail_sns`; the gateway serves the mailbox and the links
(:mod:`.mail_routes`). moto is imported inside
functions only (see :mod:`.moto_adapter`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from email.utils import getaddresses, parseaddr
from typing import Any
from urllib.parse import urlencode

from .mailbox import current, patch

SIMULATOR = "@simulator.amazonses.com"  # the SES mailbox simulator: allowed in the sandbox


# -- SES -------------------------------------------------------------------------------------
def _region_name(region: str) -> str:
    names = {"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)", "eu-west-1": "Europe (Ireland)",
             "eu-west-3": "Europe (Paris)", "eu-central-1": "Europe (Frankfurt)"}
    return names.get(region, region)


def _send_verification(account: str, region: str, address: str) -> None:
    state = current()
    token = secrets.token_urlsafe(24)
    state.ses_tokens[token] = (account, region, address)
    link = f"{state.base}/_codecraft/ses/verify?{urlencode({'token': token})}"
    body = ("Dear Amazon Web Services Customer,\n\n"
            "We have received a request to authorize this email address for use with Amazon SES and Amazon "
            f"Pinpoint in region {_region_name(region)}. If you requested this verification, please go to the "
            "following URL to confirm that you are authorized to use this email address:\n\n"
            f"{link}\n\n"
            "Your request will not be processed unless you confirm the address using this URL. This link "
            "expires 24 hours after your original verification request.\n\n"
            "If you did NOT request to verify this email address, do not click on the link.\n\n"
            "Sincerely,\n\nThe Amazon Web Services Team.")
    state.mailbox.add("verification", "Amazon Web Services <no-reply-aws@amazon.com>", [address],
                      f"Amazon Web Services – Email Address Verification Request in region {_region_name(region)}",
                      body, [link])


def _set_status(identity: Any, verified: bool) -> None:
    identity.verification_status = "SUCCESS" if verified else "PENDING"  # SES v2's words
    identity.verified_for_sending_status = verified


def verify_identity(token: str) -> str | None:
    """Follow a verification link: the identity it names is verified (its address), or None."""
    from moto.ses.models import ses_backends

    found = current().ses_tokens.pop(token, None)
    if found is None:
        return None
    account, region, address = found
    identity = ses_backends[account][region].email_identities.get(address)
    if identity is None:
        return None
    _set_status(identity, True)
    return address


def _verified(backend: Any, address: str) -> bool:
    _, address = parseaddr(address)
    if address.lower().endswith(SIMULATOR):
        return True
    identities = backend.email_identities
    for name in (address, address.split("@", 1)[-1]):
        identity = identities.get(name)
        if identity is not None and identity.verification_status == "SUCCESS":
            return True
    return False


def _sandbox(backend: Any, source: str | None, recipients: Iterable[str]) -> None:
    """MessageRejected unless the sender and every recipient are verified (the sandbox)."""
    from moto.ses.exceptions import MessageRejectedError

    failed: list[str] = []
    for address in [source or "", *recipients]:
        plain = parseaddr(address)[1]
        if plain and plain not in failed and not _verified(backend, plain):
            failed.append(plain)
    if failed:
        raise MessageRejectedError("Email address is not verified. The following identities failed the check in "
                                   f"region {backend.region_name.upper()}: {', '.join(failed)}")


def _deliver_ses(source: str, recipients: list[str], subject: str, body: str) -> None:
    to = [parseaddr(a)[1] for a in recipients if parseaddr(a)[1]]
    current().mailbox.add("ses", source, to, subject, body)


def _all(destinations: dict[str, list[str]] | None) -> list[str]:
    return [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in (destinations or {}).get(key, [])]


def mime_text(raw: str) -> tuple[str, str, list[str], str]:
    """(subject, from, to/cc/bcc addresses, text) of a MIME message: its text/plain part, else its
    first text part."""
    import email
    from email import policy

    message = email.message_from_string(raw, policy=policy.default)
    part = message.get_body(preferencelist=("plain", "html"))
    text = part.get_content() if part is not None else str(message.get_payload())
    headers = [str(message[h]) for h in ("To", "Cc", "Bcc") if message[h]]
    return (str(message["Subject"] or ""), str(message["From"] or ""),
            [addr for _, addr in getaddresses(headers) if addr], str(text))


def patch_ses() -> None:
    from moto.ses.models import SESBackend

    create = SESBackend.create_email_identity_v2
    verify = SESBackend.verify_email_identity
    send_email = SESBackend.send_email
    send_templated = SESBackend.send_templated_email
    send_raw = SESBackend.send_raw_email

    def create_identity(self: Any, email_identity: str, *args: Any, **kwargs: Any) -> Any:
        identity = create(self, email_identity, *args, **kwargs)
        if "@" in email_identity:
            _set_status(identity, False)
            _send_verification(self.account_id, self.region_name, email_identity)
        else:
            _set_status(identity, True)
        return identity

    def verify_again(self: Any, address: str) -> None:
        """VerifyEmailIdentity on a pending address sends the verification e-mail again."""
        plain = parseaddr(address)[1]
        pending = plain in self.email_identities and self.email_identities[plain].verification_status != "SUCCESS"
        verify(self, address)
        if pending:
            _send_verification(self.account_id, self.region_name, plain)

    def verification_attributes(self: Any, identities: list[str] | None = None) -> dict[str, dict[str, str]]:
        """GetIdentityVerificationAttributes: Pending until the link is followed, then Success."""
        found = {}
        for name in identities or []:
            identity = self.email_identities.get(name)
            if identity is not None:
                found[name] = {"VerificationStatus": "Success" if identity.verification_status == "SUCCESS"
                               else "Pending"}
        return found

    def sent_email(self: Any, source: str, subject: str, body: str, destinations: dict[str, list[str]]) -> Any:
        _sandbox(self, source, _all(destinations))
        message = send_email(self, source, subject, body, destinations)
        _deliver_ses(source, _all(destinations), subject, body)
        return message

    def sent_templated(self: Any, source: str, template: str, template_data: str,
                       destinations: dict[str, list[str]]) -> Any:
        _sandbox(self, source, _all(destinations))
        message = send_templated(self, source, template, template_data, destinations)
        rendered = self.render_template({"name": template, "data": template_data})
        subject, _sender, _to, text = mime_text(rendered)
        _deliver_ses(source, _all(destinations), subject, text)
        return message

    def sent_raw(self: Any, source: str | None, destinations: list[str], raw_data: str) -> Any:
        subject, sender, headers_to, text = mime_text(raw_data)
        _sandbox(self, source or sender, [*destinations, *headers_to])
        message = send_raw(self, source, list(destinations), raw_data)  # type: ignore[arg-type]  # None: From
        _deliver_ses(source or sender, list(dict.fromkeys([*destinations, *headers_to])), subject, text)
        return message

    patch(SESBackend, "create_email_identity_v2", create_identity)
    patch(SESBackend, "verify_email_identity", verify_again)
    patch(SESBackend, "verify_email_address", verify_again)
    patch(SESBackend, "get_identity_verification_attributes", verification_attributes)
    patch(SESBackend, "_is_verified_address", lambda self, source: _verified(self, source))
    patch(SESBackend, "send_email", sent_email)
    patch(SESBackend, "send_templated_email", sent_templated)
    patch(SESBackend, "send_raw_email", sent_raw)


