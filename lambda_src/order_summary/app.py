"""OrderSummary: triggered by the Orders table's stream, keeps a daily summary and archives orders.

Seed 004, part 5.1: "Activer DynamoDB Streams pour synchroniser les commandes en temps réel" and
"Utiliser S3 Glacier pour archiver les commandes après 6 mois". For each INSERT record (a new
order stored by ProcessOrder):

- the day's summary item of SUMMARY_TABLE (key ``day``, YYYY-MM-DD in UTC, the day DynamoDB
  recorded the change) gets one more order and the order's price added to its total, at once:
  the summary follows the orders in real time. The update is conditional on the order id not
  being counted yet (the ``order_ids`` set), so a batch delivered twice counts each order once;
- the order is written as JSON to ``orders/<order_id>.json`` in ARCHIVE_BUCKET, whose lifecycle
  rule moves it to S3 Glacier Flexible Retrieval after 180 days (the bucket's configuration,
  not this code).

MODIFY and REMOVE records are ignored. Environment: SUMMARY_TABLE, ARCHIVE_BUCKET.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from decimal import Decimal
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


def day_of(record: dict[str, Any]) -> str:
    """The UTC day of the change (the record's ApproximateCreationDateTime, epoch seconds)."""
    when = (record.get("dynamodb") or {}).get("ApproximateCreationDateTime")
    moment = (datetime.datetime.fromtimestamp(float(when), datetime.timezone.utc) if when is not None
              else datetime.datetime.now(datetime.timezone.utc))
    return moment.date().isoformat()


def price_of(order: dict[str, Any]) -> Decimal:
    price = order.get("price")
    if isinstance(price, bool) or not isinstance(price, (Decimal, int)):
        return Decimal(0)
    quantity = order.get("quantity", 1)
    quantity = quantity if isinstance(quantity, (Decimal, int)) and not isinstance(quantity, bool) else 1
    return Decimal(price) * Decimal(quantity)


def summarize(day: str, order_id: str, amount: Decimal) -> dict[str, Any] | None:
    """The day's summary with this order counted (None: it was counted already)."""
    dynamodb, _ = _clients()
    table = dynamodb.Table(os.environ["SUMMARY_TABLE"])
    try:
        got = table.update_item(
            Key={"day": day},
            UpdateExpression="ADD order_count :one, total_amount :amount, order_ids :ids SET last_order_id = :id",
            ConditionExpression="attribute_not_exists(order_ids) OR NOT contains(order_ids, :id)",
            ExpressionAttributeValues={":one": 1, ":amount": amount, ":ids": {order_id}, ":id": order_id},
            ReturnValues="ALL_NEW")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return None
    return dict(got.get("Attributes") or {})


def _as_json(value: Any) -> Any:
    """DynamoDB's numbers (Decimal) as JSON numbers, its sets as lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def archive(order: dict[str, Any]) -> str:
    _, s3 = _clients()
    key = f"orders/{order['order_id']}.json"
    s3.put_object(Bucket=os.environ["ARCHIVE_BUCKET"], Key=key, ContentType="application/json",
                  Body=json.dumps(order, default=_as_json, ensure_ascii=False).encode())
    return key


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    counted = 0
    for record in (event or {}).get("Records", []):
        if record.get("eventName") != "INSERT":
            continue  # only new orders count: changes and removals leave the summary as it is
        order = plain_image((record.get("dynamodb") or {}).get("NewImage"), logger)
        order_id = str(order.get("order_id") or "")
        if not order_id:
            logger.warning("a stream record without order_id skipped")
            continue
        day = day_of(record)
        summary = summarize(day, order_id, price_of(order))
        key = archive(order)
        if summary is None:
            logger.info("order %s was already in the summary of %s; archived as %s", order_id, day, key)
            continue
        counted += 1
        logger.info("order %s added to the summary of %s: %s orders, total %s; archived as %s", order_id, day,
                    summary.get("order_count"), summary.get("total_amount"), key)
    return {"counted": counted}
