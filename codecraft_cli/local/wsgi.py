"""What the WSGI applications in front of moto share: the request body read once, the region
and service of a SigV4-signed request, the status of the answer of the application behind.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any


def buffered_body(environ: dict[str, Any]) -> bytes:
    """The request body, read once and left readable for the next application."""
    if "codecraft.body" not in environ:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        environ["codecraft.body"] = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(environ["codecraft.body"])
    return bytes(environ["codecraft.body"])


def body_text(environ: dict[str, Any]) -> str:
    """The body of a request as text, left readable for the next application."""
    return buffered_body(environ).decode("utf-8", "replace")


def signed_for(environ: dict[str, Any], service: str) -> bool:
    """The request is signed (SigV4) for this service."""
    return f"/{service}/aws4_request" in environ.get("HTTP_AUTHORIZATION", "")


def signed_region(environ: dict[str, Any], service: str) -> str:
    """The region of the signature's credential scope (``.../<date>/<region>/<service>/aws4_request``)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    return str(auth.split(f"/{service}/aws4_request")[0].rsplit("/", 1)[-1])


def call_capturing(app: Any, environ: dict[str, Any], start_response: Any) -> tuple[str, list[bytes]]:
    """Call the application behind, answering as it answers; its status line and body."""
    holder: dict[str, str] = {}

    def capture(status: str, headers: Any, exc_info: Any = None) -> Any:
        holder["status"] = status
        return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

    chunks = list(app(environ, capture))
    return holder.get("status", ""), chunks


def aws_json_error(start_response: Any, status: str, code: str, body: dict[str, str]) -> Iterable[bytes]:
    """An error answer of a JSON AWS API (Lambda): the code in ``x-amzn-ErrorType``."""
    start_response(status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)])
    return [json.dumps(body).encode()]
