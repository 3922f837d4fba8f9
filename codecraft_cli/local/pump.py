"""The event pump: deliver event-source-mapping records to functions through the runner.

Lambda polls an SQS queue mapped to a function, invokes it with a batch (``Records`` with
``eventSource: aws:sqs``), and deletes the messages when the invocation succeeds; on failure
the messages become visible again after the visibility timeout (and go to the dead-letter
queue after maxReceiveCount). With ``ReportBatchItemFailures`` only the failed ones stay.
This pump does the same, for every enabled mapping, and is the only delivery path: moto's own
attempt (through Docker) is switched off in the emulator.
"""

from __future__ import annotations

import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .runner import ACCOUNT_ID, LambdaRunner

ACTIVE = ("Enabled", "Enabling", "Creating", "Updating")


def neutralise_moto_delivery() -> None:
    """moto tries to run the mapped function in Docker on every send_message: turn it off."""

    class Inert(dict):  # type: ignore[type-arg]
        def __setitem__(self, key: Any, value: Any) -> None:
            return None

    from moto.sqs.models import Queue

    Queue.lambda_event_source_mappings = property(lambda self: Inert(), lambda self, value: None)  # type: ignore[assignment]


class EventPump:
    def __init__(self, endpoint: str, runner: LambdaRunner, interval: float = 0.2) -> None:
        self.endpoint = endpoint
        self.runner = runner
        self.interval = interval
        self._stop = threading.Event()
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pump")
        self._clients: dict[tuple[str, str], Any] = {}
        self.thread = threading.Thread(target=self._loop, name="event-pump", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            import boto3

            self._clients[key] = boto3.client(service, region_name=region, endpoint_url=self.endpoint,
                                              aws_access_key_id="codecraft", aws_secret_access_key="codecraft")
        return self._clients[key]

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # keep pumping; the error is in the emulator log
                traceback.print_exc()
            self._stop.wait(self.interval)

    def tick(self) -> None:
        from moto.awslambda.models import lambda_backends

        for region in list(lambda_backends[ACCOUNT_ID].keys()):
            if not lambda_backends[ACCOUNT_ID][region].list_functions():
                continue
            pages = self.client("lambda", region).get_paginator("list_event_source_mappings").paginate()
            for page in pages:
                for esm in page.get("EventSourceMappings", []):
                    if esm.get("State") not in ACTIVE:
                        continue
                    if esm["EventSourceArn"].startswith("arn:aws:sqs:"):
                        self._submit(esm["UUID"], self._sqs_batch, region, esm)

    def _submit(self, key: str, fn: Any, *args: Any) -> None:
        with self._lock:
            if key in self._busy:
                return
            self._busy.add(key)

        def run() -> None:
            try:
                fn(*args)
            except Exception:
                traceback.print_exc()
            finally:
                with self._lock:
                    self._busy.discard(key)

        self._pool.submit(run)

    def _sqs_batch(self, region: str, esm: dict[str, Any]) -> None:
        sqs = self.client("sqs", region)
        queue_name = esm["EventSourceArn"].rsplit(":", 1)[-1]
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=max(1, min(int(esm.get("BatchSize") or 10), 10)),
                                  AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0)
        messages = got.get("Messages", [])
        if not messages:
            return
        event = {"Records": [_sqs_record(m, esm["EventSourceArn"], region) for m in messages]}
        result = self.runner.invoke(esm["FunctionArn"], event)
        if not result.ok:
            return  # visible again after the visibility timeout; moto applies the redrive policy
        failed: set[str] = set()
        if "ReportBatchItemFailures" in (esm.get("FunctionResponseTypes") or []) and isinstance(result.payload, dict):
            failed = {str(f.get("itemIdentifier")) for f in result.payload.get("batchItemFailures") or []}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])


def _sqs_record(message: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    attributes = {k: str(v) for k, v in (message.get("Attributes") or {}).items()}
    attributes.setdefault("ApproximateFirstReceiveTimestamp", str(int(time.time() * 1000)))
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": attributes,
        "messageAttributes": {
            name: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
                   "stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }
