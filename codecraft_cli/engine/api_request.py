"""``test-api``: one request through a deployed workshop's API, as a client would send it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..i18n import _
from .api import ApiResponse
from .identity import Deployments
from .session import open_context, open_target, resolve_region
from .settings import Settings

if TYPE_CHECKING:
    from ..workshop.model import Workshop


@dataclass(frozen=True)
class ApiRequest:
    body: Any = None  # None: the workshop's sample payload
    workshop: str | None = None  # None: the one deployed workshop with an API
    route: str | None = None  # "POST /orders"; None: the workshop's default route
    student: str | None = None
    auth: bool = True  # sign in as the workshop's test user for a protected route
    api: str | None = None  # --api NAME: this REST API (default: the one holding the workshop's routes)
    payload_name: str | None = None  # --payload NAME: one of the workshop's named payloads


def deployed_workshop(target: str, region: str, student: str | None) -> str:
    """The one workshop with an API deployed on this target for this student, or a UserError."""
    from ..workshop import load_workshop

    found: list[str] = []
    for state in Deployments(target, region).find(student=student, any_student=False):
        try:
            if load_workshop(state.data["workshop"]).api:
                found.append(str(state.data["workshop"]))
        except UserError:
            continue
    if len(found) == 1:
        return found[0]
    raise UserError(_("Which workshop's API? None is deployed.") if not found else
                    _("Which workshop's API? Deployed: {workshops}.").format(workshops=", ".join(found)),
                    hint=_("Pass --workshop, e.g. --workshop anycompany-orders (after `codecraft setup`)."))


def call_api(settings: Settings, request: ApiRequest,
             on_signed_in: Callable[[], None] = lambda: None) -> tuple[str, ApiResponse]:
    """(method, response) of the request sent through the deployed API."""
    from ..workshop import all_workshops, load_workshop
    from .api import parse_route, route_needs_token, send, sign_in, stage_of
    from .context import check_student
    from .discovery import discover

    check_student(request.student)
    name = request.workshop or deployed_workshop(settings.target, resolve_region(settings), request.student)
    from .email_choice import deployed as with_email  # its payloads with the address setup recorded (--email)

    w = load_workshop(name)
    w = with_email(w, Deployments(settings.target, resolve_region(settings)).key(w.id, request.student))
    if not w.api:
        with_api = [o.id for o in all_workshops() if o.api]
        raise UserError(_("The workshop {workshop} has no REST API to test.").format(workshop=w.id),
                        hint=_("Pick one that has: --workshop {workshops}.").format(workshops=" | ".join(with_api)))
    if not (request.route or w.default_route):
        raise UserError(_("The workshop {workshop} names no default route.").format(workshop=w.id),
                        hint=_('Say which one, e.g. --route "POST /orders".'))
    method, path = parse_route(request.route or w.default_route or "")
    body = payload_of(w, request)
    ctx = open_context(w, open_target(settings), request.student, settings.lang)
    outputs = ctx.known_outputs()
    # built by hand or by another tool: the API holding the workshop's routes, whatever its name
    found = discover(ctx, w, outputs, api_name=request.api)
    if not found.get(f"{w.api}#id") and not (outputs.get(w.api or "") or {}).get("id"):
        raise UserError(_("No REST API here serves the routes of {workshop} ({routes}).").format(
                        workshop=w.id, routes=_routes(w)),
                        hint=_("Build it (`codecraft show {workshop}`) or run `codecraft setup {workshop}`; "
                               "name an API with --api NAME.").format(workshop=w.id))
    api_id, stage = stage_of(w, outputs, found)
    stages = [r.id for r in w.resources if r.type == "apigateway.deployment"
              and r.properties.get("api") == "${%s.id}" % w.api]
    if found.get(f"{w.api}#id") and not any(rid in found for rid in stages) and not ctx.client(
            "apigateway").get_stages(restApiId=api_id).get("item"):
        raise UserError(_("The REST API {api} ({id}) is not deployed to any stage.").format(
                        api=found.get(w.api), id=api_id),
                        hint=_("API Gateway › the API › Deploy API › New stage (any name); nothing was sent."))
    headers = {}
    if request.auth and route_needs_token(w, method, path) and w.test_user:
        headers["Authorization"] = sign_in(ctx, outputs, w.test_user["client"], w.test_user["user"])
        on_signed_in()
    return method, send(ctx, api_id, stage, method, path, body, headers)


def payload_of(w: Workshop, request: ApiRequest) -> Any:
    """The body to send: the request's, a named payload of the workshop, else its default one."""
    if request.payload_name is not None:
        if request.payload_name not in w.payloads:
            names = ", ".join(sorted(w.payloads)) or _("none")
            raise UserError(_("{workshop} has no payload named {payload!r} (its payloads: {names}).").format(
                            workshop=w.id, payload=request.payload_name, names=names),
                            hint=_("Pass one of those names, or a JSON body such as --payload {example}; "
                                   "nothing was sent.").format(example="""'{"order_id": "1"}'"""))
        return w.payloads[request.payload_name]
    if request.body is None and w.default_payload:
        return w.payloads.get(w.default_payload)
    return request.body


def _routes(w: Workshop) -> str:
    found = [f"{r.properties.get('method')} {r.properties.get('path')}" for r in w.resources
             if r.type == "apigateway.route" and r.properties.get("api") == "${%s.id}" % w.api]
    return ", ".join(found) or _("no route")
