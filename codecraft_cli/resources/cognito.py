"""Cognito user pools, app clients and a test user.

YAML::

    - id: user_pool
      type: cognito.user_pool
      name: ProjectsUsers

    - id: app_client
      type: cognito.user_pool_client
      name: projects-cli
      properties:
        pool: ${user_pool.id}
        auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]

    - id: test_user
      type: cognito.user
      properties:
        pool: ${user_pool.id}
        username: student
        password_secret: ${test_user_password.arn}

``admin_create_user`` leaves a user in FORCE_CHANGE_PASSWORD; ``admin_set_user_password``
with ``Permanent=True`` confirms it, with the password read from its secret inside the
executor. A pool with a domain cannot be deleted: the domain goes first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, Tagged, TypeInfo, Var, created, owned,
                   register)
from .base import STUDENT_PREFIX, Text
from .teaching import finding

_POOL_GONE = ("ResourceNotFoundException",)

PASSWORD_POLICY = {"MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True,
                   "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7}


@register
class UserPool(Handler):
    # PoolName: 1-128 of [\w\s+=,.@-] (Cognito API reference, CreateUserPool)
    info = TypeInfo("cognito.user_pool", "cognito-idp", N_("Cognito › User pools"), gone=_POOL_GONE, sweep_rank=30,
                    id_output="id", name_text=Text(r"[\w\s+=,.@-]+", 128, N_("letters, digits, spaces and +=,.@_- only"),
                                                   reserve=STUDENT_PREFIX))
    schema = {"description": Prop(str)}
    outputs = ("name", "id", "arn", "issuer")
    permissions = ("cognito-idp:CreateUserPool", "cognito-idp:DescribeUserPool", "cognito-idp:ListUserPools",
                   "cognito-idp:DeleteUserPool", "cognito-idp:DeleteUserPoolDomain", "cognito-idp:TagResource")

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        # Pool names are not unique: only a pool carrying this deployment's tags is ours.
        client = ctx.client("cognito-idp")
        name = self.name(ctx, res)

        def named() -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
            for page in client.get_paginator("list_user_pools").paginate(MaxResults=60):
                for pool in page.get("UserPools", []):
                    if pool.get("Name") == name:
                        described = client.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
                        yield {"id": pool["Id"], "arn": described.get("Arn")}, dict(described.get("UserPoolTags") or {})

        return owned(ctx, named(), by_hand)

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        if observed.exists:
            return []
        return [Call("cognito-idp", "create_user_pool", {
            "PoolName": self.name(ctx, res),
            "Policies": {"PasswordPolicy": PASSWORD_POLICY},
            "DeletionProtection": "INACTIVE",
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "UsernameConfiguration": {"CaseSensitive": False},
            "UserPoolTags": ctx.tags,
        }, output="created", records=True)]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        pool_id = created(results, observed, "id", "UserPool", "Id")
        return {
            "name": self.name(ctx, res), "id": pool_id,
            "arn": f"arn:aws:cognito-idp:{ctx.region}:{ctx.account_id}:userpool/{pool_id}",
            "issuer": f"https://cognito-idp.{ctx.region}.amazonaws.com/{pool_id}",
        }

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        got = self.fetch(lambda: ctx.client("cognito-idp").describe_user_pool(UserPoolId=record["outputs"]["id"]))
        if got is None:
            return {"gone": True}
        pool = got["UserPool"]
        return {"domain": pool.get("Domain"), "protected": pool.get("DeletionProtection") == "ACTIVE"}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        found = found or {}
        if found.get("gone"):
            return []
        pool_id = record["outputs"]["id"]
        calls: list[Step] = []
        if found.get("domain"):  # Cognito refuses to delete a pool that still has a domain
            calls.append(Call("cognito-idp", "delete_user_pool_domain",
                              {"Domain": found["domain"], "UserPoolId": pool_id}, gone_ok=_POOL_GONE))
        if found.get("protected"):
            calls.append(Call("cognito-idp", "update_user_pool",
                              {"UserPoolId": pool_id, "DeletionProtection": "INACTIVE"}))
        calls.append(Call("cognito-idp", "delete_user_pool", {"UserPoolId": pool_id}, gone_ok=_POOL_GONE))
        return calls

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        cognito, out = ctx.client("cognito-idp"), []
        for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page.get("UserPools", []):
                described = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
                out.append((described.get("Arn") or pool["Id"], dict(described.get("UserPoolTags") or {}),
                            {"id": pool["Id"], "name": pool.get("Name")}))
        return out


@register
class UserPoolClient(Handler):
    info = TypeInfo("cognito.user_pool_client", "cognito-idp",
                    N_("Cognito › User pools › App integration › App clients"), gone=_POOL_GONE, taggable=False,
                    id_output="id")
    schema = {"pool": Prop(str, required=True), "auth_flows": Prop(list, required=True)}
    outputs = ("name", "id")
    # what lets a user sign in with a password (USER_PASSWORD_AUTH: Cognito Developer Guide,
    # "Authentication flows"); the client's name is the student's
    prescribed = ("auth_flows",)
    permissions = ("cognito-idp:CreateUserPoolClient", "cognito-idp:ListUserPoolClients",
                   "cognito-idp:DescribeUserPoolClient", "cognito-idp:UpdateUserPoolClient",
                   "cognito-idp:DeleteUserPoolClient")

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        if has_unresolved(props["pool"]):
            return Observed(False)
        client = ctx.client("cognito-idp")
        name = self.name(ctx, res)
        pages = client.get_paginator("list_user_pool_clients").paginate(UserPoolId=props["pool"], MaxResults=60)
        items = self.fetch(lambda: [c for page in pages for c in page.get("UserPoolClients", [])]) or []
        # by hand: the client of the pool whatever its name (the one allowing the flows first)
        candidates = [i for i in items if i["ClientName"] == name] or (items if by_hand else [])
        best = None
        for item in candidates:
            got = client.describe_user_pool_client(UserPoolId=props["pool"], ClientId=item["ClientId"])
            flows = sorted(got["UserPoolClient"].get("ExplicitAuthFlows") or [])
            observed = Observed(True, {"id": item["ClientId"], "auth_flows": flows, "name": item["ClientName"]})
            if set(props["auth_flows"]) <= set(flows):
                return observed
            best = best or observed
        return best or Observed(False)

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        lacking = sorted(set(props["auth_flows"]) - set(observed.attrs.get("auth_flows") or []))
        if not lacking:
            return []
        name = observed.attrs.get("name") or self.name(ctx, res)
        return [finding("auth_flows",
                        _("Cognito › User pools › the pool › App integration › App clients › {name} › Edit: "
                          "authentication flows {flows}").format(name=name, flows=", ".join(lacking)),
                        _("without them a user cannot sign in with a password"))]

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        flows = sorted(props["auth_flows"])
        if not observed.exists:
            return [Call("cognito-idp", "create_user_pool_client", {
                "UserPoolId": props["pool"], "ClientName": self.name(ctx, res), "GenerateSecret": False,
                "ExplicitAuthFlows": flows, "PreventUserExistenceErrors": "ENABLED",
            }, output="created", records=True)]
        if observed.attrs.get("auth_flows") != flows:
            return [Call("cognito-idp", "update_user_pool_client", {
                "UserPoolId": props["pool"], "ClientId": observed.attrs["id"],
                "ClientName": self.name(ctx, res), "ExplicitAuthFlows": flows})]
        return []

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        client_id = created(results, observed, "id", "UserPoolClient", "ClientId")
        return {"name": self.name(ctx, res), "id": client_id, "pool": props["pool"]}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        return [Call("cognito-idp", "delete_user_pool_client",
                     {"UserPoolId": out["pool"], "ClientId": out["id"]}, gone_ok=_POOL_GONE)]


@register
class User(Handler):
    info = TypeInfo("cognito.user", "cognito-idp", N_("Cognito › User pools › Users"),
                    gone=("UserNotFoundException", *_POOL_GONE), named=False, taggable=False)
    schema = {"pool": Prop(str, required=True), "username": Prop(str, required=True),
              "password_secret": Prop(str, required=True), "email": Prop(str)}
    outputs = ("username", "pool")
    permissions = ("cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser", "cognito-idp:AdminSetUserPassword",
                   "cognito-idp:AdminDeleteUser", "secretsmanager:GetSecretValue")

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["pool"]):
            return Observed(False)
        got = self.fetch(lambda: ctx.client("cognito-idp").admin_get_user(
            UserPoolId=props["pool"], Username=props["username"]))
        if got is None:
            return Observed(False)
        return Observed(True, {"status": got.get("UserStatus")})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        pool, username = props["pool"], props["username"]
        calls: list[Step] = []
        if not observed.exists:
            attributes = [{"Name": "email", "Value": props["email"]}, {"Name": "email_verified", "Value": "true"}] \
                if props.get("email") else []
            calls.append(Call("cognito-idp", "admin_create_user", {
                "UserPoolId": pool, "Username": username, "MessageAction": "SUPPRESS",
                "UserAttributes": attributes}, output="created", records=True))
        if not observed.exists or observed.attrs.get("status") != "CONFIRMED":
            calls += [
                Call("secretsmanager", "get_secret_value", {"SecretId": props["password_secret"]}, output="secret"),
                Call("cognito-idp", "admin_set_user_password", {
                    "UserPoolId": pool, "Username": username,
                    "Password": Var("secret", ("SecretString",)), "Permanent": True}),
            ]
        return calls

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"username": props["username"], "pool": props["pool"], "password_secret": props["password_secret"]}

    def physical_id(self, outputs: Mapping[str, Any]) -> str:
        return f"{outputs['pool']}/{outputs['username']}"

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        return [Call("cognito-idp", "admin_delete_user", {"UserPoolId": out["pool"], "Username": out["username"]},
                     gone_ok=self.info.gone)]
