"""The event pump: deliver events to functions through the runner, the way Lambda does.

- SQS mappings: Lambda polls the queue, invokes the function with a batch (``Records`` with
  ``eventSource: aws:sqs``) and deletes the messages when the invocation succeeds; on failure
  they become visible again after the visibility timeout (and go to the dead-letter queue after
  maxReceiveCount). With ``ReportBatchItemFailures`` only the failed ones stay.
- DynamoDB stream mappings: Lambda reads each shard from the mapping's starting position in
  batches of BatchSize, in order; a failed batch is retried (MaximumRetryAttempts), split in two
  first when BisectBatchOnFunctionError is on, and skipped once the retries are spent.
- S3 notifications: S3 invokes the function asynchronously with the event moto builds; a failed
  invocation is retried twice, as Lambda retries asynchronous events.
- S3 and SNS invoke a function only when its resource-based policy allows them (``add_permission``
  for ``s3.amazonaws.com`` / ``sns.amazonaws.com`` with the bucket's or topic's SourceArn): otherwise
  nothing runs, and the function's log says why (on AWS, S3 refuses the notification configuration
  and SNS counts a failed delivery). SNS → SQS deliveries need the queue's policy to allow the topic.
Disabled mappings are left alone. This is the only delivery path: moto's own attempts (through
Docker) are switched off in the emulator. Every retry and skip is written to the function's log.
"""

from __future__ import annotations

import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import moto_adapter
from .clients import EmulatorClients
from .iam.credentials import RoleNotAssumable
from .iam.resource_policies import lambda_permission_allows, queue_accepts_topic
from .lambda_.service import LambdaRunner

ACTIVE = ("Enabled", "Enabling", "Creating", "Updating")


def route_deliveries(pump: EventPump) -> None:
    """The emulator delivers what moto would run in Docker: mappings (the pump polls them), S3
    notifications and SNS subscriptions (asynchronous invocations with Lambda's events)."""
    moto_adapter.neutralise_lambda_delivery()
    moto_adapter.route_s3_notifications(pump.s3_notification)

    def sns(function_arn: str, subscription_arn: str, topic_arn: str, message_id: str, message: str,
            subject: str | None, attributes: dict[str, Any] | None) -> None:
        if not pump.permitted(function_arn, "sns.amazonaws.com", topic_arn):
            return  # SNS counts a failed delivery; nothing runs
        pump.invoke_in_background(function_arn, sns_event(subscription_arn, topic_arn, message_id, message,
                                                          subject, attributes))

    moto_adapter.route_sns_to_lambda(sns)
    moto_adapter.guard_sns_to_sqs(queue_accepts_topic)
    moto_adapter.keep_queue_policy()


def sns_event(subscription_arn: str, topic_arn: str, message_id: str, message: str, subject: str | None,
              attributes: dict[str, Any] | None) -> dict[str, Any]:
    """The event Lambda receives from an SNS subscription."""
    now = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"
    return {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn, "Subject": subject,
            "Message": message, "Timestamp": stamp, "SignatureVersion": "1", "Signature": "EXAMPLE",
            "SigningCertUrl": "EXAMPLE", "UnsubscribeUrl": "EXAMPLE",
            "MessageAttributes": {name: {"Type": value.get("Type"), "Value": value.get("Value")}
                                  for name, value in (attributes or {}).items()},
        },
    }]}


class EventPump:
    def __init__(self, clients: EmulatorClients, runner: LambdaRunner, interval: float = 0.2) -> None:
        self.clients = clients
        self.runner = runner
        self.interval = interval
        self._stop = threading.Event()
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="pump")
        self._iterators: dict[str, dict[str, str]] = {}  # mapping UUID -> shard id -> iterator
        self._attempts: dict[str, int] = {}  # failed stream batches -> attempts so far
        self._not_before: dict[str, float] = {}  # mapping UUID -> monotonic time of the next try
        self.async_delays = (1.0, 2.0)
        self.thread = threading.Thread(target=self._loop, name="event-pump", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # keep pumping; the error is in the emulator log
                traceback.print_exc()
            self._stop.wait(self.interval)

    def tick(self) -> None:
        for region in moto_adapter.regions_with_functions():
            pages = self.clients.client("lambda", region).get_paginator("list_event_source_mappings").paginate()
            for page in pages:
                for esm in page.get("EventSourceMappings", []):
                    if esm.get("State") not in ACTIVE:
                        continue
                    if esm["EventSourceArn"].startswith("arn:aws:sqs:"):
                        self._submit(esm["UUID"], self._sqs_batch, region, esm)
                    elif "/stream/" in esm["EventSourceArn"]:
                        self._submit(esm["UUID"], self._stream_batches, region, esm)

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
        if time.monotonic() < self._not_before.get(esm["UUID"], 0.0):
            return  # backing off: Lambda could not assume the function's role
        sqs = self.clients.client("sqs", region)
        queue_name = esm["EventSourceArn"].rsplit(":", 1)[-1]
        url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=max(1, min(int(esm.get("BatchSize") or 10), 10)),
                                  AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0)
        messages = got.get("Messages", [])
        if not messages:
            return
        event = {"Records": [_sqs_record(m, esm["EventSourceArn"], region) for m in messages]}
        try:
            result = self.runner.invoke(esm["FunctionArn"], event)
        except RoleNotAssumable as exc:  # the messages come back after their visibility timeout
            self._not_before[esm["UUID"]] = time.monotonic() + 30.0
            self.runner.log(esm["FunctionArn"], f"[codecraft] {exc} ({exc.role_arn}); retrying in 30 s")
            return
        if not result.ok:
            return  # visible again after the visibility timeout; moto applies the redrive policy
        failed: set[str] = set()
        if "ReportBatchItemFailures" in (esm.get("FunctionResponseTypes") or []) and isinstance(result.payload, dict):
            failed = {str(f.get("itemIdentifier")) for f in result.payload.get("batchItemFailures") or []}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])

    # -- DynamoDB streams ------------------------------------------------------------------
    def _stream_batches(self, region: str, esm: dict[str, Any]) -> None:
        uuid = esm["UUID"]
        if time.monotonic() < self._not_before.get(uuid, 0.0):
            return  # backing off after a failed batch
        streams = self.clients.client("dynamodbstreams", region)
        arn = esm["EventSourceArn"]
        iterators = self._iterators.setdefault(uuid, {})
        description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        for shard in [s["ShardId"] for s in description.get("Shards", [])]:
            if shard not in iterators:
                iterators[shard] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard,
                    ShardIteratorType=esm.get("StartingPosition") or "TRIM_HORIZON")["ShardIterator"]
            got = streams.get_records(ShardIterator=iterators[shard], Limit=int(esm.get("BatchSize") or 100))
            records = got.get("Records", [])
            if not records:
                continue  # keep the same iterator: nothing new on this shard
            for record in records:
                record.setdefault("eventSourceARN", arn)
                record.setdefault("awsRegion", region)
            done = self._deliver_stream(esm, records)
            if done == len(records) and got.get("NextShardIterator"):
                iterators[shard] = got["NextShardIterator"]
            elif done:  # checkpoint after the records that succeeded; the rest is retried
                iterators[shard] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                    SequenceNumber=records[done - 1]["dynamodb"]["SequenceNumber"])["ShardIterator"]

    def _deliver_stream(self, esm: dict[str, Any], records: list[dict[str, Any]]) -> int:
        """How many leading records are done with: delivered, or skipped once retries are spent."""
        uuid = esm["UUID"]
        key = f"{uuid}:{records[0].get('eventID')}"
        done = self._invoke_split(esm, records)
        if done == len(records):
            self._attempts.pop(key, None)
            self._not_before.pop(uuid, None)
            return done
        if done:  # progress: the failing record is now first in the next batch
            return done
        self._attempts[key] = attempts = self._attempts.get(key, 0) + 1
        limit = int(esm.get("MaximumRetryAttempts", -1))
        if 0 <= limit < attempts:
            self.runner.log(esm["FunctionArn"], f"[codecraft] event source mapping {uuid}: {len(records)} "
                            f"stream record(s) skipped after {limit} retries")
            self._attempts.pop(key, None)
            return len(records)
        delay = min(0.5 * 2 ** (attempts - 1), 30.0)  # Lambda backs off between stream retries
        self._not_before[uuid] = time.monotonic() + delay
        self.runner.log(esm["FunctionArn"], f"[codecraft] stream batch failed (attempt {attempts}); "
                        f"retrying in {delay:.1f} s")
        return 0

    def _invoke_split(self, esm: dict[str, Any], records: list[dict[str, Any]]) -> int:
        """Records delivered in order before the first failure (halving a failed batch, in order,
        when BisectBatchOnFunctionError is on)."""
        try:
            ok = self.runner.invoke(esm["FunctionArn"], {"Records": records}).ok
        except Exception:
            traceback.print_exc()
            ok = False
        if ok:
            return len(records)
        if not esm.get("BisectBatchOnFunctionError") or len(records) == 1:
            return 0
        half = len(records) // 2
        first = self._invoke_split(esm, records[:half])
        if first < half:
            return first
        return half + self._invoke_split(esm, records[half:])

    # -- resource-based policies ---------------------------------------------------------
    def permitted(self, function_arn: str, service: str, source_arn: str) -> bool:
        """The function's policy lets ``service`` invoke it for ``source_arn``; if not, its log says so."""
        region = function_arn.split(":")[3] if function_arn.startswith("arn:") else self.runner.default_region
        client = self.clients.client("lambda", region)
        try:
            policy = client.get_policy(FunctionName=function_arn)["Policy"]
        except client.exceptions.ResourceNotFoundException:
            policy = None
        if lambda_permission_allows(policy, service, source_arn, moto_adapter.ACCOUNT_ID, function_arn):
            return True
        try:
            self.runner.log(function_arn, f"[codecraft] {service} may not invoke this function: no statement of its "
                            f"resource-based policy allows {service} lambda:InvokeFunction for {source_arn} "
                            "(Lambda › Configuration › Permissions › Add permission); the event was not delivered")
        except Exception:  # the function is gone: nothing to log to
            pass
        return False

    def s3_notification(self, function_arn: str, event: Any) -> None:
        """An S3 event notification: delivered when the function's policy allows the bucket."""
        records = event.get("Records") if isinstance(event, dict) else None
        bucket = (((records or [{}])[0].get("s3") or {}).get("bucket") or {}).get("arn", "")
        if self.permitted(function_arn, "s3.amazonaws.com", str(bucket)):
            self.invoke_in_background(function_arn, event)

    # -- asynchronous invocations (S3 notifications) -------------------------------------
    def invoke_in_background(self, function_arn: str, event: Any) -> None:
        """An asynchronous invocation (Event): accepted now, run with its retries in a thread."""
        threading.Thread(target=self.invoke_async, args=(function_arn, event), daemon=True).start()

    def invoke_async(self, function_arn: str, event: Any) -> None:
        """The first try and two retries, as Lambda does for asynchronous events."""
        for attempt, delay in enumerate((0.0, *self.async_delays)):
            if delay:
                self.runner.log(function_arn, f"[codecraft] asynchronous invocation failed; "
                                f"retry {attempt} in {delay:.0f} s")
                time.sleep(delay)
            try:
                if self.runner.invoke(function_arn, event).ok:
                    return
            except RoleNotAssumable as exc:
                self.runner.log(function_arn, f"[codecraft] {exc} ({exc.role_arn}); event dropped")
                return
            except Exception:
                traceback.print_exc()
                return
        self.runner.log(function_arn, "[codecraft] asynchronous invocation failed 3 times; event dropped")


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

