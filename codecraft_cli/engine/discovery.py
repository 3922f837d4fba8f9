"""Find a student's resources through the links that matter, whatever they are named.

A seed prescribes some names (the table ``Orders``, the function ``ProcessOrder``) and leaves
others open (the REST API's name, its stage when the seed names none, the function's role). A
resource whose name is left open is found through its links, as a teacher would look for it:

- the REST API whose resources hold the workshop's routes (path and method, an ``AWS_PROXY``
  integration whose URI names the workshop's function);
- its stage: one whose deployment serves those routes, the workshop's own stage name ("prod")
  preferred, then the most recently deployed;
- a function whose name is open: the one the route's integration invokes;
- then, from what is known, the other links (``discovery_links``): function -> role, log group,
  the table/bucket/topic/queue its environment names; bucket notification or stream mapping ->
  function; topic -> subscribed queue; the API's Cognito authorizer.

What is found goes into ``ctx.found`` (resource id -> physical name; for a REST API also
``"<id>#id"`` -> its id, since API names are not unique). What nothing matches is left out: the
handler then looks for codecraft's own name and reports it missing. ``--api NAME`` forces the
API (``api_name``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..errors import UserError
from ..i18n import _
from ..workshop.model import ResourceSpec, Workshop
from .discovery_links import best_effort, follow_links, name_is_open, ref

__all__ = ["API_ID", "discover", "held_routes", "known_names", "name_is_open"]

API_ID = "#id"  # ctx.found[f"{rest_api.id}#id"]: the found API's id
_PARAM = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True)
class Wanted:
    """One route of the workshop: ``METHOD /path`` served by this function name."""

    method: str
    path: str
    function: str | None  # None: any function (its name is open: found through this route)
    function_id: str = ""  # the workshop's resource id of the function


def _shape(path: str) -> str:
    """'/orders/{orderId}' -> '/orders/{}': a path parameter may have any name."""
    return _PARAM.sub("{}", "/" + path.strip("/"))


def discover(ctx: Any, workshop: Workshop, outputs: Mapping[str, Mapping[str, Any]] | None = None,
             api_name: str | None = None) -> dict[str, str]:
    """Fill ``ctx.found`` for the workshop's resources whose name the seed leaves open (and for
    its REST API whenever ``api_name`` is given); return what was found."""
    found: dict[str, str] = {}
    functions = _function_names(ctx, workshop, outputs or {})
    for res in workshop.resources:
        if res.type == "apigateway.rest_api" and (api_name or name_is_open(res)):
            best_effort(partial(_api_and_stages, ctx, workshop, res, functions, api_name, found))
    follow_links(ctx, workshop, known_names(ctx, workshop, outputs or {}, found), found)
    target = getattr(ctx, "found", None)
    if isinstance(target, dict):
        target.update(found)
    return found


def known_names(ctx: Any, workshop: Workshop, outputs: Mapping[str, Mapping[str, Any]],
                found: Mapping[str, str]) -> dict[str, str]:
    """resource id -> physical name of every named resource whose name is known: found, recorded
    by codecraft, or prescribed by the seed."""
    from ..resources import handler_for

    names = {}
    for res in workshop.resources:
        handler = handler_for(res.type)
        if not handler.info.named:
            continue
        recorded = (outputs.get(res.id) or {}).get("name")
        if res.id in found:
            names[res.id] = found[res.id]
        elif recorded:
            names[res.id] = str(recorded)
        elif not name_is_open(res):
            names[res.id] = handler.name(ctx, res)
    return names


def _api_and_stages(ctx: Any, workshop: Workshop, api: ResourceSpec, functions: Mapping[str, str],
                    api_name: str | None, found: dict[str, str]) -> None:
    routes = _routes_of(workshop, api.id, functions)
    got = _find_api(ctx, api, routes, api_name)
    if got is None:
        return
    api_id, name, held = got
    found[api.id], found[api.id + API_ID] = name, api_id
    for index, function in held.items():  # a function whose name is open: the one its route invokes
        if routes[index].function is None and routes[index].function_id:
            found.setdefault(routes[index].function_id, function)
    for res in workshop.resources:
        if (res.type == "apigateway.deployment" and ref(res.properties.get("api")) == (api.id, "id")
                and (api_name or name_is_open(res))):
            stage = _find_stage(ctx, api_id, routes, str(res.properties.get("stage") or "prod"))
            if stage:
                found[res.id] = stage


def _function_names(ctx: Any, workshop: Workshop, outputs: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """resource id -> the physical name of the workshop's functions whose name is known (prescribed
    by the seed, or recorded by codecraft); the others are found through their links."""
    from ..resources import handler_for

    names = {}
    for res in workshop.resources:
        if res.type == "lambda.function":
            recorded = (outputs.get(res.id) or {}).get("name")
            if recorded or not name_is_open(res):
                names[res.id] = str(recorded or handler_for(res.type).name(ctx, res))
    return names


def _routes_of(workshop: Workshop, api_id: str, functions: Mapping[str, str]) -> list[Wanted]:
    routes = []
    for res in workshop.resources:
        if res.type == "apigateway.route" and ref(res.properties.get("api")) == (api_id, "id"):
            link = ref(res.properties.get("function"))
            routes.append(Wanted(str(res.properties.get("method", "")).upper(), _shape(str(res.properties["path"])),
                                 functions.get(link[0]) if link else None, link[0] if link else ""))
    return routes


def function_of(uri: str) -> str | None:
    """The function an integration URI invokes
    (``...functions/arn:aws:lambda:R:A:function:NAME[:qualifier]/invocations``)."""
    got = re.search(r"functions/arn:aws[\w-]*:lambda:[^:/]+:\d+:function:([^:/]+)", uri or "")
    return got.group(1) if got else None


def held_routes(client: Any, api_id: str, routes: list[Wanted]) -> dict[int, str]:
    """The routes this API holds (resource + method, AWS_PROXY integration to the function), by
    index in ``routes``, with the function each invokes."""
    items = [item for page in client.get_paginator("get_resources").paginate(restApiId=api_id, embed=["methods"])
             for item in page.get("items", [])]
    by_shape: dict[str, dict[str, Any]] = {}
    for item in items:
        by_shape.setdefault(_shape(item.get("path", "/")), item)
    held: dict[int, str] = {}
    for index, route in enumerate(routes):
        item = by_shape.get(route.path)
        methods = (item or {}).get("resourceMethods") or {}
        key = route.method if route.method in methods else ("ANY" if "ANY" in methods else None)
        if item is None or key is None:
            continue
        method = methods.get(key) or {}
        if "methodIntegration" not in method:  # listed without its details
            method = client.get_method(restApiId=api_id, resourceId=item["id"], httpMethod=key)
        integration = method.get("methodIntegration") or {}
        function = function_of(str(integration.get("uri", "")))
        if integration.get("type") == "AWS_PROXY" and function and route.function in (None, function):
            held[index] = function
    return held


def _find_api(ctx: Any, api: ResourceSpec, routes: list[Wanted],
              api_name: str | None) -> tuple[str, str, dict[int, str]] | None:
    """(id, name) of the API holding the most routes (codecraft's name, then the newest, on a tie);
    with ``api_name``, among the APIs of that name (a UserError when there is none)."""
    from ..aws.errors import error_code, is_client_error
    from ..resources import handler_for

    client = ctx.client("apigateway")
    apis = [item for page in client.get_paginator("get_rest_apis").paginate() for item in page.get("items", [])]
    candidates = [a for a in apis if a.get("name") == api_name] if api_name else apis
    if api_name and not candidates:
        names = sorted({str(a.get("name")) for a in apis})
        raise UserError(_("No REST API named {api!r}.").format(api=api_name),
                        hint=_("REST APIs here: {names}.").format(names=", ".join(names)) if names else
                        _("There is no REST API at all on this target (check --region)."))
    ours = handler_for(api.type).name(ctx, api) if api.name else None
    best: tuple[tuple[int, bool, str], dict[str, Any], dict[int, str]] | None = None
    for item in candidates:
        try:
            held = held_routes(client, item["id"], routes) if routes else {}
        except Exception as exc:  # deleted meanwhile
            if is_client_error(exc) and error_code(exc) == "NotFoundException":
                continue
            raise
        if not held and not api_name:
            continue
        rank = (len(held), item.get("name") == ours, str(item.get("createdDate") or ""))
        if best is None or rank > best[0]:
            best = (rank, item, held)
    return (str(best[1]["id"]), str(best[1].get("name")), best[2]) if best else None


def _find_stage(ctx: Any, api_id: str, routes: list[Wanted], preferred: str) -> str | None:
    """The stage whose deployment serves the routes: ``preferred`` first, then the newest."""
    client = ctx.client("apigateway")
    stages = client.get_stages(restApiId=api_id).get("item", [])
    if not stages:
        return None
    created = {d["id"]: str(d.get("createdDate") or "")
               for page in client.get_paginator("get_deployments").paginate(restApiId=api_id)
               for d in page.get("items", [])}
    best: tuple[tuple[bool, bool, str], str] | None = None
    for stage in stages:
        deployment = stage.get("deploymentId")
        serves = True
        if deployment and routes:
            got = client.get_deployment(restApiId=api_id, deploymentId=deployment, embed=["apisummary"])
            summary = got.get("apiSummary")
            if summary is not None:  # what the deployment serves (not every target says)
                deployed = {(m.upper(), _shape(p)) for p, ms in summary.items() for m in ms}
                serves = all((r.method, r.path) in deployed or ("ANY", r.path) in deployed for r in routes)
        when = str(stage.get("lastUpdatedDate") or stage.get("createdDate") or created.get(str(deployment), ""))
        rank = (serves, stage.get("stageName") == preferred, when)
        if best is None or rank > best[0]:
            best = (rank, str(stage["stageName"]))
    return best[1] if best else None
