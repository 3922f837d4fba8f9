"""Ajout_job: POST /jobs records a job; GET /jobs/{job_id} shows it.

POST body: {"job_type": "table" | "file", "payload": {...}}. The job is written to the jobs
table with status "pending"; the table's stream triggers the Worker, which does the work and
marks the job "done". An unknown job_type answers 400 (nothing is written).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import uuid
from decimal import Decimal
from typing import Any

import boto3

from proxy import BadRequest, json_body, path_id, response

logger = logging.getLogger()
logger.setLevel(logging.INFO)

JOB_TYPES = ("table", "file")
MAX_PAYLOAD = 64 * 1024
_table = None


def _jobs() -> Any:
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(os.environ["JOBS_TABLE"])
    return _table


def create(event: dict[str, Any]) -> dict[str, Any]:
    body = json_body(event)
    job_type = body.get("job_type")
    if job_type not in JOB_TYPES:
        raise BadRequest(f"job_type must be one of: {', '.join(JOB_TYPES)}")
    payload = body.get("payload", {})
    encoded = json.dumps(payload, ensure_ascii=False)
    if len(encoded) > MAX_PAYLOAD:
        raise BadRequest("payload is larger than 64 KB", 413)
    try:
        encoded.encode("utf-8")  # a lone surrogate (\ud800) is valid JSON but not storable text
    except UnicodeEncodeError as exc:
        raise BadRequest("payload holds text that is not valid Unicode") from exc
    job = {"job_id": uuid.uuid4().hex, "job_type": job_type, "status": "pending",
           # stored as JSON text: any JSON value, no float/Decimal surprises in DynamoDB
           "payload": encoded,
           "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
    _jobs().put_item(Item=job)
    logger.info("job %s (%s) recorded", job["job_id"], job_type)
    return response(202, {"job_id": job["job_id"], "job_type": job_type, "status": "pending"})


def show(event: dict[str, Any]) -> dict[str, Any]:
    job_id = path_id(event, "job_id", "job")
    item = _jobs().get_item(Key={"job_id": job_id}).get("Item")
    if not item:
        raise BadRequest(f"no job {job_id}", 404)
    return response(200, {k: (int(v) if isinstance(v, Decimal) else v) for k, v in item.items()})


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    try:
        method = event.get("httpMethod") if isinstance(event, dict) else None
        if method == "POST":
            return create(event)
        if method == "GET":
            return show(event)
        raise BadRequest("use POST /jobs or GET /jobs/{job_id}", 405)
    except BadRequest as exc:
        return response(exc.status, {"error": str(exc)})
