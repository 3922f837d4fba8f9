"""ProcessOrder: validate an order from API Gateway, store it in DynamoDB, notify.

The function publishes one notification to the SNS topic TOPIC_ARN. The workshop subscribes
the SQS queue OrderProcessingQueue to that topic (raw message delivery), so every order also
lands in the queue for deferred processing: SNS fans out, SQS keeps the message until a
consumer takes it. The function never sends to the queue itself, and nothing consumes the
queue in this workshop, so the message stays there as evidence.

Environment: TABLE_NAME (DynamoDB table), TOPIC_ARN (SNS topic). No credentials: the
function's role grants exactly dynamodb:PutItem on the table and sns:Publish on the topic.
"""

from __future__ import annotations

import json
import logging
import os
from decimal import Decimal, InvalidOperation
from typing import Any

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)

TABLE_NAME = os.environ.get("TABLE_NAME", "")
TOPIC_ARN = os.environ.get("TOPIC_ARN", "")

_dynamodb = None
_sns = None

MAX_TEXT = 200


def _clients() -> tuple[Any, Any]:
    global _dynamodb, _sns
    if _dynamodb is None:
        _dynamodb = boto3.resource("dynamodb").Table(TABLE_NAME)
        _sns = boto3.client("sns")
    return _dynamodb, _sns


def response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str, ensure_ascii=False),
    }


class InvalidOrder(ValueError):
    pass


def parse_order(event: Any) -> dict[str, Any]:
    """The order in an API Gateway proxy event, validated; floats as Decimal for DynamoDB."""
    if not isinstance(event, dict):
        raise InvalidOrder("the event is not an API Gateway request")
    body = event.get("body")
    if body is None or body == "":
        raise InvalidOrder("the request has no body: send a JSON object with order_id")
    if event.get("isBase64Encoded"):
        import base64

        try:
            body = base64.b64decode(body).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidOrder("the body is not valid base64 UTF-8 text") from exc
    try:
        order = json.loads(body, parse_float=Decimal) if isinstance(body, str) else body
    except (json.JSONDecodeError, InvalidOperation) as exc:
        raise InvalidOrder(f"the body is not valid JSON ({exc.__class__.__name__})") from exc
    if not isinstance(order, dict):
        raise InvalidOrder("the body must be a JSON object")
    order_id = order.get("order_id")
    if order_id is None:
        raise InvalidOrder("order_id is required")
    if isinstance(order_id, bool) or not isinstance(order_id, str | int):
        raise InvalidOrder("order_id must be a string")
    order_id = str(order_id).strip()
    if not order_id or len(order_id) > MAX_TEXT:
        raise InvalidOrder(f"order_id must be 1 to {MAX_TEXT} characters")
    order["order_id"] = order_id
    if "product" in order and (not isinstance(order["product"], str) or len(order["product"]) > MAX_TEXT):
        raise InvalidOrder(f"product must be a text of at most {MAX_TEXT} characters")
    if "price" in order:
        price = order["price"]
        if isinstance(price, bool) or not isinstance(price, Decimal | int):
            raise InvalidOrder("price must be a number")
        price = Decimal(price)
        if not price.is_finite() or price < 0:
            raise InvalidOrder("price must be a positive number")
        order["price"] = price
    if "quantity" in order:
        quantity = order["quantity"]
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidOrder("quantity must be a whole number of at least 1")
    return order


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    try:
        order = parse_order(event)
    except InvalidOrder as exc:
        logger.info("rejected order: %s", exc)
        return response(400, {"error": str(exc)})
    table, sns = _clients()
    table.put_item(Item=order)
    message = json.dumps({"event": "order_received", "order": order}, default=str, ensure_ascii=False)
    sns.publish(TopicArn=TOPIC_ARN, Subject="Order received", Message=message)
    logger.info("order %s stored and published", order["order_id"])
    return response(200, {"message": "Order processed", "order_id": order["order_id"]})
