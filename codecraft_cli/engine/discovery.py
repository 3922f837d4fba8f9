"""Find a student's resources through the links that matter, whatever they are named.

A seed prescribes some names (the table ``Orders``, the function ``ProcessOrder``) and leaves
others open (the REST API's name, its stage when the seed names none, the function's role). A
resource whose name is left open is found through its links, as a teacher would look for it:

- the REST API whose resources hold the workshop's routes (path and method, an ``AWS_PROXY``
  integration whose URI names the workshop's function);
- its stage: one whose deployment serves those routes, the workshop's own stage name ("prod")
  preferred, then the most recently deployed;
- the role: the function's execution role (``GetFunctionConfiguration``).

What is found goes into ``ctx.found`` (resource id -> physical name; for a REST API also
``"<id>#id"`` -> its id, since API names are not unique). What nothing matches is left out: the
handler then looks for codecraft's own name and reports it missing. ``--api NAME`` forces the
API (``api_name``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from ..errors import UserError
from ..workshop.model import ResourceSpec, Workshop

# Until every handler says what the seed prescribes (Handler.prescribed): the types whose name a
# seed leaves open.
OPEN_NAMES = frozenset({"apigateway.rest_api", "apigateway.deployment", "iam.role"})
T = TypeVar("T")
API_ID = "#id"  # ctx.found[f"{rest_api.id}#id"]: the found API's id
_REF = re.compile(r"^\$\{([A-Za-z0-9_]+)\.(\w+)\}$")
_PARAM = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True)
class Wanted:
    """One route of the workshop: ``METHOD /path`` served by this function name."""

    method: str
    path: str
    function: str | None  # None: any function (the route names none that discovery knows)


def name_is_open(res: ResourceSpec) -> bool:
    """Whether the seed leaves this resource's name open (found through its links)."""
    from ..resources import handler_for

    if res.seed is not None:
        return "name" not in res.seed and "*" not in res.seed
    prescribed = getattr(handler_for(res.type), "prescribed", ("*",))
    if "*" in prescribed:
        return res.type in OPEN_NAMES
    return "name" not in prescribed


def _ref(value: Any) -> tuple[str, str] | None:
    got = _REF.match(str(value)) if isinstance(value, str) else None
    return (got.group(1), got.group(2)) if got else None


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
            _best_effort(partial(_api_and_stages, ctx, workshop, res, functions, api_name, found))
        elif res.type == "iam.role" and name_is_open(res):
            name = _best_effort(partial(_role_of, ctx, workshop, res.id, functions))
            if name:
                found[res.id] = name
    target = getattr(ctx, "found", None)
    if isinstance(target, dict):
        target.update(found)
    return found


def _best_effort(call: Callable[[], T]) -> T | None:
    """``call()``; an AWS refusal (no permission to list, throttled) finds nothing: the handler then
    looks for codecraft's name and says what is missing."""
    from ..aws.errors import is_client_error

    try:
        return call()
    except Exception as exc:
        if is_client_error(exc):
            return None
        raise


def _api_and_stages(ctx: Any, workshop: Workshop, api: ResourceSpec, functions: Mapping[str, str],
                    api_name: str | None, found: dict[str, str]) -> None:
    routes = _routes_of(workshop, api.id, functions)
    got = _find_api(ctx, api, routes, api_name)
    if got is None:
        return
    api_id, name = got
    found[api.id], found[api.id + API_ID] = name, api_id
    for res in workshop.resources:
        if (res.type == "apigateway.deployment" and _ref(res.properties.get("api")) == (api.id, "id")
                and (api_name or name_is_open(res))):
            stage = _find_stage(ctx, api_id, routes, str(res.properties.get("stage") or "prod"))
            if stage:
                found[res.id] = stage


def _function_names(ctx: Any, workshop: Workshop, outputs: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """resource id -> the physical name of each of the workshop's functions (prescribed by the seed)."""
    from ..resources import handler_for

    names = {}
    for res in workshop.resources:
        if res.type == "lambda.function":
            names[res.id] = str((outputs.get(res.id) or {}).get("name") or handler_for(res.type).name(ctx, res))
    return names


def _routes_of(workshop: Workshop, api_id: str, functions: Mapping[str, str]) -> list[Wanted]:
    routes = []
    for res in workshop.resources:
        if res.type == "apigateway.route" and _ref(res.properties.get("api")) == (api_id, "id"):
            ref = _ref(res.properties.get("function"))
            routes.append(Wanted(str(res.properties.get("method", "")).upper(), _shape(str(res.properties["path"])),
                                 functions.get(ref[0]) if ref else None))
    return routes


def _serves(uri: str, function: str | None) -> bool:
    """An integration URI (``...functions/arn:aws:lambda:R:A:function:NAME[:qualifier]/invocations``)
    that invokes this function."""
    if function is None:
        return True
    got = re.search(r"functions/arn:aws[\w-]*:lambda:[^:/]+:\d+:function:([^:/]+)", uri or "")
    return bool(got and got.group(1) == function)


def held_routes(client: Any, api_id: str, routes: list[Wanted]) -> int:
    """How many of the routes this API holds (resource + method, AWS_PROXY integration to the function)."""
    items = [item for page in client.get_paginator("get_resources").paginate(restApiId=api_id, embed=["methods"])
             for item in page.get("items", [])]
    by_shape: dict[str, dict[str, Any]] = {}
    for item in items:
        by_shape.setdefault(_shape(item.get("path", "/")), item)
    held = 0
    for route in routes:
        item = by_shape.get(route.path)
        methods = (item or {}).get("resourceMethods") or {}
        key = route.method if route.method in methods else ("ANY" if "ANY" in methods else None)
        if item is None or key is None:
            continue
        method = methods.get(key) or {}
        if "methodIntegration" not in method:  # listed without its details
            method = client.get_method(restApiId=api_id, resourceId=item["id"], httpMethod=key)
        integration = method.get("methodIntegration") or {}
        if integration.get("type") == "AWS_PROXY" and _serves(str(integration.get("uri", "")), route.function):
            held += 1
    return held


def _find_api(ctx: Any, api: ResourceSpec, routes: list[Wanted], api_name: str | None) -> tuple[str, str] | None:
    """(id, name) of the API holding the most routes (codecraft's name, then the newest, on a tie);
    with ``api_name``, among the APIs of that name (a UserError when there is none)."""
    from ..aws.errors import error_code, is_client_error
    from ..resources import handler_for

    client = ctx.client("apigateway")
    apis = [item for page in client.get_paginator("get_rest_apis").paginate() for item in page.get("items", [])]
    candidates = [a for a in apis if a.get("name") == api_name] if api_name else apis
    if api_name and not candidates:
        names = sorted({str(a.get("name")) for a in apis})
        raise UserError(f"No REST API named {api_name!r}.",
                        hint=f"REST APIs here: {', '.join(names)}." if names else
                        "There is no REST API at all on this target (check --region).")
    ours = handler_for(api.type).name(ctx, api) if api.name else None
    best: tuple[tuple[int, bool, str], dict[str, Any]] | None = None
    for item in candidates:
        try:
            held = held_routes(client, item["id"], routes) if routes else 0
        except Exception as exc:  # deleted meanwhile
            if is_client_error(exc) and error_code(exc) == "NotFoundException":
                continue
            raise
        if not held and not api_name:
            continue
        rank = (held, item.get("name") == ours, str(item.get("createdDate") or ""))
        if best is None or rank > best[0]:
            best = (rank, item)
    return (str(best[1]["id"]), str(best[1].get("name"))) if best else None


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


def _role_of(ctx: Any, workshop: Workshop, role_id: str, functions: Mapping[str, str]) -> str | None:
    """The execution role of the first existing function that the workshop gives this role."""
    from ..aws.errors import error_code, is_client_error

    client = ctx.client("lambda")
    for res in workshop.resources:
        if res.type != "lambda.function" or _ref(res.properties.get("role")) != (role_id, "arn"):
            continue
        try:
            arn = str(client.get_function_configuration(FunctionName=functions[res.id]).get("Role") or "")
        except Exception as exc:
            if is_client_error(exc) and error_code(exc) == "ResourceNotFoundException":
                continue
            raise
        if arn:
            return arn.rsplit("/", 1)[-1]
    return None
