"""The typed workshop model. One YAML step = one console step.

References between resources are written ``${logical_id.attribute}`` inside properties
(``role: ${role.arn}``, ``TOPIC_ARN: ${notifications.arn}``). A string that is exactly one
reference resolves to the attribute's value; a string with text around references is
interpolated (``"${logs.arn}:*"``). References are also the dependency edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..i18n import _

REF_RE = re.compile(r"\$\{(?:([a-z0-9][a-z0-9-]*):)?([A-Za-z_][A-Za-z0-9_]*)\.([a-z_]+)\}")


@dataclass(frozen=True)
class Ref:
    """``${resource.attr}``, or ``${workshop:resource.attr}`` for a prerequisite's resource."""

    resource: str
    attr: str
    workshop: str | None = None

    @property
    def key(self) -> str:
        """Where its outputs are found: the resource id, or ``workshop:resource``."""
        return f"{self.workshop}:{self.resource}" if self.workshop else self.resource

    def __str__(self) -> str:
        prefix = f"{self.workshop}:" if self.workshop else ""
        return "${%s%s.%s}" % (prefix, self.resource, self.attr)


def _ref(match: re.Match[str]) -> Ref:
    return Ref(match.group(2), match.group(3), match.group(1))


def iter_refs(value: Any) -> Iterator[Ref]:
    """Every reference inside a nested value."""
    if isinstance(value, str):
        for match in REF_RE.finditer(value):
            yield _ref(match)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from iter_refs(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_refs(item)


class Unresolved:
    """The value of an attribute not known yet (a resource still to be created)."""

    def __init__(self, ref: Ref) -> None:
        self.ref = ref

    def __repr__(self) -> str:
        return f"<{self.ref.key}.{self.ref.attr}>"

    def __str__(self) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unresolved) and other.ref == self.ref

    def __hash__(self) -> int:
        return hash(self.ref)


def resolve(value: Any, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """Replace references by the outputs of the resources they name.

    Missing outputs become :class:`Unresolved` placeholders (whole-string references) or
    their ``<id.attr>`` text (interpolated strings), so a dry run can still show the plan.
    """
    if isinstance(value, str):
        whole = REF_RE.fullmatch(value)
        if whole:
            ref = _ref(whole)
            got = outputs.get(ref.key, {}).get(ref.attr)
            return Unresolved(ref) if got is None else got

        def sub(match: re.Match[str]) -> str:
            ref = _ref(match)
            got = outputs.get(ref.key, {}).get(ref.attr)
            return f"<{ref.key}.{ref.attr}>" if got is None else str(got)

        return REF_RE.sub(sub, value)
    if isinstance(value, Mapping):
        return {key: resolve(item, outputs) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [resolve(item, outputs) for item in value]
    return value


def as_list(value: Any) -> Any:
    """A list property as a list, or its placeholder as it is (a dry run before the value exists)."""
    return value if isinstance(value, Unresolved) else list(value)


def has_unresolved(value: Any) -> bool:
    if isinstance(value, Unresolved):
        return True
    if isinstance(value, str):
        return bool(re.search(r"<(?:[a-z0-9-]+:)?[A-Za-z_][A-Za-z0-9_]*\.[a-z_]+>", value))
    if isinstance(value, Mapping):
        return any(has_unresolved(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(has_unresolved(item) for item in value)
    return False


@dataclass(frozen=True)
class ResourceSpec:
    """One resource of a step: ``type`` names a handler in the registry."""

    id: str
    type: str
    step: str
    name: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    # what the seed prescribes ("name", properties); None: the handler's default (Handler.prescribed).
    # What it leaves open is accepted whatever the student chose; codecraft's choices there are advice.
    seed: tuple[str, ...] | None = None

    @property
    def deps(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for ref in iter_refs(self.properties):
            if ref.workshop is None:  # a prerequisite's resource is not an edge of this graph
                seen.setdefault(ref.resource)
        for dep in self.depends_on:
            seen.setdefault(dep)
        return tuple(seen)


@dataclass(frozen=True)
class CheckSpec:
    """An explicit verification check (resource checks are implied by each resource)."""

    id: str
    type: str
    step: str
    title: Mapping[str, str]
    params: Mapping[str, Any] = field(default_factory=dict)
    fix: Mapping[str, str] = field(default_factory=dict)
    # codecraft's own addition beyond the seed, with its reason: reported as advice, never a failure
    advice: Mapping[str, str] = field(default_factory=dict)
    # resources or steps it cannot run without: when one is in an optional part nobody built, the
    # check is reported as optional too (a Cognito sign-in when Cognito was skipped)
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    id: str
    title: Mapping[str, str]
    console: Mapping[str, str]
    resources: tuple[ResourceSpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    pitfalls: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False  # the seed makes this part optional (not built: not a failure)


@dataclass(frozen=True)
class RubricItem:
    criterion: Mapping[str, str]
    checks: tuple[str, ...]  # "step.check" or a resource id
    points: float
    bonus: bool = False  # an optional part of the seed: its points come on top of the 100


@dataclass(frozen=True)
class Workshop:
    id: str
    title: Mapping[str, str]
    seed: str | None
    requires: tuple[str, ...]
    services: tuple[str, ...]
    steps: tuple[Step, ...]
    payloads: Mapping[str, Any]
    api: str | None  # logical id of the workshop's REST API (for test-api)
    default_route: str | None  # "POST /orders"
    default_payload: str | None
    rubric: tuple[RubricItem, ...]
    path: Path
    test_user: Mapping[str, str] | None = None  # {client: <ref>, user: <ref>} for protected routes

    @property
    def resources(self) -> tuple[ResourceSpec, ...]:
        return tuple(res for step in self.steps for res in step.resources)

    def resource(self, logical_id: str) -> ResourceSpec:
        return _by_id(self.resources, logical_id)

    @property
    def checks(self) -> tuple[CheckSpec, ...]:
        return tuple(check for step in self.steps for check in step.checks)

    def step(self, step_id: str) -> Step:
        return _by_id(self.steps, step_id)


_Element = TypeVar("_Element", ResourceSpec, Step)


def _by_id(elements: tuple[_Element, ...], wanted: str) -> _Element:
    """The element with this id (KeyError: none)."""
    for element in elements:
        if element.id == wanted:
            return element
    raise KeyError(wanted)


def dependency_order(resources: tuple[ResourceSpec, ...]) -> list[ResourceSpec]:
    """Resources in an order where each comes after what it references (stable, Kahn)."""
    by_id = {res.id: res for res in resources}
    placed: list[ResourceSpec] = []
    done: set[str] = set()
    pending = list(resources)
    while pending:
        progress = False
        for res in list(pending):
            if all(dep in done or dep not in by_id for dep in res.deps):
                placed.append(res)
                done.add(res.id)
                pending.remove(res)
                progress = True
        if not progress:
            cycle = ", ".join(res.id for res in pending)
            raise ValueError(_("the references between these resources form a cycle: {cycle}").format(cycle=cycle))
    return placed
