"""Worker: triggered by the jobs table's stream, does each new job by its job_type.

- "table": writes the result as an item of RESULTS_TABLE (key job_id);
- "file":  writes the result as results/{job_id}.json in RESULTS_BUCKET.
Then marks the job "done" (with where the result is). Only INSERT records of pending jobs are
worked on: the update to "done" comes back on the stream as a MODIFY and is ignored, so the
worker never triggers itself. The status update is conditional (still "pending"), so a batch
delivered twice does the work once.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from typing import Any

import boto3
from botocore.exceptions import ClientError
from stream_image import plain_image

logger = logging.getLogger()
logger.setLevel(logging.INFO)

_dynamodb = None
_s3 = None


def _clients() -> tuple[Any, Any]:
    global _dynamodb, _s3
    if _dynamodb is None:
        _dynamodb = boto3.resource("dynamodb")
        _s3 = boto3.client("s3")
    return _dynamodb, _s3


def work(job: dict[str, Any]) -> str:
    dynamodb, s3 = _clients()
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    result = {"job_id": job["job_id"], "job_type": job["job_type"], "input": json.loads(job.get("payload") or "{}"),
              "processed_at": now}
    if job["job_type"] == "table":
        dynamodb.Table(os.environ["RESULTS_TABLE"]).put_item(Item={
            "job_id": job["job_id"], "result": json.dumps(result, ensure_ascii=False), "processed_at": now})
        return f"dynamodb://{os.environ['RESULTS_TABLE']}/{job['job_id']}"
    key = f"results/{job['job_id']}.json"
    s3.put_object(Bucket=os.environ["RESULTS_BUCKET"], Key=key, ContentType="application/json",
                  Body=json.dumps(result, ensure_ascii=False).encode())
    return f"s3://{os.environ['RESULTS_BUCKET']}/{key}"


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    dynamodb, _ = _clients()
    jobs = dynamodb.Table(os.environ["JOBS_TABLE"])
    done = 0
    for record in (event or {}).get("Records", []):
        if record.get("eventName") != "INSERT":
            continue  # our own status updates come back as MODIFY: never re-worked
        job = plain_image(record.get("dynamodb", {}).get("NewImage", {}), logger)
        if job.get("status") != "pending" or job.get("job_type") not in ("table", "file"):
            logger.warning("skipped job %s (status %s, type %s)", job.get("job_id"), job.get("status"),
                           job.get("job_type"))
            continue
        location = work(job)
        try:
            jobs.update_item(Key={"job_id": job["job_id"]},
                             UpdateExpression="SET #s = :done, result_location = :loc, finished_at = :at",
                             ConditionExpression="#s = :pending",
                             ExpressionAttributeNames={"#s": "status"},
                             ExpressionAttributeValues={":done": "done", ":pending": "pending", ":loc": location,
                                                        ":at": datetime.datetime.now(datetime.timezone.utc).isoformat()})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            logger.info("job %s was already done", job["job_id"])
            continue
        done += 1
        logger.info("job %s done: %s", job["job_id"], location)
    return {"done": done}
