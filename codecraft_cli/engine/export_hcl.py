"""A small writer of Terraform's native syntax (HCL) for ``codecraft export --format terraform``.

Values are Python data: ``str`` (a quoted template: ``${...}`` inside it stays an interpolation,
anything else is escaped), ``bool``/``int``/``float``, ``list``, ``dict`` (an object, keys quoted),
:class:`Expr` (an expression written as it is), :class:`Nested` (a nested block) and
:class:`Block` (a top-level block). A string that is one interpolation alone (``"${a.b}"``) is
written as the bare expression ``a.b``; a list holding only ``"${*expr}"`` is the list ``expr``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_INTERP = r"\$\{(?:[^{}\"]|\"[^\"]*\")+\}"  # ${...}, quoted strings inside allowed (no nested ${})
_WHOLE = re.compile(r"\$\{((?:[^{}\"]|\"[^\"]*\")+)\}")
_SPLAT = re.compile(r"\$\{\*([^${}]+)\}")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class Expr(str):
    """An HCL expression written as it is (``aws_iam_role.role.arn``, ``jsonencode({...})``)."""


@dataclass
class Nested:
    """A nested block (``environment { ... }``)."""

    body: Mapping[str, Any]


@dataclass
class Block:
    """A top-level block: ``resource "aws_sqs_queue" "queue" { ... }``; ``comment`` goes above it."""

    kind: str
    labels: tuple[str, ...]
    body: dict[str, Any] = field(default_factory=dict)
    comment: str = ""

    @property
    def address(self) -> str:
        """How other blocks refer to it: ``aws_sqs_queue.queue``, ``data.aws_vpc.network``."""
        if self.kind == "resource":
            return ".".join(self.labels)
        return ".".join((self.kind, *self.labels))


def string(value: str) -> str:
    """A quoted HCL template; ``${...}`` interpolations are kept, the rest escaped."""
    whole = _WHOLE.fullmatch(value)
    if whole:
        return whole.group(1)
    out, at = [], 0
    for m in re.finditer(_INTERP, value):
        out += [_escape(value[at:m.start()]), m.group(0)]
        at = m.end()
    out.append(_escape(value[at:]))
    return '"' + "".join(out) + '"'


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("%{", "%%{")
            .replace("${", "$${"))


@dataclass
class JsonEncode:
    """A JSON document (a policy) written as ``jsonencode({...})``: readable, references stay live."""

    data: Any


def jsonencode(document: str | Mapping[str, Any]) -> JsonEncode:
    return JsonEncode(json.loads(document) if isinstance(document, str) else document)


def value(item: Any, depth: int = 1) -> str:
    pad, inner = "  " * (depth - 1), "  " * depth
    if isinstance(item, Expr):
        return str(item)
    if isinstance(item, JsonEncode):
        return f"jsonencode({value(item.data, depth)})"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)):
        return json.dumps(item)
    if isinstance(item, str):
        return string(item)
    if item is None:
        return "null"
    if isinstance(item, Mapping):
        if not item:
            return "{}"
        rows = [f"{inner}{json.dumps(str(k))} = {value(v, depth + 1)}" for k, v in item.items()]
        return "{\n" + "\n".join(rows) + f"\n{pad}}}"
    if isinstance(item, Sequence):
        items = list(item)
        if len(items) == 1 and isinstance(items[0], str) and _SPLAT.fullmatch(items[0]):
            return str(_SPLAT.fullmatch(items[0]).group(1))  # type: ignore[union-attr]
        if not items:
            return "[]"
        if all(not isinstance(i, (Mapping, list, tuple)) for i in items) and len(items) <= 4:
            return "[" + ", ".join(value(i, depth + 1) for i in items) + "]"
        return "[\n" + ",\n".join(f"{inner}{value(i, depth + 1)}" for i in items) + f",\n{pad}]"
    raise TypeError(f"no HCL form for {type(item).__name__}")


def body(items: Mapping[str, Any], depth: int = 1) -> list[str]:
    """A block's lines: attributes (aligned ``=``), then nested blocks."""
    pad = "  " * depth
    attrs = [(k, v) for k, v in items.items() if not isinstance(v, (Nested, list)) or
             (isinstance(v, list) and not any(isinstance(i, Nested) for i in v))]
    width = max((len(k) for k, _ in attrs), default=0)
    lines = [f"{pad}{k.ljust(width)} = {value(v, depth + 1)}" for k, v in attrs if v is not None]
    for key, item in items.items():
        nested = [item] if isinstance(item, Nested) else (
            [i for i in item if isinstance(i, Nested)] if isinstance(item, list) else [])
        for block in nested:
            lines += ["", f"{pad}{key} {{", *body(block.body, depth + 1), f"{pad}}}"] if lines else [
                f"{pad}{key} {{", *body(block.body, depth + 1), f"{pad}}}"]
    return lines


def render(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if block.comment:
            out += [f"# {line}".rstrip() for line in block.comment.splitlines()]
        labels = " ".join(json.dumps(label) for label in block.labels)
        head = f"{block.kind} {labels}".rstrip() if labels else block.kind
        out += [f"{head} {{", *body(block.body), "}", ""]
    return "\n".join(out)


def ident(name: str) -> str:
    """A name usable as a Terraform label (``/jobs/{job_id}`` -> ``jobs_job_id``)."""
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "root"
    return cleaned if _IDENT.match(cleaned) else f"_{cleaned}"
