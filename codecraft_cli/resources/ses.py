"""Amazon SES e-mail address identities (SES v2 API).

In the SES sandbox, where every new account starts, mail is sent only from AND to verified
identities ("Request production access (Moving out of the Amazon SES sandbox)", SES Developer
Guide). An e-mail address identity is verified by following the link of the verification e-mail
SES sends to it ("Creating an email address identity"): until then its status is Pending.

Setup creates the identity; on the local target it then follows the verification link from
the emulator's mailbox, as the teacher clicks it in the inbox; on AWS it waits (with the SES
waiter ``identity_exists``) for the teacher to click the link in the real inbox.

YAML::

    - id: sender
      type: ses.identity
      properties:
        email: orders@example.com
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, Tagged, Text, TypeInfo, Wait, register,
                   tag_list, tags_from_list)
from .teaching import finding

_GONE = ("NotFoundException",)
# an address as SES accepts it as an identity (local@domain, no display name)
_EMAIL = Text(r"[^@\s<>]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", 320, N_("an e-mail address such as orders@example.com"))


@register
class EmailIdentity(Handler):
    info = TypeInfo("ses.identity", "sesv2", N_("Amazon SES › Configuration › Identities"), named=False,
                    gone=_GONE, sweep_rank=65, id_output="email")
    schema = {"email": Prop(str, required=True, text=_EMAIL)}
    outputs = ("email", "arn")
    # seed 004: "Configurer SES en mode sandbox et tester avec une adresse e-mail validée"
    prescribed = ("*",)
    permissions = ("ses:CreateEmailIdentity", "ses:GetEmailIdentity", "ses:DeleteEmailIdentity",
                   "ses:ListEmailIdentities", "ses:TagResource", "ses:ListTagsForResource",
                   "ses:VerifyEmailIdentity", "ses:GetIdentityVerificationAttributes")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return str(props.get("email") or res.properties.get("email") or res.id)

    def validate(self, res: ResourceSpec) -> list[str]:
        email = str(res.properties.get("email", ""))
        if not email or "${" in email:
            return []
        problem = _EMAIL.problem(_("SES identity"), email)
        return [problem] if problem else []

    def _arn(self, ctx: Context, email: str) -> str:
        return f"arn:aws:ses:{ctx.region}:{ctx.account_id}:identity/{email}"

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        email = str(props["email"])
        got = self.fetch(lambda: ctx.client("sesv2").get_email_identity(EmailIdentity=email))
        if got is None:
            return Observed(False)
        verified = got.get("VerificationStatus") == "SUCCESS" or bool(got.get("VerifiedForSendingStatus"))
        return Observed(True, {"verified": verified}, tags_from_list(got.get("Tags")))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        email = str(props["email"])
        steps: list[Step] = []
        if not observed.exists:
            steps.append(Call("sesv2", "create_email_identity", {"EmailIdentity": email, "Tags": tag_list(ctx.tags)},
                              output="created", records=True))
        elif not observed.attrs.get("verified"):  # a new verification e-mail (the console's "Resend")
            steps.append(Call("ses", "verify_email_identity", {"EmailAddress": email}, output="resent"))
        if steps and not ctx.is_local:
            # the teacher clicks the link in the real inbox: GetIdentityVerificationAttributes until Success
            steps.append(Wait("ses", "identity_exists", {"Identities": [email]}, says=_(
                "Open the e-mail \"Amazon Web Services – Email Address Verification Request\" sent to {email} and "
                "click its link: SES then marks the address verified (if this wait ends first, click it and run the same "
                "command again)").format(email=email)))
        return steps

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
                        results: Mapping[str, Any]) -> dict[str, Any]:
        email = str(props["email"])
        if ctx.is_local and ("created" in results or "resent" in results):
            click_verification_link(ctx, email)
        return {"email": email, "arn": self._arn(ctx, email)}

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """Pending is a failure: in the sandbox SES rejects mail from or to an unverified address."""
        if observed.attrs.get("verified"):
            return []
        return [finding("*", _("Open the verification e-mail sent to {email} and click its link (Amazon SES › "
                               "Identities › {email}: the status becomes Verified)").format(email=props["email"]),
                        _("in the SES sandbox, mail is sent only from and to verified addresses"))]

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("Amazon SES › Identities › Create identity: Email address {email}, then click the link of the "
                 "verification e-mail").format(email=props["email"])

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("sesv2", "delete_email_identity", {"EmailIdentity": record["outputs"]["email"]}, gone_ok=_GONE)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        if not resource.startswith("identity/"):
            return None
        email = resource.split("/", 1)[1]
        return {"email": email, "arn": arn}

    def exists(self, ctx: Context, outputs: Mapping[str, Any]) -> bool | None:
        return self.fetch(lambda: ctx.client("sesv2").get_email_identity(EmailIdentity=outputs["email"])) is not None

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        """Every identity with its tags (read from GetEmailIdentity: ListEmailIdentities has no tags)."""
        client = ctx.client("sesv2")
        found: list[Tagged] = []
        token: dict[str, str] = {}
        while True:
            page = client.list_email_identities(PageSize=1000, **token)
            for item in page.get("EmailIdentities", []):
                name = item["IdentityName"]
                got = _identity(self, client, name)
                if got is not None:
                    found.append((self._arn(ctx, name), tags_from_list(got.get("Tags")),
                                  {"email": name, "arn": self._arn(ctx, name)}))
            if not page.get("NextToken"):
                return found
            token = {"NextToken": page["NextToken"]}

def _identity(handler: Handler, client: Any, name: str) -> dict[str, Any] | None:
    return handler.fetch(lambda: dict(client.get_email_identity(EmailIdentity=name)))


def click_verification_link(ctx: Context, email: str) -> bool:
    """On the emulator: follow the newest verification link sent to ``email``, as the teacher
    would click it in the inbox. True when the identity is then verified."""
    from ..local.mailbox import follow, read, select

    if not ctx.gateway:
        return False
    for message in reversed(select(read(ctx.gateway), to=email, kind="verification")):
        for link in message.get("links") or []:
            status, _page = follow(str(link))
            if status == 200:
                return True
    return False
