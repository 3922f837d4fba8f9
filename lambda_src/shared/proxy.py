"""Small helpers for API Gateway proxy handlers: JSON answers and a validated JSON body."""

from __future__ import annotations

import base64
import json
from typing import Any

MAX_BODY = 8 * 1024 * 1024  # Lambda accepts 6 MB of payload; base64 makes it larger


class BadRequest(ValueError):
    """A 4xx answer with a message for the client."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def response(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body, ensure_ascii=False, default=str)}


def _no_constants(name: str) -> Any:
    raise BadRequest(f"{name} is not allowed in the body")


def json_body(event: Any) -> dict[str, Any]:
    """The JSON object in a proxy event's body, or BadRequest."""
    if not isinstance(event, dict):
        raise BadRequest("not an API Gateway request")
    raw = event.get("body")
    if not isinstance(raw, str) or not raw.strip():
        raise BadRequest("send a JSON object in the body")
    if len(raw) > MAX_BODY:
        raise BadRequest("the body is too large", 413)
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(raw, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest("the body is not valid base64 UTF-8 text") from exc
    try:
        body = json.loads(raw, parse_constant=_no_constants)
    except BadRequest:
        raise
    except (ValueError, RecursionError) as exc:  # ValueError: JSONDecodeError, or an int of > 4300 digits
        raise BadRequest("the body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def text(body: dict[str, Any], field: str, limit: int = 255, required: bool = True) -> str | None:
    value = body.get(field)
    if value is None:
        if not required:
            return None
        raise BadRequest(f"{field} is required (a non-empty text)")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{field} must be a non-empty text")
    if len(value) > limit:
        raise BadRequest(f"{field} must be at most {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest(f"{field} is not valid Unicode") from exc
    return value.strip()


def decode_base64(value: Any, field: str, limit: int) -> bytes:
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{field} is required (base64 text)")
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise BadRequest(f"{field} is not valid base64") from exc
    if not data:
        raise BadRequest(f"{field} is empty")
    if len(data) > limit:
        raise BadRequest(f"{field} is larger than {limit // (1024 * 1024)} MB", 413)
    return data


def path_id(event: dict[str, Any], name: str, what: str) -> str:
    """An id from the route's path ({name}): letters and digits, at most 64, or BadRequest."""
    params = event.get("pathParameters")
    value = (params.get(name) if isinstance(params, dict) else None) or ""
    if not isinstance(value, str) or not value.isalnum() or len(value) > 64:
        raise BadRequest(f"invalid {what} id")
    return value
