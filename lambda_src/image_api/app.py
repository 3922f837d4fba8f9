"""ImageApi: POST /images uploads an image; GET /images/{id} returns its metadata.

POST body: {"image": "<base64>", "file_name": "cat.png"}. Only images are accepted (PNG, JPEG,
GIF, WebP, BMP, TIFF, recognised by their first bytes): anything else answers 400. The bytes go to
s3://BUCKET/uploads/{id}.{ext} (the resize function is triggered on uploads/ only) and an item
{ImageID, status: "uploaded", ...} to TABLE; the resize function completes it.
"""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from decimal import Decimal
from typing import Any

import boto3

from proxy import BadRequest, decode_base64, json_body, path_id, response, text

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_IMAGE = 4 * 1024 * 1024
SIGNATURES = [(b"\x89PNG\r\n\x1a\n", "png", "image/png"), (b"\xff\xd8\xff", "jpg", "image/jpeg"),
              (b"GIF87a", "gif", "image/gif"), (b"GIF89a", "gif", "image/gif"), (b"BM", "bmp", "image/bmp"),
              (b"II*\x00", "tiff", "image/tiff"), (b"MM\x00*", "tiff", "image/tiff")]
_s3 = None
_table = None


def _clients() -> tuple[Any, Any]:
    global _s3, _table
    if _s3 is None:
        _s3 = boto3.client("s3")
        _table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    return _s3, _table


def sniff(data: bytes) -> tuple[str, str] | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    for magic, ext, mime in SIGNATURES:
        if data.startswith(magic):
            return ext, mime
    return None


def upload(event: dict[str, Any]) -> dict[str, Any]:
    body = json_body(event)
    data = decode_base64(body.get("image"), "image", MAX_IMAGE)
    file_name = text(body, "file_name", 255, required=False) or "image"
    kind = sniff(data)
    if kind is None:
        raise BadRequest("image is not a PNG, JPEG, GIF, WebP, BMP or TIFF image")
    ext, mime = kind
    image_id = uuid.uuid4().hex
    key = f"uploads/{image_id}.{ext}"
    s3, table = _clients()
    table.put_item(Item={"ImageID": image_id, "Bucket": os.environ["BUCKET_NAME"], "status": "uploaded",
                         "file_name": file_name,
                         "original_key": key, "content_type": mime, "size": len(data),
                         "uploaded_at": datetime.datetime.now(datetime.timezone.utc).isoformat()})
    s3.put_object(Bucket=os.environ["BUCKET_NAME"], Key=key, Body=data, ContentType=mime)
    logger.info("image %s uploaded (%d bytes)", image_id, len(data))
    return response(201, {"ImageID": image_id, "status": "uploaded", "original_key": key})


def metadata(event: dict[str, Any]) -> dict[str, Any]:
    image_id = path_id(event, "id", "image")
    _, table = _clients()
    item = table.get_item(Key={"ImageID": image_id}).get("Item")
    if not item:
        raise BadRequest(f"no image {image_id}", 404)
    return response(200, {k: _number(v) for k, v in item.items()})


def _number(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: answer them as JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    try:
        method = event.get("httpMethod") if isinstance(event, dict) else None
        if method == "POST":
            return upload(event)
        if method == "GET":
            return metadata(event)
        raise BadRequest("use POST /images or GET /images/{id}", 405)
    except BadRequest as exc:
        return response(exc.status, {"error": str(exc)})
