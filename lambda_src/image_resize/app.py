"""ImageResize: on each new object under uploads/, write a 128x128 JPEG under resized/.

Triggered by S3 notifications filtered on the prefix uploads/; results go under resized/, so
a result never triggers the function again (and the handler ignores any other key, in case the
filter is changed). Any image Pillow opens is converted to RGB (transparency flattened on white)
and cropped to fill 128x128. The item keeps the seed's data model: ImageID (the key),
ResizedImageKey and Bucket, plus codecraft's status and facts. A file that is not an image is recorded as failed in TABLE; the
function does not raise for it, so S3 does not retry a file that will never resize.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import urllib.parse
from typing import Any

import boto3
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger()
logger.setLevel(logging.INFO)

SIZE = (128, 128)
SOURCE_PREFIX = "uploads/"
RESULT_PREFIX = "resized/"
MAX_PIXELS = 40_000_000  # refuse decompression bombs
_s3 = None
_table = None


def _clients() -> tuple[Any, Any]:
    global _s3, _table
    if _s3 is None:
        _s3 = boto3.client("s3")
        _table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    return _s3, _table


def to_thumbnail(data: bytes) -> tuple[bytes, dict[str, Any]]:
    """JPEG bytes of the 128x128 thumbnail, and facts about the original."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        facts = {"width": image.width, "height": image.height, "format": image.format, "mode": image.mode}
        if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            rgb = background
        else:
            rgb = image.convert("RGB")
        thumb = ImageOps.fit(rgb, SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=85)
    return out.getvalue(), facts


def _record(table: Any, image_id: str, **values: Any) -> None:
    names = {f"#{k}": k for k in values}
    table.update_item(Key={"ImageID": image_id},
                      UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values),
                      ExpressionAttributeNames=names, ExpressionAttributeValues={f":{k}": v for k, v in values.items()})


def handle(bucket: str, key: str) -> None:
    if not key.startswith(SOURCE_PREFIX):
        logger.warning("ignored %s: not under %s (no self-triggering)", key, SOURCE_PREFIX)
        return
    image_id = key[len(SOURCE_PREFIX):].rsplit(".", 1)[0]
    s3, table = _clients()
    data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    try:
        thumbnail, facts = to_thumbnail(data)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        logger.error("image %s could not be resized: %s", image_id, exc)
        _record(table, image_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:500], processed_at=now)
        return
    result_key = f"{RESULT_PREFIX}{image_id}.jpg"
    s3.put_object(Bucket=bucket, Key=result_key, Body=thumbnail, ContentType="image/jpeg")
    # ResizedImageKey and Bucket: the seed's data model (its lambda_function.py writes them)
    _record(table, image_id, status="done", ResizedImageKey=result_key, Bucket=bucket,
            resized_size=len(thumbnail), original_width=facts["width"], original_height=facts["height"], original_mode=facts["mode"],
            processed_at=now)
    logger.info("image %s resized to %s (%s %dx%d)", image_id, result_key, facts["mode"],
                facts["width"], facts["height"])


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    records = event.get("Records", []) if isinstance(event, dict) else []
    for record in records:
        s3 = record.get("s3") or {}
        bucket = (s3.get("bucket") or {}).get("name")
        key = urllib.parse.unquote_plus((s3.get("object") or {}).get("key", ""))
        if bucket and key:
            handle(bucket, key)
    return {"processed": len(records)}
