"""MonitoringDemo (workshop 4): a function that fails on demand, to watch the monitoring react.

Event: {"fail": true} raises an error (an unhandled exception: Lambda counts it in the Errors
metric, and the alarm on Errors fires); any other event reads the files' metadata table (an AWS
call, recorded by the X-Ray SDK as a subsegment when active tracing is on) and answers how many items it holds. Logs are structured: the function's log format is JSON
(Lambda's advanced logging controls), so the Python runtime writes each ``logging`` record as one
JSON object (timestamp, level, message, logger, requestId and the record's ``extra`` fields) that
CloudWatch Logs Insights filters by field ("Using JSON format logs with Python",
https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html). print() would stay plain text.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import boto3
from aws_xray_sdk.core import patch_all

patch_all()  # the X-Ray SDK records each AWS call (the Scan) as a subsegment of the invocation's trace
logger = logging.getLogger()  # its level: the function's application log level (INFO by default)
_dynamodb = None


class SimulatedFailure(Exception):
    """The error asked for by the event."""


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    global _dynamodb
    if isinstance(event, dict) and event.get("fail") is True:
        logger.error("simulated failure")
        raise SimulatedFailure("simulated failure requested by the event (fail: true)")
    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb")
    count = _dynamodb.scan(TableName=os.environ["TABLE_NAME"], Select="COUNT", Limit=100).get("Count", 0)
    logger.info("metadata counted", extra={"count": count})
    return {"ok": True, "count": count}
