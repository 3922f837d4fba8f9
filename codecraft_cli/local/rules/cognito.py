"""Cognito user pools: pools, app clients, users, deletion."""

from __future__ import annotations

from .base import Params, Refusal, State, number, rule, text

INVALID = "InvalidParameterException"


@rule("cognito-idp", "CreateUserPool", "UpdateUserPool")
def username_or_alias(params: Params, state: State) -> Refusal | None:
    """UsernameAttributes and AliasAttributes are exclusive (API_CreateUserPool.html)."""
    if params.get("UsernameAttributes") and params.get("AliasAttributes"):
        return Refusal(INVALID, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
    return None


@rule("cognito-idp", "CreateUserPool", "UpdateUserPool")
def schema_attributes(params: Params, state: State) -> Refusal | None:
    """Custom attributes: distinct names; string lengths 0-2048 (API_SchemaAttributeType.html)."""
    schema = params.get("Schema") or []
    names = [str(a.get("Name")) for a in schema if isinstance(a, dict)]
    if len(set(names)) != len(names):
        return Refusal(INVALID, "Duplicate attribute names are not allowed in the schema.")
    for attribute in schema:
        limits = attribute.get("StringAttributeConstraints") or {}
        for key in ("MinLength", "MaxLength"):
            value = number(limits.get(key))
            if value is not None and not 0 <= value <= 2048:
                return Refusal(INVALID, f"Invalid {key} for attribute {attribute.get('Name')}: must be between 0 "
                                        "and 2048.")
    return None


_LEGACY = {"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"}
# Token validity ranges (API_CreateUserPoolClient.html): access and ID tokens 5 minutes to 1
# day, refresh tokens 60 minutes to 10 years; units default to hours (access, ID) and days
# (refresh).
_MINUTES = {"seconds": 1 / 60, "minutes": 1, "hours": 60, "days": 1440}
_VALIDITY = {"AccessTokenValidity": ("AccessToken", "hours", 5, 1440),
             "IdTokenValidity": ("IdToken", "hours", 5, 1440),
             "RefreshTokenValidity": ("RefreshToken", "days", 60, 3650 * 1440)}


@rule("cognito-idp", "CreateUserPoolClient", "UpdateUserPoolClient")
def app_client(params: Params, state: State) -> Refusal | None:
    flows = set(params.get("ExplicitAuthFlows") or [])
    if flows & _LEGACY and any(f.startswith("ALLOW_") for f in flows):
        return Refusal(INVALID, "ExplicitAuthFlow values must either be all legacy or all new ALLOW_ prefixed "
                                "values.")
    units = params.get("TokenValidityUnits") or {}
    for key, (unit_key, default, low, high) in _VALIDITY.items():
        value = number(params.get(key))
        if value is None:
            continue
        minutes = value * _MINUTES.get(str(units.get(unit_key, default)), 60)
        if not low <= minutes <= high:
            return Refusal(INVALID, f"Invalid range for token validity.")
    if params.get("AllowedOAuthFlowsUserPoolClient") and not params.get("AllowedOAuthFlows"):
        return Refusal(INVALID, "AllowedOAuthFlows must be specified when AllowedOAuthFlowsUserPoolClient is true.")
    if "code" in (params.get("AllowedOAuthFlows") or []) and not params.get("CallbackURLs"):
        return Refusal(INVALID, "CallbackURLs must be specified when the authorization code grant is enabled.")
    for url in params.get("CallbackURLs") or []:
        if not (str(url).startswith("https://") or str(url).startswith("http://localhost")):
            return Refusal(INVALID, "Invalid CallbackURLs. Callback URLs must use HTTPS, except http://localhost.")
    return None


@rule("cognito-idp", "AdminCreateUser")
def temporary_password(params: Params, state: State) -> Refusal | None:
    """MessageAction SUPPRESS/RESEND only; DesiredDeliveryMediums EMAIL/SMS
    (API_AdminCreateUser.html)."""
    for medium in params.get("DesiredDeliveryMediums") or []:
        if medium not in ("EMAIL", "SMS"):
            return Refusal(INVALID, f"Invalid delivery medium: {medium}")
    return None


@rule("cognito-idp", "DeleteUserPool")
def pool_deletable(params: Params, state: State) -> Refusal | None:
    """A pool with deletion protection active, or with a domain, cannot be deleted
    (API_DeleteUserPool.html; user-pool-settings-deletion-protection.html;
    cognito-user-pools-add-custom-domain.html)."""
    pool = text(params.get("UserPoolId"))
    if not pool:
        return None
    if state.user_pool_deletion_protection(pool):
        return Refusal(INVALID, "The user pool cannot be deleted because deletion protection is activated. "
                                "Deletion protection must be inactivated first.")
    if state.user_pool_domain(pool):
        return Refusal(INVALID, "User pool cannot be deleted. It has a domain configured that should be deleted "
                                "first.")
    return None
