"""A DynamoDB stream turned on for a table another workshop owns.

YAML::

    - id: orders_stream
      type: dynamodb.table_stream
      properties:
        table: ${anycompany-orders:orders_table.name}
        view: NEW_IMAGE                 # StreamViewType: what each record carries

The table is the prerequisite's (it is neither created nor deleted here): setup turns its stream
on (DynamoDB › Tables › the table › Exports and streams › DynamoDB stream details › Turn on),
teardown turns it off again. AWS turns a stream on or off with UpdateTable's StreamSpecification;
"You receive a ValidationException if you try to enable a stream on a table that already has a
stream, or if you try to disable a stream on a table that doesn't have a stream" (DynamoDB API
reference, UpdateTable), so another view is set by turning the stream off, then on again, each
after the table is ACTIVE again. The stream has no tags of its own: the table's are the
prerequisite's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .base import Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Wait, register
from .teaching import finding

_GONE = ("ResourceNotFoundException",)
VIEWS = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY", "OLD_IMAGE")
# the console's words for each view type (DynamoDB console, "Turn on DynamoDB stream")
_VIEW_WORDS = {"NEW_IMAGE": N_("New image"), "NEW_AND_OLD_IMAGES": N_("New and old images"),
               "KEYS_ONLY": N_("Key attributes only"), "OLD_IMAGE": N_("Old image")}


@register
class TableStream(Handler):
    info = TypeInfo("dynamodb.table_stream", "dynamodb", N_("DynamoDB › Tables › Exports and streams"),
                    gone=_GONE, named=False, taggable=False, id_output="stream_arn")
    schema = {"table": Prop(str, required=True), "view": Prop(str, choices=VIEWS)}
    outputs = ("table", "stream_arn", "view")
    # seed 004, 5.1: "Activer DynamoDB Streams pour synchroniser les commandes en temps réel": a
    # stream on Orders; its view type is codecraft's (the functions read the new image)
    prescribed = ("table",)
    permissions = ("dynamodb:DescribeTable", "dynamodb:UpdateTable")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return _("stream of {table}").format(table=props.get("table"))

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        if has_unresolved(props["table"]):
            return Observed(False, {"table_exists": False})
        got = self.fetch(lambda: ctx.client("dynamodb").describe_table(TableName=props["table"]))
        if got is None:
            return Observed(False, {"table_exists": False})
        table = got["Table"]
        spec = table.get("StreamSpecification") or {}
        on = bool(spec.get("StreamEnabled"))
        return Observed(on, {"table_exists": True, "view": spec.get("StreamViewType") if on else None,
                             "stream_arn": table.get("LatestStreamArn") if on else None,
                             "status": table.get("TableStatus")})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        table, view = props["table"], props.get("view", "NEW_IMAGE")
        if observed.exists and observed.attrs.get("view") == view:
            return []
        ready = Wait("dynamodb", "table_exists", {"TableName": table})  # UpdateTable needs an ACTIVE table
        calls: list[Step] = []
        if observed.exists:  # another view: off, then on (a stream's view never changes in place)
            calls += [ready, Call("dynamodb", "update_table", {
                "TableName": table, "StreamSpecification": {"StreamEnabled": False}})]
        calls += [ready, Call("dynamodb", "update_table", {
            "TableName": table, "StreamSpecification": {"StreamEnabled": True, "StreamViewType": view}},
            output="updated", records=True), ready]
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        view = props.get("view", "NEW_IMAGE")
        if observed.attrs.get("view") == view:
            return []
        return [finding("view", _("DynamoDB › Tables › {table} › Exports and streams › DynamoDB stream details › "
                                  "Turn off, then Turn on: {view}").format(table=props["table"],
                                                                          view=_(_VIEW_WORDS[view])),
                        _("the functions read each new order from the record's new image"))]

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        view = _(_VIEW_WORDS[props.get("view", "NEW_IMAGE")])
        return _("DynamoDB › Tables › {table} › Exports and streams › DynamoDB stream details › Turn on: "
                 "{view}").format(table=props["table"], view=view)

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        stream_arn = observed.attrs.get("stream_arn")
        if "updated" in results:
            stream_arn = results["updated"]["TableDescription"].get("LatestStreamArn")
        return {"table": props["table"], "stream_arn": stream_arn, "view": props.get("view", "NEW_IMAGE")}

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        got = self.fetch(lambda: ctx.client("dynamodb").describe_table(TableName=record["outputs"]["table"]))
        table = (got or {}).get("Table") or {}
        spec = table.get("StreamSpecification") or {}
        # ours only while the table's current stream is the one recorded (a stream turned on again
        # since, by someone else, has another ARN)
        ours = bool(spec.get("StreamEnabled")) and table.get("LatestStreamArn") == record["outputs"].get("stream_arn")
        return {"on": ours}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        if found is not None and not found.get("on"):
            return []  # the table is gone, or its stream is off already (UpdateTable would refuse)
        table = record["outputs"]["table"]
        return [Wait("dynamodb", "table_exists", {"TableName": table}),
                Call("dynamodb", "update_table", {"TableName": table, "StreamSpecification": {"StreamEnabled": False}},
                     gone_ok=_GONE)]
