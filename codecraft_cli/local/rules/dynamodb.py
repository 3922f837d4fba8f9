"""DynamoDB: tables (names, keys, billing) and items (sizes, keys, attribute values)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .base import Params, Refusal, State, at_least, at_most, matching, rule, text, validation

INVALID = "ValidationException"
_TABLE = re.compile(r"[a-zA-Z0-9_.-]+")
_TYPES = {"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"}


def _invalid(reason: str) -> Refusal:
    return Refusal(INVALID, f"One or more parameter values were invalid: {reason}")


@rule("dynamodb", "CreateTable", "DeleteTable", "UpdateTable", "DescribeTable", "PutItem", "GetItem",
      "UpdateItem", "DeleteItem", "Query", "Scan")
def table_name(params: Params, state: State) -> Refusal | None:
    """Table names: 3 to 255 characters of a-z, A-Z, 0-9, '_', '-', '.'
    (HowItWorks.NamingRulesDataTypes.html); the model also allows an ARN (up to 1024)."""
    name = text(params.get("TableName"))
    if name is None or name.startswith("arn:"):
        return None
    if len(name) < 3:
        return validation(INVALID, name, "tableName", at_least(3, length=True))
    if len(name) > 255:
        return validation(INVALID, name, "tableName", at_most(255, length=True))
    if not _TABLE.fullmatch(name):
        return validation(INVALID, name, "tableName", matching("[a-zA-Z0-9_.-]+"))
    return None


def _key_names(schema: Any) -> list[str]:
    return [str(k.get("AttributeName")) for k in schema or [] if isinstance(k, dict)]


def _key_schema(schema: Any, where: str) -> Refusal | None:
    """One HASH key first, then at most one RANGE key (API_KeySchemaElement.html)."""
    if not isinstance(schema, list):
        return None
    if len(schema) > 2:
        return validation(INVALID, [k.get("AttributeName") for k in schema], where, at_most(2, length=True))
    types = [k.get("KeyType") for k in schema]
    if types[:1] != ["HASH"] or types[1:] not in ([], ["RANGE"]):
        return _invalid("Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
                        if types[:1] != ["HASH"] else "Too many hash keys specified.  All Dynamo DB tables "
                        "must have exactly one hash key")
    return None


@rule("dynamodb", "CreateTable")
def keys_defined(params: Params, state: State) -> Refusal | None:
    """Every key attribute (table and indexes) is in AttributeDefinitions and every definition
    is used by a key (API_CreateTable.html, AttributeDefinitions)."""
    definitions = params.get("AttributeDefinitions") or []
    defined = [str(d.get("AttributeName")) for d in definitions if isinstance(d, dict)]
    if len(set(defined)) != len(defined):
        return _invalid("Cannot have two attributes with the same name")
    refusal = _key_schema(params.get("KeySchema"), "keySchema")
    if refusal:
        return refusal
    keys = set(_key_names(params.get("KeySchema")))
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in params.get(kind) or []:
            refusal = _key_schema(index.get("KeySchema"), "keySchema")
            if refusal:
                return refusal
            keys |= set(_key_names(index.get("KeySchema")))
    missing = sorted(keys - set(defined))
    if missing:
        return _invalid("Some index key attributes are not defined in AttributeDefinitions. "
                        f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{', '.join(defined)}]")
    if set(defined) - keys:
        return _invalid("Number of attributes in KeySchema does not exactly match number of attributes "
                        "defined in AttributeDefinitions")
    return None


@rule("dynamodb", "CreateTable")
def billing_mode(params: Params, state: State) -> Refusal | None:
    """PAY_PER_REQUEST takes no ProvisionedThroughput; PROVISIONED (the default) requires it,
    for the table and each global secondary index (API_CreateTable.html, BillingMode)."""
    mode = params.get("BillingMode", "PROVISIONED")
    throughputs = [params.get("ProvisionedThroughput")] + [
        i.get("ProvisionedThroughput") for i in params.get("GlobalSecondaryIndexes") or []]
    if mode == "PAY_PER_REQUEST" and any(t is not None for t in throughputs):
        return _invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
                        "is PAY_PER_REQUEST")
    if mode == "PROVISIONED" and any(t is None for t in throughputs):
        return _invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
                        "is PROVISIONED")
    return None


@rule("dynamodb", "CreateTable", "UpdateTable")
def stream_view_type(params: Params, state: State) -> Refusal | None:
    """StreamViewType is required when StreamEnabled is true (API_StreamSpecification.html)."""
    spec = params.get("StreamSpecification")
    if isinstance(spec, dict) and spec.get("StreamEnabled") and not spec.get("StreamViewType"):
        return _invalid("StreamViewType is required when StreamEnabled is true")
    return None


def _value_problem(value: Any) -> str | None:
    """An AttributeValue holds exactly one type; numbers are valid (38 digits of precision);
    sets are non-empty with distinct members (HowItWorks.NamingRulesDataTypes.html)."""
    if not isinstance(value, dict) or not value:
        return "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    if len(value) > 1:
        return "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the " \
               "supported datatypes"
    (kind, inner), = value.items()
    if kind not in _TYPES:
        return "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
    numbers = [inner] if kind == "N" else inner if kind == "NS" else []
    for n in numbers:
        try:
            parsed = Decimal(str(n))
            if not parsed.is_finite() or len(parsed.as_tuple().digits) > 38:
                raise InvalidOperation
        except InvalidOperation:
            return "A value provided cannot be converted into a number"
    if kind in ("SS", "NS", "BS"):
        if not inner:
            return "One or more parameter values were invalid: An string set  may not be empty" if kind == "SS" \
                else f"One or more parameter values were invalid: An {'number' if kind == 'NS' else 'binary'} " \
                     "set  may not be empty"
        if len(set(map(str, inner))) != len(inner):
            return "One or more parameter values were invalid: Input collection contains duplicates"
    if kind == "M":
        return next((p for p in map(_value_problem, inner.values()) if p), None)
    if kind == "L":
        return next((p for p in map(_value_problem, inner) if p), None)
    return None


def _size(value: Any) -> int:
    """Item size: attribute names plus values, as DynamoDB counts it (CapacityUnitCalculations.html)."""
    if not isinstance(value, dict) or len(value) != 1:
        return 0
    (kind, inner), = value.items()
    if kind in ("S", "B"):
        return len(inner.encode() if isinstance(inner, str) else inner)
    if kind == "N":
        return len(str(inner).lstrip("-").replace(".", "")) // 2 + 2
    if kind in ("SS", "BS", "NS"):
        return sum(_size({kind[0]: v}) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _size(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(1 + _size(v) for v in inner)
    return 1


def _key_problem(key: Any, names: tuple[str, ...] | None, whole_key: bool) -> Refusal | None:
    if not isinstance(key, dict) or names is None:
        return None
    if whole_key and set(key) != set(names):
        return Refusal(INVALID, "The provided key element does not match the schema")
    for name in names:
        if name not in key:
            return _invalid(f"Missing the key {name} in the item")
        value = key[name]
        kind = next(iter(value), None) if isinstance(value, dict) else None
        if kind not in ("S", "N", "B"):
            return Refusal(INVALID, "The provided key element does not match the schema")
        if value[kind] in ("", b""):
            return Refusal(INVALID, "One or more parameter values are not valid. The AttributeValue for a key "
                                    f"attribute cannot contain an empty {'string' if kind == 'S' else 'binary'} "
                                    f"value. Key: {name}")
    return None


@rule("dynamodb", "PutItem")
def put_item(params: Params, state: State) -> Refusal | None:
    """Items: at most 400 KB; every key attribute present and not empty; valid values
    (ServiceQuotas.html#limits-items, API_PutItem.html)."""
    item = params.get("Item")
    if not isinstance(item, dict):
        return None
    for value in item.values():
        problem = _value_problem(value)
        if problem:
            return Refusal(INVALID, problem)
    if sum(len(k.encode()) + _size(v) for k, v in item.items()) > 400 * 1024:
        return Refusal(INVALID, "Item size has exceeded the maximum allowed size")
    name = text(params.get("TableName"))
    return _key_problem(item, state.table_key_names(name) if name else None, False)


@rule("dynamodb", "GetItem", "DeleteItem", "UpdateItem")
def item_key(params: Params, state: State) -> Refusal | None:
    """Key: exactly the table's primary key attributes (API_GetItem.html, Key)."""
    key = params.get("Key")
    if isinstance(key, dict):
        for value in key.values():
            problem = _value_problem(value)
            if problem:
                return Refusal(INVALID, problem)
    name = text(params.get("TableName"))
    return _key_problem(key, state.table_key_names(name) if name else None, True)


@rule("dynamodb", "UpdateItem", "PutItem", "DeleteItem")
def expression_values(params: Params, state: State) -> Refusal | None:
    """ExpressionAttributeValues keys start with ':' and names with '#'; an expression must use
    them all (Expressions.ExpressionAttributeValues.html)."""
    values = params.get("ExpressionAttributeValues") or {}
    names = params.get("ExpressionAttributeNames") or {}
    for key in values:
        if not str(key).startswith(":"):
            return Refusal(INVALID, f"ExpressionAttributeValues contains invalid key: Syntax error; key: \"{key}\"")
    for key in names:
        if not str(key).startswith("#"):
            return Refusal(INVALID, f"ExpressionAttributeNames contains invalid key: Syntax error; key: \"{key}\"")
    expressions = " ".join(str(params.get(k) or "") for k in
                           ("UpdateExpression", "ConditionExpression", "ProjectionExpression"))
    unused = [k for k in values if not re.search(re.escape(k) + r"(?![A-Za-z0-9_])", expressions)]
    if unused:
        return Refusal(INVALID, f"Value provided in ExpressionAttributeValues unused in expressions: keys: "
                                f"{{{', '.join(unused)}}}")
    unused = [k for k in names if not re.search(re.escape(k) + r"(?![A-Za-z0-9_])", expressions)]
    if unused:
        return Refusal(INVALID, f"Value provided in ExpressionAttributeNames unused in expressions: keys: "
                                f"{{{', '.join(unused)}}}")
    for value in values.values():
        problem = _value_problem(value)
        if problem:
            return Refusal(INVALID, problem)
    return None
