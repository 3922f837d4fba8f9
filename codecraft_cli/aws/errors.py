"""Turn botocore exceptions into one-line messages with a hint (exit 3)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from ..errors import AwsFailure
from ..i18n import N_, _

T = TypeVar("T")

_HINTS = {  # by AWS error code; English message ids, translated when shown
    "ExpiredToken": N_("Your AWS session has expired. On AWS Academy, open the Learner Lab, "
                       "click 'AWS Details' and copy fresh credentials into ~/.aws/credentials."),
    "ExpiredTokenException": N_("Your AWS session has expired: refresh your credentials."),
    "AccessDenied": N_("Your credentials lack this permission. Run `codecraft doctor` to see "
                       "which permissions the workshop needs."),
    "AccessDeniedException": N_("Your credentials lack this permission. Run `codecraft doctor`."),
    "UnrecognizedClientException": N_("The credentials are not valid for this account or region."),
    "InvalidClientTokenId": N_("The credentials are not valid: check `aws configure list`."),
    "CodecraftMariaDBMissing": N_("Install it with `sudo apt-get install mariadb-server`, then rerun."),
    "DependencyViolation": N_("Lambda still holds network interfaces in this security group: AWS "
                              "releases them up to ~45 minutes after a function leaves the VPC. The state file keeps "
                              "what is pending: run `codecraft teardown` again later."),
    "ThrottlingException": N_("AWS throttled the requests: wait a minute and run the command again."),
}


ACADEMY_ROLES = ("voclabs", "vocstartsoft")  # the roles AWS Academy's labs sign students in with


def looks_like_academy(text: str) -> bool:
    """An ARN (or an error naming the caller) of an AWS Academy lab session, or its LabRole."""
    return any(f":assumed-role/{role}/" in text for role in ACADEMY_ROLES) or ":role/LabRole" in text


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def is_client_error(exc: BaseException) -> bool:
    from botocore.exceptions import ClientError

    return isinstance(exc, ClientError)


def if_exists(call: Callable[[], T], gone: Collection[str]) -> T | None:
    """``call()``, or None when AWS answers with one of the ``gone`` error codes (it does not exist)."""
    try:
        return call()
    except Exception as exc:
        if is_client_error(exc) and error_code(exc) in gone:
            return None
        raise


def translate(exc: BaseException, what: str, target_is_local: bool = False) -> AwsFailure:
    """A botocore exception as an AwsFailure naming the failed call and what to do."""
    from botocore import exceptions as bx

    if isinstance(exc, bx.ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message", "") or str(exc)
        hint = _(_HINTS.get(code, N_("Fix the cause above and run the same command again: "
                                     "codecraft resumes where it stopped.")))
        if code in ("AccessDenied", "AccessDeniedException") and "CreateRole" in message + what:
            # the Learner Lab's switch only where the caller looks like an Academy account: IAM's
            # denial names the caller ("User: arn:aws:sts::...:assumed-role/voclabs/..."); elsewhere
            # the permission is what is missing, and LabRole would not exist
            hint = (_("Creating IAM roles is denied here: this looks like an AWS Academy Learner Lab; rerun with "
                      "CODECRAFT_LEARNER_LAB=1 to use the lab's LabRole.") if looks_like_academy(message)
                    else _("Creating IAM roles is denied: ask for iam:CreateRole (`codecraft doctor` lists the "
                           "permissions the workshop needs)."))
        if code == "InvalidParameter" and "conflicting dns domain" in message.lower():
            hint = _("AWS allows one interface endpoint with private DNS per service per VPC, and another one is "
                     "being created or deleted there right now: run the same command again in a minute, and "
                     "codecraft will share the endpoint (or wait for the old one to go).")
        return AwsFailure(_("{what} failed: {code}: {message}").format(what=what, code=code, message=message),
                          hint=hint)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return AwsFailure(
            _("{what} failed: no AWS credentials found.").format(what=what),
            hint=_("Run `aws configure` (or set AWS_PROFILE), or use the embedded emulator "
                   "with `--target local`."),
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectionClosedError | bx.ReadTimeoutError):
        hint = (
            _("The embedded emulator is not answering: run `codecraft local status`, "
              "then `codecraft local start`.")
            if target_is_local
            else _("Check your network connection and the region (--region).")
        )
        return AwsFailure(_("{what} failed: cannot reach the endpoint ({error}).").format(what=what, error=exc),
                          hint=hint)
    if isinstance(exc, bx.WaiterError):
        return AwsFailure(_("{what}: {error}").format(what=what, error=exc),
                          hint=_("Look at the resource in the console, then rerun."))
    return AwsFailure(_("{what} failed: {error}").format(what=what, error=exc),
                      hint=_("Rerun with --debug for details."))


def response_error(code: str, message: str = "", operation: str = "Op") -> Any:
    """Build a botocore ClientError (for tests and fakes)."""
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": message}}, operation)
