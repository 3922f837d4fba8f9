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

from ..workshop.model import ResourceSpec
from .base import (Call, Context, Handler, Observed, Prop, Step, Tagged, TypeInfo, register, tag_list,
                  tags_from_list)
from .base import STUDENT_PREFIX, Text

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
    info = TypeInfo("iam.role", "iam", "IAM › Roles", gone=("NoSuchEntity",), sweep_rank=110,
                    name_text=Text(r"[\w+=,.@-]+", 64, "letters, digits and +=,.@_- only",
                                   reserve=STUDENT_PREFIX))
    schema = {
        "service": Prop(str, required=True),
        "statements": Prop(list),
        "managed_policies": Prop(list),
    }
    outputs = ("name", "arn")
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

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[str]:
        # A role built in the console has its own policies: the end-to-end checks show whether
        # they allow enough; only who may use the role is checked here.
        if observed.attrs.get("lab_role") or not by_hand:
            return super().check(ctx, res, props, observed)
        if _normalise(observed.attrs.get("trust") or {}) != _normalise(trust_policy(props["service"])):
            return [f"IAM › Roles › {self.name(ctx, res)} › Trust relationships: the trusted entity must be "
                    f"{props['service']}"]
        return []

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
