"""API Gateway routes (resource + method + Lambda proxy integration) and the deployment to a stage.

YAML::

    - id: post_orders
      type: apigateway.route
      properties:
        api: ${orders_api.id}
        path: /orders
        method: POST
        function: ${process_order.arn}     # AWS_PROXY integration

    - id: stage
      type: apigateway.deployment
      properties:
        api: ${orders_api.id}
        stage: prod
        routes: [${post_orders.fingerprint}]   # redeploys whenever a route changes

Nothing is live until ``create_deployment``; the deployment's description carries a
fingerprint of the routes so that a rerun redeploys exactly when something changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .apigateway import GONE, execute_arn, integration_uri, invoke_url
from .base import Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Var, created, register
from .teaching import finding


def live_state(client: Any, api_id: str) -> tuple[str, list[str]]:
    """The API as it is now: a hash of every method (path, method, integration, authorizer),
    and its methods as "METHOD /path" (one listing of its resources for both)."""
    items = [item for page in client.get_paginator("get_resources").paginate(restApiId=api_id)
             for item in page.get("items", [])]
    methods = []
    for item in sorted(items, key=lambda i: i["path"]):
        for method in sorted(item.get("resourceMethods") or {}):
            got = client.get_method(restApiId=api_id, resourceId=item["id"], httpMethod=method)
            integration = got.get("methodIntegration") or {}
            methods.append([item["path"], method, got.get("authorizationType"), got.get("authorizerId"),
                            integration.get("type"), integration.get("uri")])
    return _fingerprint(methods), sorted(f"{method} {path}" for path, method, *_ in methods)


def _fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _same_path(have: str, want: str) -> bool:
    """/jobs/{id} serves the workshop's /jobs/{job_id}: a path parameter's name is the student's."""
    a, b = have.strip("/").split("/"), want.strip("/").split("/")
    return len(a) == len(b) and all(x == y or (x.startswith("{") and y.startswith("{")) for x, y in zip(a, b))


def _function_name(uri: str) -> str:
    """The function an integration URI invokes (…/functions/<function ARN>/invocations), without
    a version or alias qualifier."""
    arn = uri.split("/functions/", 1)[-1].removesuffix("/invocations")
    return arn.split(":function:", 1)[-1].split(":", 1)[0] if ":function:" in arn else arn


def _segments(path: str) -> list[str]:
    """'/orders/{id}' -> ['/orders', '/orders/{id}']"""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


@register
class Route(Handler):
    info = TypeInfo("apigateway.route", "apigateway", N_("API Gateway › Resources"), gone=GONE, named=False,
                    taggable=False, id_output="id")
    schema = {
        "api": Prop(str, required=True),
        "path": Prop(str, required=True),
        "method": Prop(str, required=True, choices=("GET", "POST", "PUT", "DELETE", "PATCH", "ANY")),
        "function": Prop(str, required=True),
        "authorization": Prop(str, choices=("NONE", "COGNITO_USER_POOLS")),
        "authorizer": Prop(str),
        # a route added to another workshop's API: when it goes, that stage is redeployed
        "redeploy_stage": Prop(str),
    }
    outputs = ("id", "path", "method", "execute_arn", "fingerprint")
    # seeds 000/003/004: "Créez une ressource /projects", "Ajoutez une méthode POST", "Lambda Function
    # comme intégration", "Liez cette méthode à la fonction"; the authorizer is optional (Cognito)
    prescribed = ("path", "method", "function", "integration")
    permissions = ("apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:DELETE")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return f"{props.get('method', '?')} {props.get('path', '?')}"

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("API Gateway › Resources: create {path} and its {method} method with a Lambda proxy integration, "
                 "then deploy the API").format(path=props["path"], method=props["method"])

    def explain(self, ctx: Context, res: ResourceSpec, call: Step) -> str:
        if call.action == "put_integration":
            return _("API Gateway › Resources › the method › Integration request › Edit: Lambda function, "
                     "Lambda proxy integration on, the workshop's function")
        if "COGNITO" in str(call.params):
            return _("API Gateway › Resources › the method › Method request › Edit: Authorization: the Cognito "
                     "authorizer")
        return _("API Gateway › Resources › the method › Method request › Edit: Authorization: NONE")

    def serialize_key(self, props: Mapping[str, Any]) -> str | None:
        # Two routes of one API may share path parts (/jobs and /jobs/{job_id}): one at a time,
        # or both would create /jobs.
        return f"apigateway:{props.get('api')}"

    def _want(self, ctx: Context, props: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "type": "AWS_PROXY",
            "uri": integration_uri(ctx.region, str(props["function"])),
            "authorization": props.get("authorization", "NONE"),
            "authorizer": props.get("authorizer"),
        }

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        if has_unresolved(props["api"]):
            return Observed(False, {"resources": {}})
        client = ctx.client("apigateway")
        api_id, method = str(props["api"]), str(props["method"]).upper()
        pages = client.get_paginator("get_resources").paginate(restApiId=api_id)
        items = self.fetch(lambda: [item for page in pages for item in page.get("items", [])])
        if items is None:
            return Observed(False, {"resources": {}})
        resources = {item["path"]: item["id"] for item in items}
        target = next((item for item in items if item["path"] == props["path"]), None)
        if target is None and by_hand:  # /jobs/{id} for the workshop's /jobs/{job_id}: a parameter's name is open
            target = next((item for item in items if _same_path(item["path"], str(props["path"]))), None)
        attrs: dict[str, Any] = {"resources": resources}
        methods = (target or {}).get("resourceMethods") or {}
        if by_hand and method not in methods and "ANY" in methods:
            method = "ANY"  # API Gateway serves every method through ANY
        if target is None or method not in methods:
            return Observed(False, attrs)
        got = client.get_method(restApiId=api_id, resourceId=target["id"], httpMethod=method)
        integration = got.get("methodIntegration") or {}
        attrs.update({
            "resource_id": target["id"],
            "type": integration.get("type"),
            "uri": integration.get("uri"),
            "authorization": got.get("authorizationType"),
            "authorizer": got.get("authorizerId"),
        })
        return Observed(True, attrs)

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """Lambda proxy integration to the workshop's function (the same function whatever its ARN's
        qualifier); the authorization is the seed's only when it asks for Cognito."""
        have, want = observed.attrs, self._want(ctx, props)
        route = {"path": props["path"], "method": props["method"]}
        function = _function_name(str(want["uri"]))
        found: list[Finding | str] = []
        if have.get("type") != "AWS_PROXY":
            found.append(finding("integration",
                                 _("API Gateway › Resources › {path} › {method} › Integration request › Edit: "
                                   "Lambda function, Lambda proxy integration on, then Deploy API").format(**route),
                                 _("without proxy, the function does not get the request (no event['body']) and "
                                   "its answer is not passed on as it is")))
        if _function_name(str(have.get("uri") or "")) != function:
            found.append(finding("function",
                                 _("API Gateway › Resources › {path} › {method} › Integration request › Edit: "
                                   "Lambda function {function}, then Deploy API").format(function=function, **route)))
        if (have.get("authorization"), have.get("authorizer")) != (want["authorization"], want["authorizer"]):
            cognito = want["authorization"] == "COGNITO_USER_POOLS"
            found.append(finding(
                "authorization",
                _("API Gateway › Resources › {path} › {method} › Method request › Edit: Authorization the Cognito "
                  "authorizer").format(**route) if cognito else
                _("API Gateway › Resources › {path} › {method} › Method request › Edit: Authorization "
                  "NONE").format(**route),
                _("only signed-in users (a Cognito token) can call it") if cognito else ""))
        return found

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        api_id, method = props["api"], str(props["method"]).upper()
        want = self._want(ctx, props)
        resources: Mapping[str, str] = observed.attrs.get("resources", {})
        calls: list[Step] = []
        parent: Any = resources.get("/", Var("root"))
        if "/" not in resources:
            calls.append(Call("apigateway", "get_resources", {"restApiId": api_id}, output="root_list"))
            parent = Var("root_list", ("items", "0", "id"))
        created = 0
        for seg in _segments(str(props["path"])):
            if seg in resources:
                parent = resources[seg]
                continue
            out = f"resource{created}"
            calls.append(Call("apigateway", "create_resource",
                              {"restApiId": api_id, "parentId": parent, "pathPart": seg.rsplit("/", 1)[1]},
                              output=out))
            parent, created = Var(out, ("id",)), created + 1
        resource_id = parent
        method_params: dict[str, Any] = {"restApiId": api_id, "resourceId": resource_id,
                                         "httpMethod": method, "authorizationType": want["authorization"]}
        if want["authorizer"]:
            method_params["authorizerId"] = want["authorizer"]
        integration = {"restApiId": api_id, "resourceId": resource_id, "httpMethod": method,
                       "type": "AWS_PROXY", "integrationHttpMethod": "POST", "uri": want["uri"]}
        if not observed.exists:
            calls.append(Call("apigateway", "put_method", method_params, records=True))
            calls.append(Call("apigateway", "put_integration", integration))
            return calls
        if (observed.attrs.get("authorization"), observed.attrs.get("authorizer")) != (
                want["authorization"], want["authorizer"]):
            calls.append(Call("apigateway", "delete_method",
                              {"restApiId": api_id, "resourceId": resource_id, "httpMethod": method}))
            calls.append(Call("apigateway", "put_method", method_params))
            calls.append(Call("apigateway", "put_integration", integration))
        elif (observed.attrs.get("type"), observed.attrs.get("uri")) != (want["type"], want["uri"]):
            calls.append(Call("apigateway", "put_integration", integration))
        return calls

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        method, path = str(props["method"]).upper(), str(props["path"])
        created = [results[k]["id"] for k in sorted(results) if k.startswith("resource")]
        resource_id = created[-1] if created else (
            observed.attrs.get("resource_id") or observed.attrs.get("resources", {}).get(path))
        return {
            "id": f"{props['api']}/{resource_id}/{method}",
            "api": props["api"],
            "redeploy_stage": props.get("redeploy_stage"),
            "resource_id": resource_id,
            "created_resources": created,
            "path": path,
            "method": method,
            "execute_arn": execute_arn(ctx.region, ctx.account_id, str(props["api"]), method, path),
            "fingerprint": _fingerprint([props["api"], path, method, self._want(ctx, props)]),
        }

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        calls: list[Step] = [Call("apigateway", "delete_method", {
            "restApiId": out["api"], "resourceId": out["resource_id"], "httpMethod": out["method"]},
            gone_ok=GONE)]
        for resource_id in reversed(out.get("created_resources") or []):
            calls.append(Call("apigateway", "delete_resource",
                              {"restApiId": out["api"], "resourceId": resource_id}, gone_ok=GONE))
        if out.get("redeploy_stage"):  # the API stays: publish it without this route
            calls.append(Call("apigateway", "create_deployment", {
                "restApiId": out["api"], "stageName": out["redeploy_stage"],
                "description": "codecraft: route removed"}, gone_ok=GONE))
        return calls


@register
class Deployment(Handler):
    info = TypeInfo("apigateway.deployment", "apigateway", N_("API Gateway › Stages"), gone=GONE, named=False,
                    taggable=False)
    schema = {"api": Prop(str, required=True), "stage": Prop(str, required=True), "routes": Prop(list, required=True),
              "shared_stage": Prop(bool)}  # shared: the stage belongs to another workshop, never deleted here
    outputs = ("stage", "id", "invoke_url")
    # "Déployez l'API" (seed 003); the stage name is the student's when the seed names none
    prescribed = ("routes",)
    permissions = ("apigateway:POST", "apigateway:GET", "apigateway:DELETE")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return self.stage(ctx, res, props)

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        stage = self.stage(ctx, res, props)
        return _("API Gateway: the stage is not deployed: Deploy API › New stage › {stage}").format(stage=stage)

    def explain(self, ctx: Context, res: ResourceSpec, call: Step) -> str:
        return _("API Gateway: the stage is not deployed with the latest changes: Deploy API › stage "
                 "{stage}").format(stage=call.params.get("stageName"))

    @staticmethod
    def stage(ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        """The stage: the one found through its routes (engine/discovery) when the seed names
        none, else the workshop's."""
        return (getattr(ctx, "found", None) or {}).get(res.id) or str(props["stage"])

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["api"]):
            return Observed(False)
        client = ctx.client("apigateway")
        stage_name = self.stage(ctx, res, props)
        state = self.fetch(lambda: live_state(client, str(props["api"])))
        if state is None:
            return Observed(False)
        live, methods = state
        stage = self.fetch(lambda: client.get_stage(restApiId=props["api"], stageName=stage_name))
        deployment = stage and self.fetch(lambda: client.get_deployment(
            restApiId=props["api"], deploymentId=stage["deploymentId"], embed=["apisummary"]))
        if not stage or deployment is None:
            return Observed(False, {"live": live})
        summary = deployment.get("apiSummary")
        return Observed(True, {"deployment_id": stage["deploymentId"], "live": live,
                               "description": deployment.get("description", ""),
                               "deployed_methods": sorted(f"{m} {p}" for p, ms in summary.items() for m in ms)
                               if summary else None,
                               "live_methods": methods})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        # The stage is current when its deployment was made from the API as it is now: the
        # fingerprint covers every route of the API (a workshop may add routes to another's).
        description = f"codecraft {observed.attrs.get('live') or 'new'}"
        if observed.exists and observed.attrs.get("description") == description:
            return []
        return [Call("apigateway", "create_deployment", {
            "restApiId": props["api"], "stageName": props["stage"], "description": description,
        }, output="created", records=not observed.exists)]

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """The stage must serve the API's methods as they are (nothing is live before "Deploy API");
        its name is the student's when the seed names none (engine/discovery found it)."""
        ours = f"codecraft {observed.attrs.get('live')}"
        if observed.attrs.get("description") == ours:
            return []
        stale = bool(self.plan(ctx, res, props, observed)) if not by_hand else False
        if by_hand:  # deployed from the console: does the deployment serve every method the API has now?
            deployed = observed.attrs.get("deployed_methods")
            stale = deployed is not None and bool(set(observed.attrs.get("live_methods") or []) - set(deployed))
        if not stale:
            return []
        stage = self.stage(ctx, res, props)
        return [finding("routes",
                        _("API Gateway › APIs › Resources › Deploy API › Stage: {stage} (the stage does not serve "
                          "the latest changes)").format(stage=stage),
                        _('nothing is live before a deployment: without it the API answers 403 "Missing '
                          'Authentication Token"'))]

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        deployment_id = created(results, observed, "deployment_id", "id")
        stage = self.stage(ctx, res, props)
        return {
            "api": props["api"], "stage": stage, "id": deployment_id,
            "shared_stage": bool(props.get("shared_stage")),
            "invoke_url": invoke_url(ctx, str(props["api"]), stage),
        }

    def physical_id(self, outputs: Mapping[str, Any]) -> str:
        return f"{outputs['api']}/{outputs['stage']}"

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        out = record["outputs"]
        if out.get("shared_stage"):
            return []  # its routes redeploy the stage as they go
        return [Call("apigateway", "delete_stage", {"restApiId": out["api"], "stageName": out["stage"]},
                     gone_ok=GONE)]
