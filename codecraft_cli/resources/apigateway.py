"""API Gateway REST APIs and their Cognito authorizers (routes and stages: apigateway_routes.py).

YAML::

    - id: orders_api
      type: apigateway.rest_api
      name: OrdersAPI

Nothing is live until ``create_deployment`` (see apigateway_routes.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..aws.retry import THROTTLE
from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, Tagged, TypeInfo, created, owned,
                   register)
from .teaching import finding

GONE = ("NotFoundException",)


def integration_uri(region: str, function_arn: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def execute_arn(region: str, account: str, api_id: str, method: str, path: str) -> str:
    """The SourceArn of the Lambda permission for one method (any stage)."""
    parts = ["*" if part.startswith("{") else part for part in path.strip("/").split("/") if part]
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/*/{method.upper()}/" + "/".join(parts)


def invoke_url(ctx: Context, api_id: str, stage: str) -> str:
    if ctx.is_local and ctx.gateway:
        return f"{ctx.gateway}/{api_id}/{stage}"
    return f"https://{api_id}.execute-api.{ctx.region}.amazonaws.com/{stage}"


@register
class RestApi(Handler):
    info = TypeInfo("apigateway.rest_api", "apigateway", N_("API Gateway › APIs"), gone=GONE, sweep_rank=20,
                    id_output="id")
    schema = {"description": Prop(str)}
    outputs = ("name", "id", "arn")
    # "Donnez un nom à l'API, par exemple ProjectManagementAPI" (seed 000), "Créez une API RESTful"
    # (seed 001): the name is open; the API is found through its routes (engine/discovery)
    prescribed = ()
    permissions = ("apigateway:POST", "apigateway:GET", "apigateway:DELETE", "apigateway:PATCH",
                   "apigateway:PUT", "apigateway:TagResource")

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        # API names are not unique: only an API carrying this deployment's tags is ours.
        name = self.name(ctx, res)
        # found through its routes (engine/discovery): that one, even when another has its name
        found_id = (getattr(ctx, "found", None) or {}).get(res.id + "#id")
        return owned(ctx, (({"id": api["id"]}, dict(api.get("tags") or {}))
                           for page in ctx.client("apigateway").get_paginator("get_rest_apis").paginate()
                           for api in page.get("items", []) if api.get("name") == name
                           and (not by_hand or not found_id or api["id"] == found_id)), by_hand)

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        if observed.exists:
            return []
        return [Call("apigateway", "create_rest_api", {
            "name": self.name(ctx, res),
            "description": str(props.get("description") or f"codecraft: {res.step}"),
            "endpointConfiguration": {"types": ["REGIONAL"]},
            "tags": ctx.tags,
        }, output="created", records=True)]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        api_id = created(results, observed, "id", "id")
        return {"name": self.name(ctx, res), "id": api_id,
                "arn": f"arn:aws:apigateway:{ctx.region}::/restapis/{api_id}"}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("apigateway", "delete_rest_api", {"restApiId": record["outputs"]["id"]},
                     gone_ok=GONE, retry=THROTTLE)]

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        return [(f"arn:aws:apigateway:{ctx.region}::/restapis/{api['id']}", dict(api.get("tags") or {}),
                 {"id": api["id"], "name": api.get("name")})
                for page in ctx.client("apigateway").get_paginator("get_rest_apis").paginate()
                for api in page.get("items", [])]


@register
class Authorizer(Handler):
    """A Cognito user-pool authorizer: the method requires a valid ID token of the pool.

    YAML::

        - id: authorizer
          type: apigateway.authorizer
          name: CognitoAuthorizer
          properties:
            api: ${projects_api.id}
            user_pools: ["${workshop1:user_pool.arn}"]
    """

    info = TypeInfo("apigateway.authorizer", "apigateway", N_("API Gateway › Authorizers"), gone=GONE, taggable=False)
    schema = {"api": Prop(str, required=True), "user_pools": Prop(list, required=True)}
    outputs = ("id", "name")
    # "configurer l'authentification Cognito sur l'API" (seeds 000/003, optional): the pool it checks;
    # its name is the student's
    prescribed = ("user_pools",)
    permissions = ("apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE")

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        if has_unresolved(props["api"]):
            return Observed(False)
        got = self.fetch(lambda: ctx.client("apigateway").get_authorizers(restApiId=props["api"]))
        items = (got or {}).get("items", [])
        pools = set(map(str, props["user_pools"]))
        mine = next((item for item in items if item.get("name") == self.name(ctx, res)), None)
        if mine is None and by_hand:  # named by the student: a Cognito authorizer of the pool
            mine = next((item for item in items if item.get("type") == "COGNITO_USER_POOLS"
                         and pools & set(item.get("providerARNs") or [])), None)
        if mine is None:
            return Observed(False)
        return Observed(True, {"id": mine["id"], "providers": sorted(mine.get("providerARNs") or []),
                               "type": mine.get("type"), "name": mine.get("name")})

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        pools = sorted(map(str, props["user_pools"]))
        if observed.attrs.get("type") == "COGNITO_USER_POOLS" and set(pools) <= set(observed.attrs.get("providers") or []):
            return []
        name = observed.attrs.get("name") or self.name(ctx, res)
        pool = ", ".join(p.rsplit("/", 1)[-1] for p in pools)
        return [finding("user_pools",
                        _("API Gateway › Authorizers › {name} › Edit: Cognito, user pool {pool}").format(
                            name=name, pool=pool),
                        _("the tokens of this user pool open the API"))]

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        pools = sorted(map(str, props["user_pools"]))
        if not observed.exists:
            return [Call("apigateway", "create_authorizer", {
                "restApiId": props["api"], "name": self.name(ctx, res), "type": "COGNITO_USER_POOLS",
                "providerARNs": pools, "identitySource": "method.request.header.Authorization",
            }, output="created", records=True)]
        if observed.attrs.get("providers") != pools:
            ops = [{"op": "replace", "path": "/providerARNs", "value": ",".join(pools)}]
            return [Call("apigateway", "update_authorizer", {
                "restApiId": props["api"], "authorizerId": observed.attrs["id"], "patchOperations": ops})]
        return []

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        auth_id = created(results, observed, "id", "id")
        return {"id": auth_id, "name": self.name(ctx, res), "api": props["api"]}

    def physical_id(self, outputs: Mapping[str, Any]) -> str:
        return f"{outputs['api']}/{outputs['id']}"

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        return [Call("apigateway", "delete_authorizer", {"restApiId": out["api"], "authorizerId": out["id"]},
                     gone_ok=GONE)]
