"""The ``Condition`` element: operators, keys and values, as IAM evaluates them.

From "IAM JSON policy elements: Condition operators" and "Creating a condition with multiple
keys or values" (IAM user guide):

- every operator block must hold, and within a block every key (AND); a key holds when the
  request's value matches ANY of the policy's values (OR);
- condition key names are case-insensitive; values are compared case-sensitively unless the
  operator says ``IgnoreCase``;
- a key missing from the request context makes a positive operator false and a negated one
  (``StringNotEquals``, ``ArnNotLike``...) true; ``...IfExists`` makes a missing key true;
  ``Null`` tests presence;
- ``ForAnyValue:``/``ForAllValues:`` compare multivalued keys (any / every request value).

Implemented: String*, Arn*, Bool, Null, Numeric*, IpAddress/NotIpAddress. Date operators and
policy variables (``${aws:username}``) are not (an unknown operator never matches, so a
statement using one does not apply: documented in the README's known differences).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from .wildcards import wildcard_match

Context = Mapping[str, "str | list[str]"]

_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
            "NumericNotEquals", "NotIpAddress")


def _string_like(pattern: str, value: str) -> bool:
    return wildcard_match(pattern, value)


def arn_like(pattern: str, value: str) -> bool:
    """ArnLike: each of the six colon-separated parts matches on its own (the resource part
    keeps its colons), with ``*`` and ``?`` wildcards."""
    want, have = pattern.split(":", 5), value.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        return False
    return all(wildcard_match(p, v) for p, v in zip(want, have, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric(test: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def compare(want: str, have: str) -> bool:
        w, h = _number(want), _number(have)
        return w is not None and h is not None and test(h, w)

    return compare


def _ip(want: str, have: str) -> bool:
    try:
        return ipaddress.ip_address(have) in ipaddress.ip_network(want, strict=False)
    except ValueError:
        return False


_MATCHERS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda w, h: w == h,
    "StringEqualsIgnoreCase": lambda w, h: w.lower() == h.lower(),
    "StringLike": _string_like,
    "ArnEquals": arn_like,  # ArnEquals and ArnLike behave alike (the condition operators page)
    "ArnLike": arn_like,
    "Bool": lambda w, h: w.lower() == h.lower(),
    "NumericEquals": _numeric(lambda h, w: h == w),
    "NumericLessThan": _numeric(lambda h, w: h < w),
    "NumericLessThanEquals": _numeric(lambda h, w: h <= w),
    "NumericGreaterThan": _numeric(lambda h, w: h > w),
    "NumericGreaterThanEquals": _numeric(lambda h, w: h >= w),
    "IpAddress": _ip,
}
_POSITIVE_OF = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
                "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
                "NumericNotEquals": "NumericEquals", "NotIpAddress": "IpAddress"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _lookup(context: Context, key: str) -> list[str] | None:
    wanted = key.lower()
    for name, value in context.items():
        if name.lower() == wanted:
            return [_text(v) for v in value] if isinstance(value, list) else [_text(value)]
    return None


def _block_holds(operator: str, block: Mapping[str, Any], context: Context) -> bool:
    qualifier = ""
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[: -len("IfExists")]
    for key, wanted in block.items():
        values = [_text(w) for w in (wanted if isinstance(wanted, list) else [wanted])]
        have = _lookup(context, key)
        if operator == "Null":  # "true": the key must be absent; "false": present
            if any((v.lower() == "true") != (have is None) for v in values):
                return False
            continue
        if have is None:
            if if_exists or operator in _NEGATED or qualifier == "ForAllValues":
                continue
            return False
        negated = operator in _NEGATED
        matcher = _MATCHERS.get(_POSITIVE_OF.get(operator, operator))
        if matcher is None:
            return False  # an operator this emulator does not know never matches
        hits = [any(matcher(w, h) for w in values) for h in have]
        if qualifier == "ForAllValues":
            ok = all(not hit for hit in hits) if negated else all(hits)
        elif negated:
            ok = not any(hits)
        else:
            ok = any(hits)
        if not ok:
            return False
    return True


def conditions_hold(condition: Mapping[str, Any], context: Context) -> bool:
    """Every operator block of a statement's ``Condition`` holds in this request context."""
    return all(isinstance(block, Mapping) and _block_holds(op, block, context) for op, block in condition.items())
