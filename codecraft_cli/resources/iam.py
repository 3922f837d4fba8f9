"""IAM roles: one role per function, its inline policy scoped to the exact ARNs it touches.

YAML::

    - id: role
      type: iam.role
      name: ProcessOrderRole
      properties:
        service: lambda.amazonaws.com
        statements:
          - actions: [dynamodb:PutItem]
            resources: [${orders_table.arn}]
          - actions: [logs:CreateLogStream, logs:PutLogEvents]
            resources: ["${logs.arn}:*"]

Deletion order (IAM refuses otherwise): detach managed policies, delete inline policies,
then delete the role.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, Tagged, TypeInfo, register, tag_list,
                  tags_from_list)
from .base import STUDENT_PREFIX, Text
from .teaching import finding

POLICY_NAME = "codecraft"


def trust_policy(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                       "Action": "sts:AssumeRole"}],
    }


def inline_policy(statements: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": list(st["actions"]), "Resource": list(st["resources"])}
            for st in statements
        ],
    }


def _normalise(doc: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Statements as comparable tuples (IAM may return a string where we sent a list)."""
    out = []
    for st in doc.get("Statement", []):
        actions = st.get("Action", [])
        resources = st.get("Resource", [])
        out.append((
            st.get("Effect", "Allow"),
            tuple(sorted([actions] if isinstance(actions, str) else actions)),
            tuple(sorted([resources] if isinstance(resources, str) else resources)),
        ))
    return sorted(out)


@register
class Role(Handler):
    # RoleName: 1-64 of [\w+=,.@-] (IAM API reference, CreateRole)
    info = TypeInfo("iam.role", "iam", N_("IAM › Roles"), gone=("NoSuchEntity",), sweep_rank=110,
                    name_text=Text(r"[\w+=,.@-]+", 64, N_("letters, digits and +=,.@_- only"),
                                   reserve=STUDENT_PREFIX))
    schema = {
        "service": Prop(str, required=True),
        "statements": Prop(list),
        "managed_policies": Prop(list),
    }
    outputs = ("name", "arn")
    # no seed names a role ("Attribuez un rôle IAM avec les permissions nécessaires"): found through
    # the function (ctx.found); its permissions are judged by the behaviour, least privilege is advice
    prescribed = ()
    permissions = ("iam:CreateRole", "iam:GetRole", "iam:DeleteRole", "iam:TagRole",
                   "iam:ListRoleTags", "iam:PutRolePolicy", "iam:GetRolePolicy",
                   "iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:AttachRolePolicy",
                   "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies",
                   "iam:UpdateAssumeRolePolicy", "iam:PassRole")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if ctx.lab_role_arn:  # Learner Lab: roles cannot be created; LabRole is used as it is
            return Observed(True, {"arn": ctx.lab_role_arn, "lab_role": True})
        client = ctx.client("iam")
        name = self.name(ctx, res)
        got = self.fetch(lambda: client.get_role(RoleName=name))
        if got is None:
            return Observed(False)
        role = got["Role"]
        inline = self.fetch(lambda: client.get_role_policy(RoleName=name, PolicyName=POLICY_NAME))
        policy = inline["PolicyDocument"] if inline else None
        attached = client.list_attached_role_policies(RoleName=name).get("AttachedPolicies", [])
        tags = client.list_role_tags(RoleName=name).get("Tags")
        return Observed(True, {
            "arn": role["Arn"],
            "trust": role.get("AssumeRolePolicyDocument"),
            "policy": policy,
            "managed": sorted(p["PolicyArn"] for p in attached),
        }, tags_from_list(tags))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        if observed.attrs.get("lab_role"):
            return []
        name = self.name(ctx, res)
        trust = trust_policy(props["service"])
        statements = list(props.get("statements") or [])
        managed = sorted(props.get("managed_policies") or [])
        calls: list[Step] = []
        if not observed.exists:
            calls.append(Call("iam", "create_role", {
                "RoleName": name,
                "AssumeRolePolicyDocument": json.dumps(trust, default=str),
                "Description": f"codecraft: {res.step} ({res.id})",
                "Tags": tag_list(ctx.tags),
            }, output="created", records=True))
        elif _normalise(observed.attrs.get("trust") or {}) != _normalise(trust):
            calls.append(Call("iam", "update_assume_role_policy",
                              {"RoleName": name, "PolicyDocument": json.dumps(trust, default=str)}))
        want_policy = inline_policy(statements)
        have_policy = observed.attrs.get("policy") if observed.exists else None
        if statements and (have_policy is None or _normalise(have_policy) != _normalise(want_policy)):
            calls.append(Call("iam", "put_role_policy", {
                "RoleName": name, "PolicyName": POLICY_NAME, "PolicyDocument": json.dumps(want_policy, default=str)}))
        have_managed = observed.attrs.get("managed", []) if observed.exists else []
        for arn in managed:
            if arn not in have_managed:
                calls.append(Call("iam", "attach_role_policy", {"RoleName": name, "PolicyArn": arn}))
        return calls

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        if observed.attrs.get("lab_role"):
            return {"name": "LabRole", "arn": observed.attrs["arn"], "lab_role": True}
        name = self.name(ctx, res)
        return {"name": name, "arn": f"arn:aws:iam::{ctx.account_id}:role/{name}"}

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        """Also every policy of a role built in the console (its inline policies by any name, the
        AWSLambdaBasicExecutionRole-<id> policy the console makes), to judge least privilege."""
        observed = self.observe(ctx, res, props)
        if not observed.exists or observed.attrs.get("lab_role"):
            return observed
        client, name = ctx.client("iam"), self.name(ctx, res)
        documents: dict[str, Any] = {}
        for policy in client.list_role_policies(RoleName=name).get("PolicyNames", []):
            got = self.fetch(lambda: client.get_role_policy(RoleName=name, PolicyName=policy))
            if got:
                documents[policy] = _document(got["PolicyDocument"])
        for arn in observed.attrs.get("managed", []):
            if arn.startswith("arn:aws:iam::aws:policy/"):
                continue  # AWS managed: judged by name (BROAD_MANAGED)
            got = self.fetch(lambda: client.get_policy(PolicyArn=arn))
            version = got and self.fetch(lambda: client.get_policy_version(
                PolicyArn=arn, VersionId=got["Policy"]["DefaultVersionId"]))
            if version:
                documents[arn.rsplit("/", 1)[-1]] = _document(version["PolicyVersion"]["Document"])
        observed.attrs["documents"] = documents
        return observed

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """Nothing about a role is prescribed by the seeds (its name, path and policies are the
        student's: the explicit checks show whether it allows enough, and the diagnosis names a
        missing action). Who may use it, and least privilege, are advice."""
        if observed.attrs.get("lab_role"):
            return []  # Learner Lab's LabRole, used as it is
        name = self.name(ctx, res)
        found: list[Finding | str] = []
        if not _trusts(observed.attrs.get("trust") or {}, str(props["service"])):
            found.append(finding("service",
                                 _("IAM › Roles › {role} › Trust relationships › Edit trust policy: the trusted "
                                   "entity must be {service}").format(role=name, service=props["service"]),
                                 _("without it, the service cannot assume the role")))
        if not by_hand:  # codecraft's own role: its policies as the workshop writes them
            for call in self.plan(ctx, res, props, observed):
                method = getattr(call, "method", "")
                prop = {"put_role_policy": "statements", "attach_role_policy": "managed_policies"}.get(method)
                if prop:
                    found.append(finding(prop, _("IAM › Roles › {role} › Permissions: {action}").format(
                        role=name, action=call.action)))
        return found + _least_privilege(ctx, name, props, observed.attrs)

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        if record["outputs"].get("lab_role"):
            return {"gone": True}  # LabRole is the Learner Lab's, never ours to delete
        client = ctx.client("iam")
        name = record["outputs"]["name"]
        attached = self.fetch(lambda: client.list_attached_role_policies(RoleName=name).get("AttachedPolicies", []))
        inline = None if attached is None else self.fetch(
            lambda: client.list_role_policies(RoleName=name).get("PolicyNames", []))
        if attached is None or inline is None:
            return {"gone": True}
        return {"attached": [p["PolicyArn"] for p in attached], "inline": list(inline)}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        found = found or {}
        if found.get("gone") or record["outputs"].get("lab_role"):
            return []
        name = record["outputs"]["name"]
        gone = self.info.gone
        calls: list[Step] = [Call("iam", "detach_role_policy", {"RoleName": name, "PolicyArn": arn}, gone_ok=gone)
                 for arn in found.get("attached", [])]
        calls += [Call("iam", "delete_role_policy", {"RoleName": name, "PolicyName": pol}, gone_ok=gone)
                  for pol in found.get("inline", [])]
        calls.append(Call("iam", "delete_role", {"RoleName": name}, gone_ok=gone))
        return calls

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        iam, out = ctx.client("iam"), []
        for page in iam.get_paginator("list_roles").paginate():
            for role in page.get("Roles", []):
                if role.get("Path", "/").startswith("/aws-service-role/"):
                    continue
                tags = tags_from_list(iam.list_role_tags(RoleName=role["RoleName"]).get("Tags"))
                out.append((role["Arn"], tags, {"name": role["RoleName"]}))
        return out


def _document(doc: Any) -> Any:
    """A policy document as IAM returns it (boto3 decodes it; a raw answer is URL-encoded JSON)."""
    if isinstance(doc, str):
        from urllib.parse import unquote

        return json.loads(unquote(doc))
    return doc


def _trusts(trust: Mapping[str, Any], service: str) -> bool:
    from .teaching import action_allowed, principal_allows, statements

    return any(st.get("Effect", "Allow") == "Allow" and principal_allows(st, service)
               and action_allowed(st, "sts:AssumeRole") for st in statements(trust))


def _least_privilege(ctx: Context, name: str, props: Mapping[str, Any], attrs: Mapping[str, Any]) -> list[Finding | str]:
    """Advice: AWS managed policies broader than what the workshop's function needs
    (AmazonDynamoDBFullAccess for one PutItem), and wildcard actions in the role's own policies
    (IAM User Guide, "Security best practices in IAM": apply least-privilege permissions)."""
    from .teaching import BROAD_MANAGED, broad_actions

    needed = [(list(st["actions"]), list(st["resources"])) for st in props.get("statements") or []]

    def needs(service: str) -> str:
        parts = [f"{', '.join(a for a in actions if service == '*' or a.startswith(service + ':'))} "
                 f"({', '.join(str(r).rsplit(':', 1)[-1] for r in resources)})"
                 for actions, resources in needed
                 if any(service == "*" or a.startswith(service + ":") for a in actions)]
        return "; ".join(parts)

    found: list[Finding | str] = []
    for arn in attrs.get("managed", []):
        policy = str(arn).rsplit("/", 1)[-1]
        service = BROAD_MANAGED.get(policy) if str(arn).startswith("arn:aws:iam::aws:policy/") else None
        if service is None or service in set(props.get("managed_policies") or []):
            continue
        need = needs(service)
        fix = (_("IAM › Roles › {role} › Permissions: replace {policy} with an inline policy limited to {needed}")
               if need else _("IAM › Roles › {role} › Permissions: replace {policy} with an inline policy limited "
                              "to what is needed"))
        found.append(finding(
            "policy", fix.format(role=name, policy=policy, needed=need),
            _("least privilege: {policy} allows far more than the function needs (deleting resources of the "
              "account, for one); if its code is abused, all of that is too").format(policy=policy)))
    documents = dict(attrs.get("documents") or {})
    if attrs.get("policy"):
        documents.setdefault(POLICY_NAME, attrs["policy"])
    for policy, doc in sorted(documents.items()):
        broad = broad_actions(doc)
        if broad:
            found.append(finding(
                "policy",
                _("IAM › Roles › {role} › Permissions › {policy}: replace {actions} with the actions needed "
                  "only").format(role=name, policy=policy, actions=", ".join(broad)),
                _("least privilege: a wildcard action (*) also allows what the function never does")))
    return found
