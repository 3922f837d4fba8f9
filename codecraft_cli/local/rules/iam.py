"""IAM: policy documents (grammar and size), trust policies, policy ARNs.

Names, paths and lengths are in botocore's model (layer 1, ``ValidationError``); the policy
grammar is https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
and the quotas https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .base import Params, Refusal, State, rule, text

MALFORMED = "MalformedPolicyDocument"
_VERSIONS = ("2012-10-17", "2008-10-17")
_KNOWN = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
          "Condition"}


def _statements(document: str | None) -> tuple[list[dict[str, Any]] | None, Refusal | None]:
    if document is None:
        return None, None
    try:
        policy = json.loads(document)
    except ValueError:
        return None, Refusal(MALFORMED, "This policy contains invalid Json")
    if not isinstance(policy, dict):
        return None, Refusal(MALFORMED, "Syntax errors in policy.")
    unknown = set(policy) - {"Version", "Id", "Statement"}
    if unknown:
        return None, Refusal(MALFORMED, f"Syntax errors in policy.")
    if "Version" in policy and policy["Version"] not in _VERSIONS:
        return None, Refusal(MALFORMED, "The policy must contain a valid version string")
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements or not all(isinstance(s, dict) for s in statements):
        return None, Refusal(MALFORMED, "Syntax errors in policy.")
    for statement in statements:
        if set(statement) - _KNOWN:
            return None, Refusal(MALFORMED, "Syntax errors in policy.")
        if statement.get("Effect") not in ("Allow", "Deny"):
            return None, Refusal(MALFORMED, "Syntax errors in policy." if "Effect" in statement
                                 else "Missing required field Effect")
        if "Action" not in statement and "NotAction" not in statement:
            return None, Refusal(MALFORMED, "Policy statement must contain actions.")
        actions = statement.get("Action", statement.get("NotAction"))
        for action in actions if isinstance(actions, list) else [actions]:
            if not isinstance(action, str) or (action != "*" and not re.fullmatch(r"[\w-]+:[\w*?]+", action)):
                return None, Refusal(MALFORMED, f"Actions/Conditions must be prefaced by a vendor, e.g., iam, "
                                                f"sdb, ec2, etc.")
    sids = [s["Sid"] for s in statements if "Sid" in s]
    if len(set(sids)) != len(sids):
        return None, Refusal(MALFORMED, "Statement IDs (SID) in a single policy must be unique.")
    return statements, None


@rule("iam", "CreateRole", "UpdateAssumeRolePolicy")
def trust_policy(params: Params, state: State) -> Refusal | None:
    """A role trust policy: valid grammar, a Principal in each statement, no Resource, and
    sts:AssumeRole* actions (id_roles_terms-and-concepts.html, "Trust policy")."""
    document = text(params.get("AssumeRolePolicyDocument", params.get("PolicyDocument")))
    statements, refusal = _statements(document)
    if refusal or statements is None:
        return refusal
    for statement in statements:
        if "Resource" in statement or "NotResource" in statement:
            return Refusal(MALFORMED, "Has prohibited field Resource")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            return Refusal(MALFORMED, "Missing required field Principal")
        actions = statement.get("Action", [])
        for action in actions if isinstance(actions, list) else [actions]:
            if action != "*" and not str(action).lower().startswith("sts:"):
                return Refusal(MALFORMED, "AssumeRole policy may only specify STS AssumeRole actions.")
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            if set(principal) - {"AWS", "Service", "Federated", "CanonicalUser"}:
                return Refusal(MALFORMED, "Invalid principal in policy")
        elif principal != "*" and principal is not None:
            return Refusal(MALFORMED, "Invalid principal in policy")
    return None


@rule("iam", "PutRolePolicy", "PutUserPolicy", "PutGroupPolicy", "CreatePolicy", "CreatePolicyVersion")
def identity_policy(params: Params, state: State) -> Refusal | None:
    """An identity-based policy: valid grammar, a Resource in each statement and no
    Principal (reference_policies_elements_principal.html: "You cannot use the Principal
    element in an identity-based policy")."""
    statements, refusal = _statements(text(params.get("PolicyDocument")))
    if refusal or statements is None:
        return refusal
    for statement in statements:
        if "Principal" in statement or "NotPrincipal" in statement:
            return Refusal(MALFORMED, "Policy document should not specify a principal.")
        if "Resource" not in statement and "NotResource" not in statement:
            return Refusal(MALFORMED, "Policy statement must contain resources.")
    return None


@rule("iam", "PutRolePolicy", "PutUserPolicy", "PutGroupPolicy")
def inline_policy_size(params: Params, state: State) -> Refusal | None:
    """Inline policies: a role's total at most 10,240 characters, a user's 2,048, a group's
    5,120, whitespace not counted (reference_iam-quotas.html). One document alone is checked
    here: the state does not give the role's other inline policies."""
    document = text(params.get("PolicyDocument")) or ""
    size = len(re.sub(r"\s", "", document))
    limit, owner = ((10240, "role " + str(params.get("RoleName"))) if "RoleName" in params else
                    (2048, "user " + str(params.get("UserName"))) if "UserName" in params else
                    (5120, "group " + str(params.get("GroupName"))))
    if size > limit:
        return Refusal("LimitExceeded", f"Maximum policy size of {limit} bytes exceeded for {owner}.", 409)
    return None


@rule("iam", "CreatePolicy", "CreatePolicyVersion")
def managed_policy_size(params: Params, state: State) -> Refusal | None:
    """Managed policy documents: at most 6,144 characters, whitespace not counted."""
    document = text(params.get("PolicyDocument")) or ""
    if len(re.sub(r"\s", "", document)) > 6144:
        return Refusal("LimitExceeded", "Cannot exceed quota for PolicySize: 6144", 409)
    return None


_POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/([\w+=,.@/-]+)")


@rule("iam", "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "AttachGroupPolicy")
def policy_arn(params: Params, state: State) -> Refusal | None:
    arn = text(params.get("PolicyArn"))
    if arn is not None and not _POLICY_ARN.fullmatch(arn):
        return Refusal("InvalidInput", f"ARN {arn} is not valid.")
    return None


@rule("iam", "DeletePolicy")
def policy_still_attached(params: Params, state: State) -> Refusal | None:
    """"Before you can delete a managed policy, you must first detach the policy from all users,
    groups, and roles that it is attached to" (API_DeletePolicy.html; Errors: DeleteConflict,
    409)."""
    arn = text(params.get("PolicyArn"))
    if arn and (state.policy_attachment_count(arn) or 0) > 0:
        return Refusal("DeleteConflict", "Cannot delete a policy attached to entities.", 409)
    return None
