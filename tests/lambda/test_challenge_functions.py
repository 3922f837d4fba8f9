"""OrderSummary and OrderConfirmation (lambda_src/order_summary, order_confirmation) against moto.

Stream events as DynamoDB Streams delivers them to Lambda (Lambda Developer Guide, "Using AWS
Lambda with Amazon DynamoDB": Records with eventName INSERT/MODIFY/REMOVE, dynamodb.NewImage in
the attribute-value format, ApproximateCreationDateTime in epoch seconds). A batch delivered
twice counts each order once; MODIFY and REMOVE leave the summary alone.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2] / "lambda_src"
REGION = "us-east-1"
WHEN = 1795953600  # 2026-11-29 12:00 UTC


def load(name: str) -> ModuleType:
    """The function's app.py, with lambda_src/shared/ importable as in its package (shared.txt)."""
    if str(ROOT / "shared") not in sys.path:
        sys.path.insert(0, str(ROOT / "shared"))
    spec = importlib.util.spec_from_file_location(f"challenge_{name}", ROOT / name / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def record(event: str, order: dict[str, Any]) -> dict[str, Any]:
    image = {k: {"N": str(v)} if isinstance(v, (int, float)) else {"S": v} for k, v in order.items()}
    return {"eventName": event, "eventSource": "aws:dynamodb",
            "dynamodb": {"ApproximateCreationDateTime": WHEN, "Keys": {"order_id": image["order_id"]},
                         "NewImage": image, "StreamViewType": "NEW_IMAGE"}}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(var, "testing")
    monkeypatch.setenv("SUMMARY_TABLE", "DailyOrderSummary")
    monkeypatch.setenv("ARCHIVE_BUCKET", "archive-bucket")
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName="DailyOrderSummary", KeySchema=[{"AttributeName": "day", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "day", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        boto3.client("s3").create_bucket(Bucket="archive-bucket")
        yield


def test_the_summary_counts_each_new_order_once_and_archives_it(aws: Any) -> None:
    app = load("order_summary")
    batch = {"Records": [record("INSERT", {"order_id": "a", "price": 10.5, "email": "x@example.com"}),
                         record("INSERT", {"order_id": "b", "price": 2, "quantity": 3}),
                         record("MODIFY", {"order_id": "a", "price": 99}),
                         record("REMOVE", {"order_id": "b", "price": 2})]}
    assert app.lambda_handler(batch, None) == {"counted": 2}
    assert app.lambda_handler(batch, None) == {"counted": 0}  # delivered again: nothing counted twice
    item = boto3.resource("dynamodb").Table("DailyOrderSummary").get_item(Key={"day": "2026-11-29"})["Item"]
    assert (item["order_count"], item["total_amount"], item["order_ids"]) == (2, 16.5, {"a", "b"})
    body = boto3.client("s3").get_object(Bucket="archive-bucket", Key="orders/a.json")["Body"].read()
    assert json.loads(body) == {"order_id": "a", "price": 10.5, "email": "x@example.com"}


def test_the_confirmation_names_the_order_and_skips_orders_without_email(aws: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDER", "orders@example.com")
    app = load("order_confirmation")
    ses = boto3.client("ses")
    for address in ("orders@example.com", "student@example.com"):
        ses.verify_email_identity(EmailAddress=address)
    batch = {"Records": [record("INSERT", {"order_id": "c-1", "product": "Laptop", "price": 999.99,
                                           "email": "student@example.com"}),
                         record("INSERT", {"order_id": "c-2"}),  # no email: nothing sent
                         record("INSERT", {"order_id": "c-3", "email": "not an address"}),
                         record("MODIFY", {"order_id": "c-1", "email": "student@example.com"})]}
    assert app.lambda_handler(batch, None) == {"sent": 1}
    subject, body = app.message("c-1", "Laptop", "999.99")
    assert "c-1" in subject and "commande c-1" in body and "order c-1" in body


def test_a_refused_recipient_is_logged_and_the_batch_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    app = load("order_confirmation")
    sandbox = "Email address is not verified. The following identities failed the check in region US-EAST-1: x@e.com"
    iam = ("User: arn:aws:sts::1:assumed-role/R/OrderConfirmation is not authorized to perform: ses:SendEmail on "
           "resource: arn:aws:ses:us-east-1:1:identity/x@e.com")
    assert app.refused("MessageRejected", sandbox, "x@e.com")
    assert app.refused("AccessDenied", iam, "x@e.com")
    assert not app.refused("AccessDenied", iam.replace("x@e.com", "orders@example.com"), "x@e.com")  # the role
    assert not app.refused("Throttling", "Maximum sending rate exceeded.", "x@e.com")

    class Refusing:
        def send_email(self, **_: Any) -> Any:
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": sandbox}}, "SendEmail")

    app._ses = Refusing()
    assert app.confirm("c-9", "x@e.com", "", "") is False
    assert "order c-9 not confirmed by e-mail: SES refused x@e.com (MessageRejected" in caplog.text
    assert "sandbox" in caplog.text
