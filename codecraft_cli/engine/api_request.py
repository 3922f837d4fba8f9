"""``test-api``: one request through a deployed workshop's API, as a client would send it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import UserError
from .api import ApiResponse
from .identity import Deployments
from .session import open_context, open_target, resolve_region
from .settings import Settings


@dataclass(frozen=True)
class ApiRequest:
    body: Any = None  # None: the workshop's sample payload
    workshop: str | None = None  # None: the one deployed workshop with an API
    route: str | None = None  # "POST /orders"; None: the workshop's default route
    student: str | None = None
    auth: bool = True  # sign in as the workshop's test user for a protected route


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
    raise UserError("Which workshop's API? " + ("None is deployed." if not found else f"Deployed: {', '.join(found)}."),
                    hint="Pass --workshop, e.g. --workshop anycompany-orders (after `codecraft setup`).")


def call_api(settings: Settings, request: ApiRequest,
             on_signed_in: Callable[[], None] = lambda: None) -> tuple[str, ApiResponse]:
    """(method, response) of the request sent through the deployed API."""
    from ..workshop import all_workshops, load_workshop
    from .api import parse_route, route_needs_token, send, sign_in, stage_of
    from .context import check_student

    check_student(request.student)
    name = request.workshop or deployed_workshop(settings.target, resolve_region(settings), request.student)
    w = load_workshop(name)
    if not w.api:
        with_api = [o.id for o in all_workshops() if o.api]
        raise UserError(f"The workshop {w.id} has no REST API to test.",
                        hint=f"Pick one that has: --workshop {' | '.join(with_api)}.")
    if not (request.route or w.default_route):
        raise UserError(f"The workshop {w.id} names no default route.",
                        hint='Say which one, e.g. --route "POST /orders".')
    method, path = parse_route(request.route or w.default_route or "")
    body = request.body
    if body is None and w.default_payload:
        body = w.payloads.get(w.default_payload)
    ctx = open_context(w, open_target(settings), request.student, settings.lang)
    outputs = ctx.known_outputs()
    api_id, stage = stage_of(w, outputs)
    headers = {}
    if request.auth and route_needs_token(w, method, path) and w.test_user:
        headers["Authorization"] = sign_in(ctx, outputs, w.test_user["client"], w.test_user["user"])
        on_signed_in()
    return method, send(ctx, api_id, stage, method, path, body, headers)
