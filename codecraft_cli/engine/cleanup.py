"""Probes leave no trace: what a verification wrote is removed once its checks are done.

Two passes, both best effort (a cleanup problem never changes a verdict):

1. the traces the probes noted (``RunState.traces``): the item a ``dynamodb_item`` check looked
   for, the object an ``s3_object`` check read, when they are this run's own (``{probe}``,
   ``{last.*}``), and the database rows holding the probe id (a ``db_query`` check's database,
   through codecraft's database function, ``forget_probe``);
2. a sweep of the workshop's tables, buckets and queues for anything holding this run's probe id
   (an order the API stored, a notification the topic fanned out, an object uploaded through the
   API), so a student's own build, with its own attribute names, is left as it was.

``verify --keep-probes`` skips both (to look at the evidence by hand).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .probes import RunState

SCAN_LIMIT = 5000  # items read per table: a classroom table is small; a large one is not swept whole
QUEUE_ROUNDS = 5  # ReceiveMessage calls per queue (10 messages each)


def remove_probe_traces(state: RunState) -> list[str]:
    """Remove what this run wrote; returns what was removed (``kind:where:key``), for tests and --debug."""
    removed: list[str] = []
    unique = {(kind, where, json.dumps(key, sort_keys=True)): key for kind, where, key in state.traces}
    for (kind, where, _), key in unique.items():
        if _quietly(lambda: _remove_trace(state, kind, where, key)) is not None:
            removed.append(f"{kind}:{where}:{json.dumps(key, sort_keys=True)}")
    sweepers: dict[str, Callable[[RunState, dict[str, Any]], list[str]]] = {
        "dynamodb.table": _sweep_table, "s3.bucket": _sweep_bucket, "sqs.queue": _sweep_queue}
    for res in state.ctx.workshop.resources:
        sweep = sweepers.get(res.type)
        outputs = state.outputs.get(res.id) or {}
        if sweep and outputs.get("name"):
            removed += _quietly(lambda: sweep(state, outputs)) or []  # noqa: B023 (called at once)
    return removed


def _quietly(action: Callable[[], Any]) -> Any:
    """Run a cleanup action and return its result (None: an AWS error — gone already, not
    allowed — which is not the verdict's business)."""
    from ..errors import CodecraftError

    try:
        return action()
    except Exception as exc:
        if not (isinstance(exc, CodecraftError) or type(exc).__module__.startswith("botocore")):
            raise
        return None


def _remove_trace(state: RunState, kind: str, where: str, key: Any) -> bool:
    if kind == "mysql":  # the rows holding the probe id, through codecraft's database function
        from ..resources.database import invoke_admin

        return "error" not in invoke_admin(state.ctx, where, {"action": "forget_probe", "probe": state.probe})
    if kind == "dynamodb":
        state.ctx.client("dynamodb").delete_item(TableName=where, Key=key)
    elif kind == "s3":
        state.ctx.client("s3").delete_object(Bucket=where, Key=key)
    return True


def _sweep_table(state: RunState, outputs: dict[str, Any]) -> list[str]:
    client = state.ctx.client("dynamodb")
    table = str(outputs["name"])
    key_names = [k["AttributeName"] for k in client.describe_table(TableName=table)["Table"]["KeySchema"]]
    removed, seen = [], 0
    for page in client.get_paginator("scan").paginate(TableName=table):
        for item in page.get("Items", []):
            seen += 1
            if state.probe in json.dumps(item):
                key = {name: item[name] for name in key_names}
                client.delete_item(TableName=table, Key=key)
                removed.append(f"dynamodb:{table}:{json.dumps(key, sort_keys=True)}")
        if seen >= SCAN_LIMIT:
            break
    return removed


def _sweep_bucket(state: RunState, outputs: dict[str, Any]) -> list[str]:
    client = state.ctx.client("s3")
    bucket = str(outputs["name"])
    removed = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            if state.probe in obj["Key"]:
                client.delete_object(Bucket=bucket, Key=obj["Key"])
                removed.append(f"s3:{bucket}:{obj['Key']}")
    return removed


def _sweep_queue(state: RunState, outputs: dict[str, Any]) -> list[str]:
    client = state.ctx.client("sqs")
    url = outputs.get("url") or client.get_queue_url(QueueName=str(outputs["name"]))["QueueUrl"]
    removed = []
    for _ in range(QUEUE_ROUNDS):
        # a short visibility timeout: a student's own message read here is visible again at once
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=1,
                                     WaitTimeSeconds=0).get("Messages", [])
        if not got:
            break
        mine = [m for m in got if state.probe in m.get("Body", "")]
        for message in mine:
            client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            removed.append(f"sqs:{outputs['name']}:{message.get('MessageId')}")
        others = [m for m in got if m not in mine]
        if others:  # visible again now, not in a second
            client.change_message_visibility_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(others)])
        if not mine:
            break
    return removed
