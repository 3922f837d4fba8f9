"""The real ProcessOrder handler (lambda_src/process_order/app.py) against moto, in process.

Every test sends a real API Gateway REST proxy event (payload format 1.0) and looks at what a
user would see: the HTTP answer, the item in the Orders table, the message that SNS fanned out
to the SQS queue (raw message delivery), and, for a rejected order, that nothing was written.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import uuid
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

APP = Path(__file__).resolve().parents[2] / "lambda_src" / "process_order" / "app.py"
REGION = "us-east-1"
TABLE = "Orders"
TOPIC = "OrderNotifications"
QUEUE = "OrderProcessingQueue"


def api_event(body: Any, *, is_base64: bool = False, method: str = "POST") -> dict[str, Any]:
    """An API Gateway REST API (v1) Lambda proxy event for POST /orders on stage prod."""
    return {
        "resource": "/orders",
        "path": "/orders",
        "httpMethod": method,
        "headers": {
            "Accept": "*/*",
            "Content-Type": "application/json",
            "Host": "abc123.execute-api.us-east-1.amazonaws.com",
            "User-Agent": "curl/8.5.0",
            "X-Forwarded-For": "203.0.113.10",
            "X-Forwarded-Port": "443",
            "X-Forwarded-Proto": "https",
        },
        "multiValueHeaders": {
            "Accept": ["*/*"],
            "Content-Type": ["application/json"],
            "Host": ["abc123.execute-api.us-east-1.amazonaws.com"],
        },
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "res456",
            "resourcePath": "/orders",
            "httpMethod": method,
            "extendedRequestId": "Kx1abcDEFgHIjkl=",
            "requestTime": "09/Apr/2025:12:34:56 +0000",
            "path": "/prod/orders",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abc123",
            "requestTimeEpoch": 1744202096000,
            "requestId": str(uuid.uuid4()),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.10",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": "curl/8.5.0",
                "user": None,
            },
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "apiId": "abc123",
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }


class Stack:
    """The moto resources the handler talks to, and the module under test."""

    def __init__(self, app: ModuleType, table: Any, sqs: Any, queue_url: str, topic_arn: str) -> None:
        self.app = app
        self.table = table
        self.sqs = sqs
        self.queue_url = queue_url
        self.topic_arn = topic_arn

    def invoke(self, event: Any) -> dict[str, Any]:
        return self.app.lambda_handler(event, None)

    def items(self) -> list[dict[str, Any]]:
        return self.table.scan()["Items"]

    def messages(self) -> list[dict[str, Any]]:
        got = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0)
        return got.get("Messages", [])

    def queued(self) -> int:
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])

    def assert_nothing_written(self) -> None:
        assert self.items() == []
        assert self.queued() == 0


def load_app() -> ModuleType:
    """Import app.py by path (it is not a package), fresh: it reads env vars at import."""
    spec = importlib.util.spec_from_file_location(f"process_order_app_{uuid.uuid4().hex}", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._dynamodb = None
    module._sns = None
    return module


@pytest.fixture
def stack(lambda_aws: None, monkeypatch: pytest.MonkeyPatch):
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    table = dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    sns = boto3.client("sns", region_name=REGION)
    topic_arn = sns.create_topic(Name=TOPIC)["TopicArn"]
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True)
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("TOPIC_ARN", topic_arn)
    yield Stack(load_app(), table, sqs, queue_url, topic_arn)


def assert_json_response(resp: Any, status: int) -> dict[str, Any]:
    assert isinstance(resp, dict)
    assert resp["statusCode"] == status
    assert isinstance(resp["statusCode"], int)
    assert resp["headers"]["Content-Type"] == "application/json"
    assert isinstance(resp["body"], str)
    body = json.loads(resp["body"])
    assert isinstance(body, dict)
    return body


# --- a valid order -----------------------------------------------------------------------


LAPTOP = '{"order_id": "12345", "product": "Laptop", "price": 999.99}'


def test_valid_order_is_stored_and_notified(stack: Stack) -> None:
    resp = stack.invoke(api_event(LAPTOP))

    body = assert_json_response(resp, 200)
    assert body["order_id"] == "12345"
    item = stack.table.get_item(Key={"order_id": "12345"}).get("Item")
    assert item is not None
    assert item["product"] == "Laptop"
    assert item["price"] == Decimal("999.99")
    messages = stack.messages()
    assert len(messages) == 1
    # raw message delivery: the queue holds the function's message, not an SNS envelope
    message = json.loads(messages[0]["Body"])
    assert message["order"]["order_id"] == "12345"
    assert Decimal(str(message["order"]["price"])) == Decimal("999.99")


def test_integer_order_id_is_stored_as_text(stack: Stack) -> None:
    resp = stack.invoke(api_event('{"order_id": 12345, "price": 10}'))

    assert assert_json_response(resp, 200)["order_id"] == "12345"
    assert stack.table.get_item(Key={"order_id": "12345"})["Item"]["price"] == Decimal("10")


def test_base64_encoded_body_is_accepted(stack: Stack) -> None:
    encoded = base64.b64encode(LAPTOP.encode("utf-8")).decode("ascii")

    resp = stack.invoke(api_event(encoded, is_base64=True))

    assert_json_response(resp, 200)
    assert stack.table.get_item(Key={"order_id": "12345"})["Item"]["price"] == Decimal("999.99")
    assert len(stack.messages()) == 1


@pytest.mark.parametrize("product", [
    "'; DROP TABLE x; --",
    "Ordinateur portable — été ✓",
    "注文 🚀 \"quoted\" \\ back\\slash",
])
def test_text_is_stored_literally(stack: Stack, product: str) -> None:
    resp = stack.invoke(api_event(json.dumps({"order_id": "A-1", "product": product, "price": 5})))

    assert_json_response(resp, 200)
    assert stack.table.get_item(Key={"order_id": "A-1"})["Item"]["product"] == product
    messages = stack.messages()
    assert len(messages) == 1
    assert json.loads(messages[0]["Body"])["order"]["product"] == product


def test_same_order_twice_overwrites_one_item(stack: Stack) -> None:
    stack.invoke(api_event(LAPTOP))
    stack.invoke(api_event('{"order_id": "12345", "product": "Laptop", "price": 899.99}'))

    items = stack.items()
    assert len(items) == 1
    assert items[0]["price"] == Decimal("899.99")


# --- rejected orders: 400 with a JSON error, nothing written -------------------------------


BAD_BODIES = {
    "none": None,
    "empty": "",
    "broken_json": "{bad",
    "array": "[1,2]",
    "string": '"12345"',
    "number": "42",
    "null": "null",
    "no_order_id": '{"product": "x"}',
    "order_id_null": '{"order_id": null}',
    "order_id_list": '{"order_id": ["12345"]}',
    "order_id_dict": '{"order_id": {"id": "12345"}}',
    "order_id_true": '{"order_id": true}',
    "order_id_false": '{"order_id": false}',
    "order_id_float": '{"order_id": 1.5}',
    "order_id_blank": '{"order_id": "   "}',
    "order_id_too_long": json.dumps({"order_id": "x" * 201}),
    "product_not_text": '{"order_id": "1", "product": 42}',
    "product_too_long": json.dumps({"order_id": "1", "product": "p" * 201}),
    "price_text": '{"order_id": "12346", "product": "Laptop", "price": "cheap"}',
    "price_negative": '{"order_id": "1", "price": -1}',
    "price_negative_decimal": '{"order_id": "1", "price": -0.01}',
    "price_bool": '{"order_id": "1", "price": true}',
    "price_null": '{"order_id": "1", "price": null}',
    "price_nan": '{"order_id":"1","price": NaN}',
    "price_infinity": '{"order_id":"1","price": Infinity}',
    "price_minus_infinity": '{"order_id":"1","price": -Infinity}',
    "quantity_zero": '{"order_id": "1", "quantity": 0}',
    "quantity_fraction": '{"order_id": "1", "quantity": 1.5}',
    "quantity_text": '{"order_id": "1", "quantity": "2"}',
    "quantity_bool": '{"order_id": "1", "quantity": true}',
}


@pytest.mark.parametrize("body", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_invalid_body_gets_400_and_writes_nothing(stack: Stack, body: str | None) -> None:
    resp = stack.invoke(api_event(body))

    payload = assert_json_response(resp, 400)
    assert isinstance(payload.get("error"), str) and payload["error"]
    stack.assert_nothing_written()


@pytest.mark.parametrize("body", [
    base64.b64encode(b"{bad").decode(),
    base64.b64encode(b'{"product": "x"}').decode(),
    base64.b64encode(b"\xff\xfe\x00").decode(),  # not UTF-8
    "%%%not base64%%%",
])
def test_invalid_base64_body_gets_400(stack: Stack, body: str) -> None:
    resp = stack.invoke(api_event(body, is_base64=True))

    assert "error" in assert_json_response(resp, 400)
    stack.assert_nothing_written()


@pytest.mark.parametrize("event", [None, [], [api_event(LAPTOP)], "body", 42, {}, {"body": None}],
                         ids=["None", "empty_list", "list", "str", "int", "empty_dict", "dict_no_body"])
def test_event_that_is_not_a_request_gets_400(stack: Stack, event: Any) -> None:
    resp = stack.invoke(event)

    assert "error" in assert_json_response(resp, 400)
    stack.assert_nothing_written()


def test_error_message_names_the_problem(stack: Stack) -> None:
    resp = stack.invoke(api_event('{"product": "Laptop", "price": 999.99}'))

    assert "order_id" in json.loads(resp["body"])["error"]


# --- property: whatever the body, a JSON answer, never an exception ------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _assert_answers(resp: Any) -> None:
    assert isinstance(resp, dict)
    assert type(resp["statusCode"]) is int
    assert resp["statusCode"] in (200, 400)
    assert isinstance(resp["body"], str)
    json.loads(resp["body"])


@PROPERTY_SETTINGS
@given(body=st.text())
def test_any_text_body_gets_a_json_answer(stack: Stack, body: str) -> None:
    _assert_answers(stack.invoke(api_event(body)))


@PROPERTY_SETTINGS
@given(value=JSON_VALUES)
def test_any_json_body_gets_a_json_answer(stack: Stack, value: Any) -> None:
    _assert_answers(stack.invoke(api_event(json.dumps(value))))


# --- product bugs: unvalidated input crashes the function (API Gateway answers 502) --------
# The handler validates order_id/product/price/quantity, then hands the whole body to
# DynamoDB and SNS. Inputs that DynamoDB or botocore refuse raise out of lambda_handler,
# so API Gateway answers 502 "Internal server error" instead of a 400 with a JSON error
# (and, for the Unicode case, after the item may already be stored).


CRASHING_BODIES = {
    # json.loads turns the literal NaN/Infinity into a Python float in any field other than
    # price; boto3's DynamoDB serializer refuses floats -> TypeError.
    "nan_in_extra_field": '{"order_id": "1", "note": NaN}',
    "infinity_in_nested_field": '{"order_id": "1", "meta": {"x": [1.5, Infinity]}}',
    # Numbers outside DynamoDB's range (1e-130..1e126) or precision (38 digits) pass the
    # price/quantity checks; boto3's DYNAMODB_CONTEXT traps -> decimal.Overflow/Inexact/...
    "price_too_large": '{"order_id": "1", "price": 1e400}',
    "price_too_small": '{"order_id": "1", "price": 1e-200}',
    "price_too_precise": '{"order_id": "1", "price": 0.12345678901234567890123456789012345678901}',
    "quantity_too_precise": '{"order_id": "1", "quantity": 100000000000000000000000000000000000000001}',
    "extra_number_too_precise": '{"order_id": "1", "n": 1' + "0" * 50 + "1}",
    # A lone UTF-16 surrogate escape is valid JSON for Python but not encodable as UTF-8.
    "lone_surrogate_order_id": '{"order_id": "a\\ud800"}',
    "lone_surrogate_product": '{"order_id": "1", "product": "\\ud800"}',
    # An extra field would make the item exceed DynamoDB's 400 KB (API Gateway accepts 10 MB).
    "item_over_400kb": json.dumps({"order_id": "1", "note": "x" * 500_000}),
}


@pytest.mark.parametrize("body", list(CRASHING_BODIES.values()), ids=list(CRASHING_BODIES))
def test_body_refused_by_dynamodb_gets_400_not_a_crash(stack: Stack, body: str) -> None:
    resp = stack.invoke(api_event(body))

    assert "error" in assert_json_response(resp, 400)
    stack.assert_nothing_written()


def test_base64_flag_with_non_string_body_gets_400(stack: Stack) -> None:
    resp = stack.invoke({"body": ["not", "a", "string"], "isBase64Encoded": True})

    assert "error" in assert_json_response(resp, 400)


@PROPERTY_SETTINGS
@example(extra={"note": float("nan")})
@given(extra=st.dictionaries(
    st.text(min_size=1, max_size=10).filter(lambda k: k not in ("order_id", "product", "price", "quantity")),
    JSON_VALUES | st.floats(),
    max_size=4,
))
def test_valid_order_with_any_extra_fields_gets_a_json_answer(stack: Stack, extra: dict[str, Any]) -> None:
    body = json.dumps({"order_id": "P-1", "product": "Laptop", "price": 1, **extra})

    _assert_answers(stack.invoke(api_event(body)))
