"""Does a role allow an action on a resource? Read from the account, as the diagnosis needs it.

- On AWS: IAM's policy simulator, ``SimulatePrincipalPolicy`` with the role as the policy source
  (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html): it
  evaluates the role's inline and attached policies (and boundaries) for the action and
  resource; ``EvalDecision`` is ``allowed``, ``explicitDeny`` or ``implicitDeny``.
- On the emulator: the role's inline policies (``ListRolePolicies``/``GetRolePolicy``) and the
  default version of each attached managed policy (``ListAttachedRolePolicies``/``GetPolicy``/
  ``GetPolicyVersion``) are read and evaluated with the emulator's own IAM evaluator
  (``local/iam/policy.py``: "Policy evaluation logic", IAM user guide), the one that authorizes the
  function's calls there.

``None`` means it cannot be told (no right to read IAM, an unknown role): the diagnosis then says
nothing rather than guess.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from ..i18n import _
from .context import DeployContext


def role_name(role_arn: str) -> str:
    """``arn:aws:iam::ACCOUNT:role/service-role/NAME`` → ``NAME`` (a session ARN's role too)."""
    if ":assumed-role/" in role_arn:
        return role_arn.split(":assumed-role/", 1)[1].split("/")[0]
    return role_arn.rsplit("/", 1)[-1]


def _document(value: Any) -> Any:
    """A policy document as IAM returns it: a dict (boto3 decodes it) or URL-encoded JSON."""
    if isinstance(value, str):
        return json.loads(unquote(value))
    return value


def role_policies(ctx: DeployContext, role_arn: str) -> list[Any]:
    """The role's inline policies and the default version of each attached managed policy."""
    iam = ctx.client("iam")
    name = role_name(role_arn)
    docs: list[Any] = []
    for policy_name in iam.list_role_policies(RoleName=name).get("PolicyNames", []):
        docs.append(_document(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]))
    for attached in iam.list_attached_role_policies(RoleName=name).get("AttachedPolicies", []):
        arn = attached["PolicyArn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        docs.append(_document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]))
    return docs


def evaluate_policies(policies: list[Any], action: str, resource: str) -> bool:
    """The identity policies' decision for one action on one resource (allowed or not)."""
    from ..local.iam.policy import evaluate

    return evaluate(policies, action, resource).allowed


def role_allows(ctx: DeployContext, role_arn: str, action: str, resource: str) -> bool | None:
    """Whether the role may do ``action`` on ``resource``; None when it cannot be told."""
    if not role_arn:
        return None
    try:
        if ctx.is_local:
            return evaluate_policies(role_policies(ctx, role_arn), action, resource)
        answer = ctx.client("iam").simulate_principal_policy(
            PolicySourceArn=role_arn, ActionNames=[action], ResourceArns=[resource])
        results = answer.get("EvaluationResults", [])
        return bool(results) and all(r.get("EvalDecision") == "allowed" for r in results)
    except Exception:  # no right to read IAM, a role deleted meanwhile: nothing to say
        return None


def missing_actions(ctx: DeployContext, role_arn: str, needs: list[tuple[str, str]]) -> list[str] | None:
    """Of ``(action, resource)`` pairs, the actions the role does not allow; None when unknown."""
    missing: list[str] = []
    for action, resource in needs:
        allowed = role_allows(ctx, role_arn, action, resource)
        if allowed is None:
            return None
        if not allowed:
            missing.append(action)
    return missing


def source_arn(url: str, route: str, region: str, account: str) -> str | None:
    """The ``execute-api`` ARN a request to ``url`` comes from (``API/STAGE/METHOD/PATH``): from
    ``https://API.execute-api.REGION.amazonaws.com/STAGE/PATH`` or the emulator's ``/API/STAGE/PATH``."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if ".execute-api." in parsed.netloc:
        parts.insert(0, parsed.netloc.split(".")[0])
    method = route.split(" ", 1)[0].upper() if " " in route else ""
    if len(parts) < 2 or not method or not account:
        return None
    return f"arn:aws:execute-api:{region}:{account}:{parts[0]}/{parts[1]}/{method}/{'/'.join(parts[2:])}"


def invoke_permission(ctx: DeployContext, function: str, function_arn: str, url: str,
                      route: str) -> tuple[str, dict[str, str], str]:
    """Whether the function's resource policy lets API Gateway invoke it for this request
    ("Using resource-based policies in Lambda" › API Gateway: principal apigateway.amazonaws.com,
    ``aws:SourceArn`` the method's execute-api ARN, https://docs.aws.amazon.com/lambda/latest/dg/
    access-control-resource-based.html): the diagnosis code, its facts and the evidence."""
    from ..local.iam.policy import as_list, statements
    from ..local.iam.resource_policies import lambda_permission_allows

    generic: tuple[str, dict[str, str], str] = ("missing-invoke-permission", {}, "")
    try:
        policy = ctx.client("lambda").get_policy(FunctionName=function)["Policy"]
    except Exception:  # ResourceNotFoundException: no resource policy at all
        return "missing-invoke-permission", {}, _("{function}: no resource-based policy").format(function=function)
    mine = [st for st in statements(policy)
            if "apigateway.amazonaws.com" in as_list((st.get("Principal") or {}).get("Service"))]
    if not mine:
        return "missing-invoke-permission", {}, _("{function}: no statement for {principal}").format(
            function=function, principal="apigateway.amazonaws.com")
    account = (function_arn.split(":")[4:5] or [""])[0]
    source = source_arn(url, route, ctx.region, account)
    if source is None or lambda_permission_allows(policy, "apigateway.amazonaws.com", source, account):
        return generic
    granted = [str(v) for st in mine for cond in (st.get("Condition") or {}).values() if isinstance(cond, dict)
               for key, v in cond.items() if key.lower() == "aws:sourcearn"]
    return "invoke-permission-source", {"source": source, "granted": ", ".join(granted) or "?"}, json.dumps(mine)[:300]
