"""Stream delivery semantics of the event pump: in order, bisect on error, bounded retries."""

from __future__ import annotations

from typing import Any

from codecraft_cli.local.clients import EmulatorClients
from codecraft_cli.local.lambda_.service import Invocation
from codecraft_cli.local.pump import EventPump, _sqs_record


class FakeRunner:
    """Fails any batch that holds a record whose body is 'poison'."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.logs: list[str] = []

    def invoke(self, ref: str, event: Any) -> Invocation:
        bodies = [r["body"] for r in event["Records"]]
        self.batches.append(bodies)
        return Invocation(ok="poison" not in bodies, payload={"errorMessage": "boom"})

    def log(self, ref: str, message: str) -> None:
        self.logs.append(message)


def records(*bodies: str) -> list[dict[str, Any]]:
    return [{"eventID": str(i), "body": b, "dynamodb": {"SequenceNumber": str(i)}} for i, b in enumerate(bodies)]


def pump() -> tuple[EventPump, FakeRunner]:
    runner = FakeRunner()
    return EventPump(EmulatorClients("http://127.0.0.1:9"), runner), runner  # type: ignore[arg-type]


ESM = {"UUID": "u1", "FunctionArn": "arn:fn", "BisectBatchOnFunctionError": True, "MaximumRetryAttempts": 2}


def test_a_good_batch_is_delivered_whole() -> None:
    p, runner = pump()
    assert p._deliver_stream(ESM, records("a", "b", "c")) == 3
    assert runner.batches == [["a", "b", "c"]]


def test_bisect_delivers_the_good_prefix_in_order_and_stops_at_the_failure() -> None:
    p, runner = pump()
    done = p._deliver_stream(ESM, records("a", "b", "poison", "d"))
    assert done == 2  # a and b are checkpointed; poison is first of the next batch
    assert runner.batches[0] == ["a", "b", "poison", "d"]
    assert ["a", "b"] in runner.batches and ["d"] not in runner.batches  # nothing after the failure


def test_without_bisect_the_whole_batch_is_retried_then_skipped_after_the_retries() -> None:
    p, runner = pump()
    esm = {**ESM, "BisectBatchOnFunctionError": False}
    batch = records("poison", "b")
    assert p._deliver_stream(esm, batch) == 0
    p._not_before.clear()
    assert p._deliver_stream(esm, batch) == 0
    assert p._deliver_stream(esm, batch) == 2  # third failure: 2 retries spent, skipped
    assert any("skipped after 2 retries" in line for line in runner.logs)
    assert any("retrying in 0.5 s" in line for line in runner.logs)


def test_sqs_records_have_lambdas_shape() -> None:
    message = {"MessageId": "m1", "ReceiptHandle": "r1", "Body": "hello", "MD5OfBody": "x",
               "Attributes": {"ApproximateReceiveCount": "1"},
               "MessageAttributes": {"event": {"DataType": "String", "StringValue": "created"}}}
    record = _sqs_record(message, "arn:aws:sqs:us-east-1:123456789012:q", "us-east-1")
    assert record["eventSource"] == "aws:sqs" and record["body"] == "hello" and record["receiptHandle"] == "r1"
    assert record["messageAttributes"]["event"]["stringValue"] == "created"
    assert record["eventSourceARN"].endswith(":q")
