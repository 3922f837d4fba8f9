"""DynamoDB tables.

YAML::

    - id: orders_table
      type: dynamodb.table
      name: Orders
      properties:
        partition_key: {name: order_id, type: S}
        billing: PAY_PER_REQUEST        # "on-demand capacity" in the console
        stream: NEW_IMAGE               # optional: DynamoDB Streams view type
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import UserError
from ..i18n import N_, _
from ..workshop.model import ResourceSpec
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, Wait, register, tag_list,
                   tags_from_list)
from .base import STUDENT_PREFIX, Text
from .teaching import finding

_TYPES = {"S": N_("String"), "N": N_("Number"), "B": N_("Binary")}  # the console's words, translated when said


def _key_fix(prop: str, table: str, want: Mapping[str, Any] | None, want_type: str, got: str | None) -> str:
    """How to give a table the workshop's key: delete it and create it again (a key never changes)."""
    key = f"{want['name']} ({_(_TYPES[want_type])})" if want else ""
    if prop == "sort_key" and not want:
        return _("DynamoDB › Tables › {table}: a key cannot change; delete the table and create it again "
                 "without a sort key (it is {have})").format(table=table, have=got)
    if got is None:
        said = (_("DynamoDB › Tables › {table}: a key cannot change; delete the table and create it again with "
                  "partition key: {key} (it has none)") if prop == "partition_key" else
                _("DynamoDB › Tables › {table}: a key cannot change; delete the table and create it again with "
                  "sort key: {key} (it has none)"))
        return said.format(table=table, key=key)
    said = (_("DynamoDB › Tables › {table}: a key cannot change; delete the table and create it again with "
              "partition key: {key} (it is {have})") if prop == "partition_key" else
            _("DynamoDB › Tables › {table}: a key cannot change; delete the table and create it again with "
              "sort key: {key} (it is {have})"))
    return said.format(table=table, key=key, have=got)


def _key_schema(props: Mapping[str, Any]) -> list[dict[str, str]]:
    keys = [{"AttributeName": props["partition_key"]["name"], "KeyType": "HASH"}]
    if props.get("sort_key"):
        keys.append({"AttributeName": props["sort_key"]["name"], "KeyType": "RANGE"})
    return keys


def _attribute_definitions(props: Mapping[str, Any]) -> list[dict[str, str]]:
    defs = [{"AttributeName": props["partition_key"]["name"],
             "AttributeType": props["partition_key"].get("type", "S")}]
    if props.get("sort_key"):
        defs.append({"AttributeName": props["sort_key"]["name"],
                     "AttributeType": props["sort_key"].get("type", "S")})
    return defs


@register
class Table(Handler):
    # TableName: 3-255 of [a-zA-Z0-9_.-] (DynamoDB API reference, CreateTable)
    info = TypeInfo("dynamodb.table", "dynamodb", N_("DynamoDB › Tables"),
                    gone=("ResourceNotFoundException",), sweep_rank=50, arn_service="dynamodb",
                    name_text=Text(r"[a-zA-Z0-9_.-]+", 255, N_("letters, digits and _.- only"), min_len=3,
                                   reserve=STUDENT_PREFIX))
    schema = {
        "partition_key": Prop(dict, required=True),
        "sort_key": Prop(dict),
        "billing": Prop(str, choices=("PAY_PER_REQUEST", "PROVISIONED")),
        "stream": Prop(str, choices=("NEW_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY", "OLD_IMAGE")),
    }
    outputs = ("name", "arn", "stream_arn")
    # seeds 004, 003, 001: "Nom de la table : Orders", "Clé primaire : order_id (String)"; the capacity
    # mode is open unless the seed asks (seed 004: "Activer on-demand capacity": its YAML says so)
    prescribed = ("name", "partition_key")
    permissions = (
        "dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable",
        "dynamodb:DeleteTable", "dynamodb:TagResource", "dynamodb:ListTagsOfResource",
    )

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("dynamodb")
        got = self.fetch(lambda: client.describe_table(TableName=self.name(ctx, res)))
        if got is None:
            return Observed(False)
        table = got["Table"]
        stream = table.get("StreamSpecification") or {}
        attrs = {
            "key_schema": table.get("KeySchema"),
            "key_types": {d["AttributeName"]: d.get("AttributeType") for d in table.get("AttributeDefinitions") or []},
            "billing": (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
            "stream": stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
            "arn": table["TableArn"],
            "stream_arn": table.get("LatestStreamArn"),
            "status": table.get("TableStatus"),
        }
        tags = client.list_tags_of_resource(ResourceArn=table["TableArn"]).get("Tags")
        return Observed(True, attrs, tags_from_list(tags))

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
             observed: Observed) -> list[Step]:
        name = self.name(ctx, res)
        billing = props.get("billing", "PAY_PER_REQUEST")
        stream = props.get("stream")
        if not observed.exists:
            params: dict[str, Any] = {
                "TableName": name,
                "KeySchema": _key_schema(props),
                "AttributeDefinitions": _attribute_definitions(props),
                "BillingMode": billing,
                "Tags": tag_list(ctx.tags),
            }
            if billing == "PROVISIONED":
                params["ProvisionedThroughput"] = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
            if stream:
                params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
            return [
                Call("dynamodb", "create_table", params, output="created", records=True),
                Wait("dynamodb", "table_exists", {"TableName": name}),
            ]
        if observed.attrs["key_schema"] != _key_schema(props):
            raise UserError(
                _("The table {table} exists with another key than the workshop's ({key}).").format(
                    table=name, key=props["partition_key"]["name"]),
                hint=_("A table's key cannot change: delete the table (codecraft teardown) and rerun setup."),
            )
        # UpdateTable on a table that is not ACTIVE fails (ResourceInUseException: "the table is
        # being updated"; DynamoDB API reference, UpdateTable): wait for ACTIVE (the table_exists
        # waiter's success state) before each update, unless it is already ACTIVE.
        updates: list[dict[str, Any]] = []
        if observed.attrs["billing"] != billing:
            updates.append({"TableName": name, "BillingMode": billing})
        # no ``stream`` in the YAML: the stream is not this workshop's to manage (a later workshop,
        # anycompany-challenge's dynamodb.table_stream, turns it on; a rerun must not turn it off)
        if "stream" in props and observed.attrs["stream"] != stream:
            spec = {"StreamEnabled": True, "StreamViewType": stream} if stream else {"StreamEnabled": False}
            updates.append({"TableName": name, "StreamSpecification": spec})
        calls: list[Step] = []
        for i, update in enumerate(updates):
            if i or observed.attrs.get("status") not in (None, "ACTIVE"):
                calls.append(Wait("dynamodb", "table_exists", {"TableName": name}))
            calls.append(Call("dynamodb", "update_table", update))
        if calls:
            calls.append(Wait("dynamodb", "table_exists", {"TableName": name}))
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """A key cannot change once the table exists (DynamoDB API reference, UpdateTable: no key
        schema): a wrong one is fixed by creating the table again; capacity mode and stream are
        changed in place."""
        name, have = self.name(ctx, res), observed.attrs
        types = have.get("key_types") or {}
        found: list[Finding | str] = []
        for prop, key_type in (("partition_key", "HASH"), ("sort_key", "RANGE")):
            want = props.get(prop)
            got = next((k["AttributeName"] for k in have.get("key_schema") or [] if k.get("KeyType") == key_type), None)
            if not want and got is None:
                continue
            want_type = (want or {}).get("type", "S")
            if want and got == want["name"] and types.get(got, want_type) == want_type:
                continue
            found.append(finding(prop, _key_fix(prop, name, want, want_type, got),
                                 _("the items the workshop's code writes and reads carry this key")))
        billing = props.get("billing", "PAY_PER_REQUEST")
        if have.get("billing") != billing:
            on_demand = billing == "PAY_PER_REQUEST"
            found.append(finding(
                "billing",
                _("DynamoDB › Tables › {table} › Additional settings › Read/write capacity › Edit: On-demand")
                .format(table=name) if on_demand else
                _("DynamoDB › Tables › {table} › Additional settings › Read/write capacity › Edit: Provisioned")
                .format(table=name),
                _("on-demand: nothing to size, paid per request, nothing while the class does not use it")
                if on_demand else ""))
        stream = props.get("stream")
        if "stream" in props and have.get("stream") != stream:
            found.append(finding(
                "stream",
                _("DynamoDB › Tables › {table} › Exports and streams › DynamoDB stream details › Turn on: "
                  "{view}").format(table=name, view=stream) if stream else
                _("DynamoDB › Tables › {table} › Exports and streams › DynamoDB stream details › Turn off")
                .format(table=name),
                _("the function's trigger reads this stream")))
        return found

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        name = self.name(ctx, res)
        stream_arn = observed.attrs.get("stream_arn")
        if "created" in results:
            stream_arn = results["created"]["TableDescription"].get("LatestStreamArn")
        return {
            "name": name,
            "arn": f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}",
            "stream_arn": stream_arn,
        }

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        return [Call("dynamodb", "delete_table", {"TableName": record["outputs"]["name"]}, gone_ok=self.info.gone)]

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        if resource.startswith("table/") and "/stream/" not in resource:
            return {"name": resource.split("/", 1)[1]}
        return None

    def exists(self, ctx: Context, outputs: Mapping[str, Any]) -> bool | None:
        got = self.fetch(lambda: ctx.client("dynamodb").describe_table(TableName=outputs["name"]))
        return got is not None and got["Table"].get("TableStatus") != "DELETING"
