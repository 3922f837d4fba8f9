"""Send a request to a deployed REST API (``test-api`` and the verifier's ``http`` checks).

On the local target the request goes through the emulator's gateway (the real route,
method, authorizer and Lambda integration); on AWS through the stage's invoke URL.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import AwsFailure, UserError
from ..i18n import _
from ..resources.apigateway import invoke_url
from ..resources.apigateway_routes import Deployment, Route
from ..workshop.model import Workshop
from .context import DeployContext


@dataclass
class ApiResponse:
    status: int
    body: Any
    headers: dict[str, str]
    url: str
    elapsed_ms: float

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "body": self.body, "headers": self.headers,
                "url": self.url, "elapsed_ms": round(self.elapsed_ms, 1)}


def parse_route(route: str) -> tuple[str, str]:
    parts = route.split()
    if len(parts) != 2 or not parts[1].startswith("/"):
        raise UserError(_("Invalid route {route!r}.").format(route=route),
                        hint=_('Write it as METHOD /path, e.g. --route "POST /orders".'))
    return parts[0].upper(), parts[1]


def stage_of(workshop: Workshop, outputs: Mapping[str, Mapping[str, Any]],
             found: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(api id, stage name) of the workshop's API: the one found through its routes
    (``found``, engine/discovery), else as recorded or observed in ``outputs``."""
    if not workshop.api:
        raise UserError(_("The workshop {workshop} has no REST API to test.").format(workshop=workshop.id),
                        hint=_("Use --workshop to pick a workshop with an API."))
    found = found or {}
    api_id = found.get(workshop.api + "#id") or (outputs.get(workshop.api) or {}).get("id")
    stage = None
    for res in workshop.resources:
        if res.type == Deployment.info.type and res.properties.get("api") == "${%s.id}" % workshop.api:
            stage = found.get(res.id) or (outputs.get(res.id) or {}).get("stage") or res.properties.get("stage")
    if api_id and not stage and ":" in workshop.api:  # a prerequisite's API, deployed by it (anycompany-challenge)
        from ..workshop.loader import load_workshop

        other, prefix = workshop.api.partition(":")[0], workshop.api.partition(":")[0] + ":"
        return stage_of(load_workshop(other), {k[len(prefix):]: v for k, v in outputs.items() if k.startswith(prefix)},
                        {k[len(prefix):]: v for k, v in found.items() if k.startswith(prefix)})
    if not api_id or not stage:
        raise UserError(_("The API of {workshop} is not deployed.").format(workshop=workshop.id),
                        hint=_("Run `codecraft setup {workshop}` first.").format(workshop=workshop.id))
    return str(api_id), str(stage)


def send(ctx: DeployContext, api_id: str, stage: str, method: str, path: str,
         payload: Any = None, headers: Mapping[str, str] | None = None,
         timeout: float = 65.0) -> ApiResponse:
    url = invoke_url(ctx, api_id, stage) + path
    data = None
    all_headers = {"Accept": "application/json", "User-Agent": "codecraft"}
    if payload is not None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, got_headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, raw, got_headers = exc.code, exc.read(), dict(exc.headers)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        hint = (_("Is the emulator running? `codecraft local status`") if ctx.is_local
                else _("Check the stage is deployed and your network."))
        raise AwsFailure(_("{method} {url} failed: {reason}").format(method=method, url=url, reason=reason),
                         hint=hint) from exc
    elapsed = (time.perf_counter() - started) * 1000
    text = raw.decode("utf-8", errors="replace")
    try:
        body: Any = json.loads(text) if text else None
    except json.JSONDecodeError:
        body = text
    return ApiResponse(status, body, got_headers, url, elapsed)


def sign_in(ctx: DeployContext, outputs: Mapping[str, Mapping[str, Any]], client_ref: str, user_ref: str) -> str:
    """The ID token of the workshop's test user (USER_PASSWORD_AUTH; password from its secret)."""
    client = outputs.get(client_ref) or {}
    user = outputs.get(user_ref) or {}
    if not client.get("id") or not user.get("username"):
        raise UserError(_("The workshop's test user is not set up."),
                        hint=_("Run `codecraft setup` for the workshop (and its prerequisites) first."))
    password = ctx.client("secretsmanager").get_secret_value(SecretId=user["password_secret"])["SecretString"]
    got = ctx.client("cognito-idp").initiate_auth(
        ClientId=client["id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user["username"], "PASSWORD": password})
    token = (got.get("AuthenticationResult") or {}).get("IdToken")
    if not token:
        raise AwsFailure(_("Signing in {user} did not return an ID token (challenge: {challenge}).").format(
                         user=user["username"], challenge=got.get("ChallengeName")),
                         hint=_("Rerun `codecraft setup` to reset the test user's password."))
    return str(token)


def route_needs_token(workshop: Workshop, method: str, path: str) -> bool:
    for res in workshop.resources:
        if (res.type == Route.info.type and str(res.properties.get("method", "")).upper() == method
                and res.properties.get("path") == path):
            return res.properties.get("authorization") == "COGNITO_USER_POOLS"
    return False
