"""Resource handlers: observe (read-only) -> plan (pure) -> execute (elsewhere).

A handler is registered under a short type name used in the workshop YAML
(``sqs.queue`` -> :class:`~codecraft_cli.resources.sqs.Queue`). It declares:

- ``schema``: the YAML properties it accepts, checked before any API call;
- ``outputs``: the attributes other resources may reference (``${queue.arn}``);
- ``permissions``: the IAM actions it needs to create, check and delete;
- ``slow``: resources that take minutes (RDS) are started first.

``plan`` and ``plan_delete`` are pure: they return :class:`Call` values (service, method,
parameters) that an executor runs, or that ``--dry-run`` only displays. Values known only
after an earlier call of the same plan are :class:`Var` placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from ..workshop.model import ResourceSpec

TAG_WORKSHOP = "codecraft:workshop"
TAG_STUDENT = "codecraft:student"
TAG_DEPLOYMENT = "codecraft:deployment"
TAG_EXPIRES = "codecraft:expires"


@dataclass(frozen=True)
class Var:
    """A value produced by an earlier call of the same plan: ``vars[name][path...]``."""

    name: str
    path: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return "<" + ".".join((self.name, *self.path)) + ">"


@dataclass(frozen=True)
class Call:
    """One AWS API call of a plan.

    ``method`` is a boto3 client method, or ``wait:<waiter>`` for a botocore waiter.
    ``output`` stores the response under that name for later :class:`Var` lookups.
    ``records`` marks the call after which the resource exists (the state file records it
    at once). ``gone_ok`` lists error codes that mean "already gone" (deletions).
    ``retry`` names a bounded retry policy for known AWS eventual-consistency errors.
    """

    service: str
    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    output: str | None = None
    records: bool = False
    gone_ok: tuple[str, ...] = ()
    retry: str | None = None

    def describe(self) -> str:
        shown = {k: _short(v) for k, v in self.params.items()}
        args = ", ".join(f"{k}={v}" for k, v in shown.items())
        return f"{self.service}.{self.method}({args})"


def _short(value: Any) -> str:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass
class Observed:
    """What exists now for one resource (from read-only calls)."""

    exists: bool
    attrs: dict[str, Any] = field(default_factory=dict)  # settings, as the handler compares them
    tags: dict[str, str] | None = None  # None: the type carries no tags


class Context(Protocol):
    """What a handler may use (see engine.context.DeployContext)."""

    region: str
    is_local: bool

    @property
    def account_id(self) -> str: ...

    def client(self, service: str) -> Any: ...

    def physical_name(self, base: str) -> str: ...

    verify_mode: bool

    @property
    def tags(self) -> dict[str, str]: ...

    @property
    def identity_tags(self) -> dict[str, str]: ...

    @property
    def gateway(self) -> str | None: ...

    def artifact(self, logical_id: str) -> Any: ...

    @property
    def lab_role_arn(self) -> str | None: ...


@dataclass(frozen=True)
class Prop:
    """One accepted YAML property: its Python type(s) and whether it is required."""

    kind: type | tuple[type, ...]
    required: bool = False
    choices: tuple[Any, ...] = ()


class Handler:
    type: ClassVar[str]
    service: ClassVar[str]
    schema: ClassVar[Mapping[str, Prop]] = {}
    outputs: ClassVar[tuple[str, ...]] = ("name", "arn")
    permissions: ClassVar[tuple[str, ...]] = ()
    named: ClassVar[bool] = True  # the YAML gives a name (student prefix applied)
    taggable: ClassVar[bool] = True
    slow: ClassVar[bool] = False
    lookup: ClassVar[bool] = False  # only observes (a default VPC): never recorded nor deleted
    console: ClassVar[str] = ""  # the console page, e.g. "SQS › Queues"

    def name(self, ctx: Context, res: ResourceSpec) -> str:
        return ctx.physical_name(res.name or res.id)

    def serialize_key(self, props: Mapping[str, Any]) -> str | None:
        """Resources with the same key are set up one at a time (they edit one shared thing)."""
        return None

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[str]:
        """What differs from the workshop, each said as the console fix (empty: it matches).

        Used by ``verify`` on resources built by codecraft or by hand in the console. By default
        every call the plan would make is a difference; handlers override this where a console
        default is acceptable (a retention period, a policy's statement id...).
        """
        return [self.explain(ctx, res, call) for call in self.plan(ctx, res, props, observed)]

    def explain(self, ctx: Context, res: ResourceSpec, call: Call) -> str:
        name = self.name(ctx, res) if self.named else res.id
        return f"{self.console} › {name}: differs from the workshop ({call.method.removeprefix('wait:')})"

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        """The console fix for a resource that does not exist."""
        name = self.name(ctx, res) if self.named else res.id
        return f"{self.console}: create {name} (see the step's click-path)"

    def validate(self, res: ResourceSpec) -> list[str]:
        """Problems in the YAML that need no AWS call to see (checked when the file loads)."""
        return []

    def prepare(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> None:
        """Local work before planning (build a zip); no AWS mutation."""

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        raise NotImplementedError

    def plan(
        self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed
    ) -> list[Call]:
        raise NotImplementedError

    def resolve_outputs(
        self,
        ctx: Context,
        res: ResourceSpec,
        props: Mapping[str, Any],
        observed: Observed,
        results: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The referenceable attributes, from what was observed or just created."""
        raise NotImplementedError

    def physical_id(self, outputs: Mapping[str, Any]) -> str:
        return str(outputs.get("arn") or outputs.get("id") or outputs.get("name"))

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        """Read-only look-ups a deletion needs (attached policies, mappings); default none."""
        return {}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Call]:
        """Calls that delete a recorded resource (``record['outputs']`` holds its attributes)."""
        raise NotImplementedError


REGISTRY: dict[str, Handler] = {}


def register(cls: type[Handler]) -> type[Handler]:
    REGISTRY[cls.type] = cls()
    return cls


def handler_for(type_name: str) -> Handler:
    _load_all()
    return REGISTRY[type_name]


def all_handlers() -> dict[str, Handler]:
    _load_all()
    return dict(REGISTRY)


def _load_all() -> None:
    # importing the modules registers their handlers (idempotent: modules load once)
    from . import apigateway, cognito, database, dynamodb, ec2, iam, lambda_, logs, rds, s3, secrets, sns, sqs  # noqa: F401


def tag_list(tags: Mapping[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in tags.items()]


def tags_from_list(items: Sequence[Mapping[str, str]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {item[key]: item[value] for item in items or ()}


def diff(want: Mapping[str, Any], have: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``want`` that ``have`` does not hold with the same value."""
    return {k: v for k, v in want.items() if have.get(k) != v}
