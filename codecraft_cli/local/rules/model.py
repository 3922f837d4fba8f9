"""Layer 1: the constraints botocore's service models carry, checked as AWS's front end does.

For the operation's input shape, recursively: required members present, string and blob
lengths, integer/long/double ranges, enums, list and map sizes, and ``pattern`` (AWS's
patterns are Java regular expressions matched against the whole value; see
:func:`translate` for what is rewritten and what is skipped).

Botocore itself validates only ``required`` and ``min`` client-side; the service validates the
rest, in its own words: JSON and REST-JSON services and IAM answer in Coral's wording ("1
validation error detected: Value '901' at 'timeout' failed to satisfy constraint: ..."), each
with its own error code (see ``STYLES``); EC2, RDS and SQS answer ``MissingParameter`` /
``InvalidParameterValue`` (the "Common Errors" page of each API reference).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .base import Params, Refusal, at_least, at_most, detected, matching, one_of, shown, violation


@dataclass(frozen=True)
class Style:
    code: str  # the code of a constraint violation
    coral: bool = True  # Coral's wording, else "Value (x) for parameter X is invalid."
    missing: str | None = None  # the code of a missing required member, when it differs
    map_keys: bool = True  # whether map keys are checked here (SQS checks attribute names itself)


# Codes from each API reference's "Common Errors" page and the operations' documented errors:
# https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html (ValidationException),
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html,
# https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html (ValidationError),
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (MissingParameter,
# InvalidParameterValue), https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html,
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html,
# https://docs.aws.amazon.com/apigateway/latest/api/CommonErrors.html (BadRequestException),
# CloudWatch Logs and Cognito user pools document InvalidParameterException for bad parameters.
STYLES: dict[str, Style] = {
    "lambda": Style("ValidationException"),
    "dynamodb": Style("ValidationException"),
    "secretsmanager": Style("ValidationException"),
    "iam": Style("ValidationError"),
    "sns": Style("ValidationError"),
    "apigateway": Style("BadRequestException"),
    "cognito-idp": Style("InvalidParameterException"),
    "logs": Style("InvalidParameterException"),
    "s3": Style("InvalidArgument", coral=False, missing="InvalidRequest"),
    "ec2": Style("InvalidParameterValue", coral=False, missing="MissingParameter"),
    "rds": Style("InvalidParameterValue", coral=False, missing="MissingParameter"),
    "sqs": Style("InvalidParameterValue", coral=False, missing="MissingParameter", map_keys=False),
}
# Members whose violations AWS answers with a code of their own.
OWN_CODES: dict[tuple[str, str], Refusal] = {
    # S3: an unknown LocationConstraint (ErrorResponses.html, InvalidLocationConstraint)
    ("s3", "LocationConstraint"): Refusal("InvalidLocationConstraint", "The specified location-constraint is not valid"),
}


# Members whose model constraints are narrower than what the service accepts, left unchecked:
# ReceiveMessage's AttributeNames is modelled with the queue attribute enum, but takes the
# message system attributes (SentTimestamp, ApproximateReceiveCount, ...): "AttributeNames ...
# All, ApproximateFirstReceiveTimestamp, ApproximateReceiveCount, AWSTraceHeader, SenderId,
# SentTimestamp, SequenceNumber, ..." (API_ReceiveMessage.html).
UNCHECKED: dict[tuple[str, str], frozenset[str]] = {
    ("sqs", "ReceiveMessage"): frozenset({"AttributeNames"}),
}


@dataclass(frozen=True)
class Problem:
    path: tuple[str, ...]  # member names, and "N.member" steps into lists
    value: Any
    constraint: str  # Coral's "Member must ..." sentence
    sensitive: bool = False
    wire: str = ""  # the parameter's name on the wire (EC2's GroupDescription for Description)


def check(service: str, operation: str, params: Params) -> Refusal | None:
    """The first refusal botocore's model implies for this request, or ``None``."""
    shape = _input_shape(service, operation)
    if shape is None:
        return None
    problems: list[Problem] = []
    style = STYLES.get(service, Style("ValidationException"))
    unchecked = UNCHECKED.get((service, operation))
    if unchecked:
        params = {k: v for k, v in params.items() if k not in unchecked}
    _walk(shape, params, (), problems, "", style.map_keys)
    if not problems:
        return None
    own = OWN_CODES.get((service, problems[0].path[-1] if problems[0].path else ""))
    return own or _refusal(style, problems)


@lru_cache(maxsize=None)
def _model(service: str) -> Any:
    import botocore.exceptions  # lazy: loading the models costs tens of milliseconds

    try:
        return _session().get_service_model(service)
    except botocore.exceptions.UnknownServiceError:
        return None


@lru_cache(maxsize=1)
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def _input_shape(service: str, operation: str) -> Any:
    model = _model(service)
    if model is None or operation not in model.operation_names:
        return None
    return model.operation_model(operation).input_shape


def _walk(shape: Any, value: Any, path: tuple[str, ...], out: list[Problem], wire: str,
          keys: bool = True) -> None:
    if shape is None or value is None:
        return
    kind = shape.type_name
    meta = shape.metadata
    sensitive = bool(meta.get("sensitive"))
    if kind == "structure":
        if not isinstance(value, dict):
            return
        for name in shape.required_members:
            if value.get(name) is None:
                out.append(Problem(path + (name,), None, "Member must not be null", False,
                                   _wire(shape.members[name], name)))
        for name, member in shape.members.items():
            if name in value:
                _walk(member, value[name], path + (name,), out, _wire(member, name), keys)
    elif kind == "list":
        if not isinstance(value, list):
            return
        _size(meta, len(value), value, path, out, sensitive, wire)
        for i, item in enumerate(value):
            _walk(shape.member, item, path + (f"{i + 1}.member",), out, wire, keys)
    elif kind == "map":
        if not isinstance(value, dict):
            return
        _size(meta, len(value), value, path, out, sensitive, wire)
        for key, item in value.items():
            if keys:
                _walk(shape.key, key, path + ("key",), out, wire, keys)
            _walk(shape.value, item, path + (str(key),), out, wire, keys)
    elif kind == "string":
        if not isinstance(value, str):
            return
        _size(meta, len(value), value, path, out, sensitive, wire)
        enum = shape.enum
        if enum and value not in enum:
            out.append(Problem(path, value, one_of(enum), sensitive, wire))
        pattern = meta.get("pattern")
        if pattern and not _matches(pattern, value):
            out.append(Problem(path, value, matching(pattern), sensitive, wire))
    elif kind == "blob":
        if isinstance(value, bytes | str):
            size = len(value.encode() if isinstance(value, str) else value)
            _size(meta, size, value, path, out, sensitive, wire)
    elif kind in ("integer", "long", "double", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return
        if "min" in meta and value < meta["min"]:
            out.append(Problem(path, value, at_least(meta["min"]), sensitive, wire))
        if "max" in meta and value > meta["max"]:
            out.append(Problem(path, value, at_most(meta["max"]), sensitive, wire))


def _size(meta: dict[str, Any], size: int, value: Any, path: tuple[str, ...], out: list[Problem],
          sensitive: bool, wire: str) -> None:
    if "min" in meta and size < meta["min"]:
        out.append(Problem(path, value, at_least(meta["min"], length=True), sensitive, wire))
    if "max" in meta and size > meta["max"]:
        out.append(Problem(path, value, at_most(meta["max"], length=True), sensitive, wire))


def _wire(member: Any, name: str) -> str:
    serialization = member.serialization
    return str(serialization.get("queryName") or serialization.get("name") or name)


def _refusal(style: Style, problems: list[Problem]) -> Refusal:
    first = problems[0]
    missing = [p for p in problems if p.value is None]
    if missing and style.missing:
        name = missing[0].wire or missing[0].path[-1]
        return Refusal(style.missing, f"The request must contain the parameter {name}")
    if style.coral:
        lines = []
        for p in problems:
            where = ".".join(_camel(step) for step in p.path)
            if p.sensitive:
                lines.append(f"Value at '{where}' failed to satisfy constraint: {p.constraint}")
            else:
                lines.append(violation(p.value, where, p.constraint))
        return Refusal(style.code, detected(lines))
    name = first.wire or (first.path[-1] if first.path else "?")
    reason = first.constraint.replace("Member must", "It must")
    return Refusal(style.code, f"Value ({shown(first.value)}) for parameter {name} is invalid. {reason}")


def _camel(step: str) -> str:
    return step[:1].lower() + step[1:]


# --- patterns -------------------------------------------------------------------------------

# Unicode categories for Java's \p{..}, as ranges of the Basic Multilingual Plane (characters
# beyond U+FFFF are not in these classes: a value using them is refused by the translated
# pattern where Java would accept it; no workshop value comes near).
_POSIX = {"Print": r"\x20-\x7E", "Alnum": "a-zA-Z0-9", "Alpha": "a-zA-Z", "Digit": "0-9"}


@lru_cache(maxsize=None)
def _category(name: str) -> str:
    if name in _POSIX:
        return _POSIX[name]
    chars = [c for c in range(0x10000) if unicodedata.category(chr(c)).startswith(name)]
    ranges: list[str] = []
    start = prev = chars[0]
    for c in chars[1:] + [-1]:
        if c != prev + 1:
            ranges.append(f"\\u{start:04x}" if start == prev else f"\\u{start:04x}-\\u{prev:04x}")
            start = c
        prev = c
    return "".join(ranges)


def translate(pattern: str) -> str:
    """A Java pattern as Python's ``re`` reads it: ``\\p{L}``-style classes expanded, a UTF-16
    surrogate range as the code points it means, ``[\\w-_]`` (a literal hyphen in Java) escaped."""
    pattern = pattern.replace(r"\uD800\uDC00-\uDBFF\uDFFF", r"\U00010000-\U0010FFFF")
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            found = re.match(r"\\p\{(\w+)\}", pattern[i:])
            if found:
                ranges = _category(found.group(1))
                out.append(ranges if in_class else f"[{ranges}]")
                i += len(found.group(0))
                continue
            out.append(pattern[i:i + 2])
            i += 2
            if in_class and nxt in "wdsWDS" and pattern[i:i + 1] == "-" and pattern[i + 1:i + 2] != "]":
                out.append("\\-")
                i += 1
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class and out and out[-1] != "[":
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(translate(pattern))
    except re.error:  # none in the twelve services' models today (checked by a test)
        return None


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(value) is not None
