"""dynamodb.table_stream: a stream turned on for another workshop's table, and off again.

Expectations from the DynamoDB API reference, UpdateTable: StreamSpecification turns a stream on
(StreamEnabled + StreamViewType) or off (StreamEnabled false); "You receive a ValidationException
if you try to enable a stream on a table that already has a stream, or if you try to disable a
stream on a table that doesn't have a stream"; UpdateTable needs an ACTIVE table.
"""

from __future__ import annotations

from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Call, Observed, Wait
from codecraft_cli.workshop.model import ResourceSpec

from .fakes import PlanContext

HANDLER = handler_for("dynamodb.table_stream")
RES = ResourceSpec("orders_stream", "dynamodb.table_stream", "stream", seed=("table",),
                   properties={"table": "Orders", "view": "NEW_IMAGE"})
PROPS = dict(RES.properties)
STREAM = "arn:aws:dynamodb:eu-west-3:111122223333:table/Orders/stream/2026-11-29T20:00:00.000"
ACTIVE = Wait("dynamodb", "table_exists", {"TableName": "Orders"})


def on(view: str | None) -> Observed:
    return Observed(view is not None, {"table_exists": True, "view": view, "stream_arn": STREAM if view else None,
                                       "status": "ACTIVE"})


def test_a_table_without_stream_gets_one_after_it_is_active() -> None:
    assert HANDLER.plan(PlanContext(), RES, PROPS, on(None)) == [
        ACTIVE,
        Call("dynamodb", "update_table", {"TableName": "Orders", "StreamSpecification": {
            "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}}, output="updated", records=True),
        ACTIVE,
    ]


def test_the_same_stream_plans_nothing() -> None:
    assert HANDLER.plan(PlanContext(), RES, PROPS, on("NEW_IMAGE")) == []
    assert HANDLER.check(PlanContext(), RES, PROPS, on("NEW_IMAGE")) == []


def test_another_view_is_turned_off_then_on_never_enabled_twice() -> None:
    calls = HANDLER.plan(PlanContext(), RES, PROPS, on("KEYS_ONLY"))
    updates = [c.params["StreamSpecification"] for c in calls if isinstance(c, Call)]
    assert updates == [{"StreamEnabled": False}, {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}]
    assert isinstance(calls[0], Wait) and isinstance(calls[2], Wait)  # each update on an ACTIVE table
    (fix,) = HANDLER.check(PlanContext(), RES, PROPS, on("KEYS_ONLY"))
    assert not isinstance(fix, str) and fix.prop == "view" and "Turn off, then Turn on: New image" in fix.fix
    assert not HANDLER.requires(RES, fix)  # the view is codecraft's choice: advice


def test_outputs_carry_the_new_stream_arn() -> None:
    results = {"updated": {"TableDescription": {"LatestStreamArn": STREAM}}}
    assert HANDLER.resolve_outputs(PlanContext(), RES, PROPS, on(None), results) == {
        "table": "Orders", "stream_arn": STREAM, "view": "NEW_IMAGE"}
    assert HANDLER.resolve_outputs(PlanContext(), RES, PROPS, on("NEW_IMAGE"), {})["stream_arn"] == STREAM


def test_teardown_turns_the_stream_off_only_while_it_is_ours() -> None:
    record = {"outputs": {"table": "Orders", "stream_arn": STREAM, "view": "NEW_IMAGE"}}
    assert HANDLER.plan_delete(record, {"on": True}) == [
        ACTIVE, Call("dynamodb", "update_table", {"TableName": "Orders", "StreamSpecification": {
            "StreamEnabled": False}}, gone_ok=("ResourceNotFoundException",))]
    # already off, or the table gone: disabling would be a ValidationException
    assert HANDLER.plan_delete(record, {"on": False}) == []


class _Describe:
    def __init__(self, table: dict | None) -> None:
        self.table = table

    def describe_table(self, TableName: str) -> dict:
        if self.table is None:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}}, "DescribeTable")
        return {"Table": self.table}


class _Ctx(PlanContext):
    describe: _Describe | None = None

    def client(self, service: str) -> _Describe:
        assert service == "dynamodb" and self.describe is not None
        return self.describe


def test_observe_for_delete_sees_whether_the_recorded_stream_is_still_on() -> None:
    record = {"outputs": {"table": "Orders", "stream_arn": STREAM}}
    ctx = _Ctx()
    ctx.describe = _Describe({"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
                              "LatestStreamArn": STREAM})
    assert HANDLER.observe_for_delete(ctx, record) == {"on": True}
    ctx.describe = _Describe({"LatestStreamArn": STREAM})  # turned off by hand
    assert HANDLER.observe_for_delete(ctx, record) == {"on": False}
    ctx.describe = _Describe({"StreamSpecification": {"StreamEnabled": True}, "LatestStreamArn": STREAM + "x"})
    assert HANDLER.observe_for_delete(ctx, record) == {"on": False}  # someone else's stream since
    ctx.describe = _Describe(None)  # the table was deleted
    assert HANDLER.observe_for_delete(ctx, record) == {"on": False}


def test_the_orders_table_leaves_a_stream_it_does_not_declare_alone() -> None:
    """anycompany-orders' table declares no stream: a rerun of its setup must not turn off the
    challenge's stream, nor its verify advise turning it off."""
    from .fakes import plan

    have = {"key_schema": [{"AttributeName": "order_id", "KeyType": "HASH"}], "billing": "PAY_PER_REQUEST",
            "stream": "NEW_IMAGE", "key_types": {"order_id": "S"}}
    assert plan("orders_table", Observed(True, have, {})) == []
    from .fakes import PLANNED, W
    from codecraft_cli.workshop.model import resolve

    res = W.resource("orders_table")
    assert handler_for(res.type).check(PlanContext(), res, resolve(res.properties, PLANNED),
                                       Observed(True, have, {})) == []
