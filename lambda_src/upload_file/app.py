"""UploadFile: POST /upload stores a project's file in S3 and its metadata in DynamoDB.

Body: {"file_content": "<base64>", "file_name": "guide.pdf", "project_id": "12345",
       "file_type": "pdf"}
The file's bytes (decoded, not the base64 text) go to s3://BUCKET/{project_id}/{file_name};
the item in TABLE keeps the seed's data model (workshop 3): fileID (the key), fileName,
projectID, fileType, s3Key; then size, content type and upload time. Bad input answers 400 in
JSON; nothing is written then.
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import os
import re
import uuid
from typing import Any

import boto3

from proxy import BadRequest, decode_base64, json_body, response, text

logger = logging.getLogger()
logger.setLevel(logging.INFO)

MAX_FILE = 4 * 1024 * 1024
SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]*$")
TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
         "txt": "text/plain", "md": "text/markdown", "zip": "application/zip", "json": "application/json"}
_s3 = None
_table = None


def _clients() -> tuple[Any, Any]:
    global _s3, _table
    if _s3 is None:
        _s3 = boto3.client("s3")
        _table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
    return _s3, _table


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    try:
        body = json_body(event)
        data = decode_base64(body.get("file_content"), "file_content", MAX_FILE)
        file_name = text(body, "file_name")
        project_id = text(body, "project_id", 64)
        file_type = (text(body, "file_type", 32, required=False) or "").lower()
        assert file_name is not None and project_id is not None
        if not SAFE.match(file_name) or ".." in file_name:
            raise BadRequest("file_name must be a plain file name (letters, digits, . _ - and spaces)")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", project_id):
            raise BadRequest("project_id may hold letters, digits, _ and - only")
    except BadRequest as exc:
        return response(exc.status, {"error": str(exc)})
    content_type = TYPES.get(file_type) or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    key = f"{project_id}/{file_name}"
    s3, table = _clients()
    s3.put_object(Bucket=os.environ["BUCKET_NAME"], Key=key, Body=data, ContentType=content_type)
    item = {
        # the seed's attribute names, so a query written from the seed works on this table too
        "fileID": uuid.uuid4().hex,
        "fileName": file_name,
        "projectID": project_id,
        "fileType": file_type or content_type,
        "s3Key": key,
        "size": len(data),
        "content_type": content_type,
        "uploaded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
    }
    table.put_item(Item=item)
    logger.info("stored %s (%d bytes) as %s", key, len(data), item["fileID"])
    return response(200, {"message": "File uploaded", **item})
