"""Secrets Manager: secret names and values, deletion windows, random passwords."""

from __future__ import annotations

import re

from .base import Params, Refusal, State, number, rule, text

INVALID = "InvalidParameterException"
# "The secret name can contain ASCII letters, numbers, and the following characters: /_+=.@-"
# (API_CreateSecret.html, Name).
_NAME = re.compile(r"[A-Za-z0-9/_+=.@-]+")


@rule("secretsmanager", "CreateSecret")
def secret_name(params: Params, state: State) -> Refusal | None:
    name = text(params.get("Name"))
    if name is not None and not _NAME.fullmatch(name):
        return Refusal(INVALID, "Invalid name. Must be a valid name containing alphanumeric characters, or any "
                                "of the following: -/_+=.@!")
    return None


@rule("secretsmanager", "CreateSecret", "PutSecretValue", "UpdateSecret")
def one_value(params: Params, state: State) -> Refusal | None:
    """"Either SecretString or SecretBinary must have a value, but not both"
    (API_CreateSecret.html, API_PutSecretValue.html)."""
    if params.get("SecretString") is not None and params.get("SecretBinary") is not None:
        return Refusal(INVALID, "You can't specify both a binary secret value and a string secret value in the "
                                "same secret.")
    return None


@rule("secretsmanager", "CreateSecret")
def name_not_pending_deletion(params: Params, state: State) -> Refusal | None:
    """A secret scheduled for deletion keeps its name until it is deleted
    (API_CreateSecret.html, InvalidRequestException)."""
    name = text(params.get("Name"))
    if name and state.secret_pending_deletion(name):
        return Refusal("InvalidRequestException", "You can't create this secret because a secret with this "
                                                  "name is already scheduled for deletion.")
    return None


@rule("secretsmanager", "DeleteSecret")
def recovery_window(params: Params, state: State) -> Refusal | None:
    """RecoveryWindowInDays: 7 to 30, not together with ForceDeleteWithoutRecovery
    (API_DeleteSecret.html)."""
    window = number(params.get("RecoveryWindowInDays"))
    if window is not None and params.get("ForceDeleteWithoutRecovery"):
        return Refusal(INVALID, "You can't use ForceDeleteWithoutRecovery in conjunction with "
                                "RecoveryWindowInDays.")
    if window is not None and not 7 <= window <= 30:
        return Refusal(INVALID, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).")
    return None


@rule("secretsmanager", "GetRandomPassword")
def random_password(params: Params, state: State) -> Refusal | None:
    """Excluding every character class leaves nothing to draw from; a length shorter than the
    number of required classes cannot hold one of each (API_GetRandomPassword.html; the
    length range 1-4,096 is in the model)."""
    length = number(params.get("PasswordLength"))
    classes = ("ExcludeNumbers", "ExcludePunctuation", "ExcludeUppercase", "ExcludeLowercase")
    if all(params.get(c) for c in classes):
        return Refusal(INVALID, "Password excludes all characters.")
    required = sum(1 for c in classes if not params.get(c))
    if params.get("RequireEachIncludedType") is not False and length is not None and length < required:
        return Refusal(INVALID, "Password length is too short based on the required types.")
    return None


@rule("secretsmanager", "GetSecretValue", "DescribeSecret", "DeleteSecret", "PutSecretValue", "RestoreSecret")
def secret_id(params: Params, state: State) -> Refusal | None:
    secret = text(params.get("SecretId"))
    if secret is not None and not secret.startswith("arn:") and not _NAME.fullmatch(secret):
        return Refusal(INVALID, "Invalid name. Must be a valid name containing alphanumeric characters, or any "
                                "of the following: -/_+=.@!")
    return None
