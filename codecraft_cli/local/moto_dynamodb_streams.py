"""DynamoDB Streams turned off, as AWS does it (moto's gap).

"If you disable a stream, any shards that are open will be closed. The data in the stream will
continue to be readable for 24 hours" (DynamoDB Developer Guide, "Change data capture for DynamoDB
Streams", Enabling a stream); writes to the table go on. moto keeps the table's shard when
UpdateTable turns the stream off and its next write fails (the shard reads the view type of a
specification that no longer has one: KeyError, a 500 to the caller), and it refuses to turn the
stream on again ("Cannot enable stream": it remembers the old stream's label). Here a shard whose
table's stream is off records nothing more and its records stay readable (the 24 hours are not
counted), and a table whose stream is off may get a new one, as on AWS (UpdateTable refuses only
"a stream on a table that already has a stream": DynamoDB API reference, UpdateTable).
moto is imported inside the function only (rule: moto_adapter.py and moto_<topic>.py modules).
"""

from __future__ import annotations

from typing import Any


def honour_disabled_streams() -> None:
    """Patch moto's StreamShard.add and update_table_streams once (idempotent)."""
    from moto.dynamodb.exceptions import StreamAlreadyEnabledException
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamShard

    if getattr(StreamShard.add, "_codecraft", False):
        return
    original = StreamShard.add

    def add(self: Any, old: Any, new: Any) -> None:
        if not (self.table.stream_specification or {}).get("StreamEnabled"):
            return  # the stream is off: the table's writes go on, the shard records nothing more
        original(self, old, new)

    def update_table_streams(self: Any, table: Any, spec: dict[str, Any]) -> None:
        if (spec.get("StreamEnabled") or spec.get("StreamViewType")) and (
                table.stream_specification or {}).get("StreamEnabled"):
            raise StreamAlreadyEnabledException
        table.set_stream_specification(spec)

    add._codecraft = True  # type: ignore[attr-defined]
    setattr(StreamShard, "add", add)
    setattr(DynamoDBBackend, "update_table_streams", update_table_streams)
