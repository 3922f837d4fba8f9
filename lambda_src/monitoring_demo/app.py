"""MonitoringDemo (workshop 4): a function that fails on demand, to watch the monitoring react.

Event: {"fail": true} raises an error (an unhandled exception: Lambda counts it in the Errors
metric, and the alarm on Errors fires); any other event reads the files' metadata table (an AWS
call, recorded by the X-Ray SDK as a subsegment when active tracing is on) and answers how many items it holds. Logs are one
JSON object per line (structured logs: CloudWatch Logs Insights reads their fields).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import boto3
from aws_xray_sdk.core import patch_all

patch_all()  # the X-Ray SDK records each AWS call (the Scan) as a subsegment of the invocation's trace
logger = logging.getLogger()
logger.setLevel(logging.INFO)
_dynamodb = None


class SimulatedFailure(Exception):
    """The error asked for by the event."""


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    global _dynamodb
    request_id = getattr(context, "aws_request_id", "")
    if isinstance(event, dict) and event.get("fail") is True:
        logger.error(json.dumps({"level": "ERROR", "requestId": request_id, "message": "simulated failure"}))
        raise SimulatedFailure("simulated failure requested by the event (fail: true)")
    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb")
    count = _dynamodb.scan(TableName=os.environ["TABLE_NAME"], Select="COUNT", Limit=100).get("Count", 0)
    logger.info(json.dumps({"level": "INFO", "requestId": request_id, "message": "metadata counted",
                            "count": count}))
    return {"ok": True, "count": count}
