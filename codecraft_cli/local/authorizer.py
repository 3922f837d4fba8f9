"""Cognito user-pool authorizers for the local gateway, checked as API Gateway checks them.

The bearer token in the authorizer's identity source (the ``Authorization`` header) must be a
JWT signed with the pool's key (RS256, verified against the pool's JWKS served by the emulator
at ``/{pool_id}/.well-known/jwks.json``), issued by one of the authorizer's pools, not expired,
and — without OAuth scopes on the method — an ID token whose audience is an app client of that
pool. Otherwise the gateway answers 401. The claims reach the function in
``requestContext.authorizer.claims``, every value a string as API Gateway renders it (see
:func:`render_claims`).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

from .clients import EmulatorClients


class CognitoAuthorizers:
    def __init__(self, clients: EmulatorClients) -> None:
        self.clients = clients
        self._jwks: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _keyset(self, region: str, pool_id: str) -> Any:
        from joserfc.jwk import KeySet

        with self._lock:
            if pool_id not in self._jwks:
                request = urllib.request.Request(f"{self.clients.endpoint}/{pool_id}/.well-known/jwks.json",
                                                 headers={"Host": f"cognito-idp.{region}.amazonaws.com"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    self._jwks[pool_id] = KeySet.import_key_set(json.loads(response.read()))
            return self._jwks[pool_id]

    def check(self, apigw: Any, api_id: str, authorizer_id: str | None, headers: Any,
              region: str, cognito: Any = None) -> dict[str, Any] | None:
        from joserfc import jwt
        from joserfc.errors import JoseError

        if not authorizer_id:
            return None
        authorizer = apigw.get_authorizer(restApiId=api_id, authorizerId=authorizer_id)
        source = authorizer.get("identitySource") or "method.request.header.Authorization"
        token = headers.get(source.rsplit(".", 1)[-1], "")
        if token.lower().startswith("bearer "):
            token = token[7:]
        token = token.strip()
        if not token:
            return None
        for pool_arn in authorizer.get("providerARNs") or []:
            pool_region, pool_id = pool_arn.split(":")[3], pool_arn.rsplit("/", 1)[-1]
            issuer = f"https://cognito-idp.{pool_region}.amazonaws.com/{pool_id}"
            try:
                decoded = jwt.decode(token, self._keyset(pool_region, pool_id), algorithms=["RS256"])
            except (JoseError, ValueError):
                continue
            claims = dict(decoded.claims)
            if claims.get("iss") != issuer:
                continue
            if not isinstance(claims.get("exp"), int | float) or claims["exp"] < time.time():
                return None
            if claims.get("token_use") != "id":
                return None  # without OAuth scopes, API Gateway expects the ID token
            if claims.get("aud") not in self._clients(pool_region, pool_id):
                return None
            return render_claims(claims)
        return None

    def _clients(self, region: str, pool_id: str) -> set[str]:
        client = self.clients.client("cognito-idp", region)
        clients = client.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60).get("UserPoolClients", [])
        return {c["ClientId"] for c in clients}


_DATE_CLAIMS = ("exp", "iat")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def render_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The token's claims as a REST API's Cognito authorizer hands them to the function.

    Every value is a string: booleans ``"true"``/``"false"``, numbers as written
    (``auth_time`` ``"1700000000"``), ``exp`` and ``iat`` as a date (``"Tue Apr 04 18:39:39 UTC
    2023"``), lists such as ``cognito:groups`` joined with commas. Code that reads
    ``claims["email_verified"] == "true"`` or splits the groups works the same here and on AWS.
    """
    rendered = {}
    for key, value in claims.items():
        if key in _DATE_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
            at = time.gmtime(value)  # in English whatever the emulator's locale
            text = (f"{_DAYS[at.tm_wday]} {_MONTHS[at.tm_mon - 1]} {at.tm_mday:02d} "
                    f"{time.strftime('%H:%M:%S', at)} UTC {at.tm_year}")
        elif isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list | tuple):
            text = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value)
        rendered[key] = text
    return rendered
