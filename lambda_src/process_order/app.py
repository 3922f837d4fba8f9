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
MAX_BODY = 64 * 1024  # DynamoDB items are limited to 400 KB; an order is far smaller
MAX_DEPTH = 16  # DynamoDB allows 32 levels of nesting


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


def _reject_constant(name: str) -> Any:
    raise InvalidOrder(f"{name} is not a number DynamoDB can store")


def check_storable(value: Any, where: str = "body", depth: int = 0) -> None:
    """Refuse what DynamoDB or SNS would refuse, so the answer is a 400, not a crash (502)."""
    if depth > MAX_DEPTH:
        raise InvalidOrder(f"{where} is nested too deeply")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidOrder(f"{where} holds text that is not valid Unicode") from exc
    elif isinstance(value, Decimal):
        digits = value.as_tuple().digits
        if not value.is_finite() or len(digits) > 38 or (value and not -130 <= value.adjusted() <= 125):
            raise InvalidOrder(f"{where} is a number DynamoDB cannot store (at most 38 digits)")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise InvalidOrder(f"{where} has an empty field name")
            check_storable(key, f"a field name in {where}", depth + 1)
            check_storable(item, key if where == "body" else f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_storable(item, f"{where}[{index}]", depth + 1)


def parse_order(event: Any) -> dict[str, Any]:
    """The order in an API Gateway proxy event, validated; floats as Decimal for DynamoDB."""
    if not isinstance(event, dict):
        raise InvalidOrder("the event is not an API Gateway request")
    body = event.get("body")
    if body is None or body == "":
        raise InvalidOrder("the request has no body: send a JSON object with order_id")
    if not isinstance(body, str):
        raise InvalidOrder("the body must be JSON text")
    if event.get("isBase64Encoded"):
        import base64

        try:
            body = base64.b64decode(body, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidOrder("the body is not valid base64 UTF-8 text") from exc
    if len(body) > MAX_BODY:
        raise InvalidOrder(f"the body is larger than {MAX_BODY // 1024} KB")
    try:
        order = json.loads(body, parse_float=Decimal, parse_int=Decimal, parse_constant=_reject_constant)
    except (json.JSONDecodeError, InvalidOperation, RecursionError) as exc:
        raise InvalidOrder(f"the body is not valid JSON ({exc.__class__.__name__})") from exc
    if not isinstance(order, dict):
        raise InvalidOrder("the body must be a JSON object")
    check_storable(order)
    order_id = order.get("order_id")
    if order_id is None:
        raise InvalidOrder("order_id is required")
    if isinstance(order_id, bool) or not isinstance(order_id, str | Decimal):
        raise InvalidOrder("order_id must be a string")
    if isinstance(order_id, Decimal) and order_id != order_id.to_integral_value():
        raise InvalidOrder("order_id must be a string or a whole number")
    order_id = str(order_id).strip()
    if not order_id or len(order_id) > MAX_TEXT:
        raise InvalidOrder(f"order_id must be 1 to {MAX_TEXT} characters")
    order["order_id"] = order_id
    if "product" in order and (not isinstance(order["product"], str) or len(order["product"]) > MAX_TEXT):
        raise InvalidOrder(f"product must be a text of at most {MAX_TEXT} characters")
    if "price" in order:
        price = order["price"]
        if isinstance(price, bool) or not isinstance(price, Decimal):
            raise InvalidOrder("price must be a number")
        if price < 0:
            raise InvalidOrder("price must be a positive number")
        order["price"] = price
    if "quantity" in order:
        quantity = order["quantity"]
        if (isinstance(quantity, bool) or not isinstance(quantity, Decimal)
                or quantity != quantity.to_integral_value() or quantity < 1):
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
