"""Resource handlers: observe (read-only) -> plan (pure) -> execute (elsewhere).

A handler is registered under a short type name used in the workshop YAML
(``sqs.queue`` -> :class:`~codecraft_cli.resources.sqs.Queue`). It declares:

- ``schema``: the YAML properties it accepts, checked before any API call;
- ``outputs``: the attributes other resources may reference (``${queue.arn}``);
- ``permissions``: the IAM actions it needs to create, check and delete;
- ``slow``: resources that take minutes (RDS) are started first;
- ``info``: a :class:`TypeInfo`, what the engine needs beyond plans (error codes that mean
  "gone", the sweep's delete rank and how it finds the type), with ``from_arn``,
  ``list_tagged`` and ``hourly_cost`` where they apply.

``plan`` and ``plan_delete`` are pure: they return :class:`~.plan.Call` and
:class:`~.plan.Wait` values (see plan.py) that an executor runs, or that ``--dry-run`` only
displays. The handler modules register themselves when the registry (``resources/__init__``)
loads them; this module never imports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from ..aws.errors import if_exists
from ..i18n import _
from ..workshop.model import ResourceSpec
from .plan import Call, Step, Var, Wait

__all__ = ["Call", "Context", "Finding", "Handler", "Observed", "Prop", "Step", "Tagged", "TypeInfo", "Var", "Wait",
           "created", "diff", "owned", "register", "tag_list", "tags_from_list"]
T = TypeVar("T")

TAG_WORKSHOP = "codecraft:workshop"
TAG_STUDENT = "codecraft:student"
TAG_DEPLOYMENT = "codecraft:deployment"
TAG_EXPIRES = "codecraft:expires"


@dataclass
class Observed:
    """What exists now for one resource (from read-only calls)."""

    exists: bool
    attrs: dict[str, Any] = field(default_factory=dict)  # settings, as the handler compares them
    tags: dict[str, str] | None = None  # None: the type carries no tags


class Context(Protocol):
    """What a handler may use (engine.context.DeployContext; narrate's OfflineContext for ``show``).

    ``found``: resource id -> the physical name found through the links (engine/discovery) for a
    resource whose name the seed leaves open; ``lang``: the language of the workshop's own texts
    (codecraft's own words go through the catalogs, in the process's language: ``i18n.set_lang``).
    """

    @property
    def region(self) -> str: ...

    @property
    def lang(self) -> str: ...

    @property
    def found(self) -> dict[str, str]: ...

    @property
    def is_local(self) -> bool: ...

    @property
    def student(self) -> str | None: ...

    @property
    def account_id(self) -> str: ...

    def client(self, service: str) -> Any: ...

    def physical_name(self, base: str) -> str: ...

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
    """One accepted YAML property: its Python type(s) and whether it is required.

    A text AWS constrains declares it: ``text`` is a :class:`Text` rule, checked when the
    workshop file loads (a value with a ``${...}`` reference is checked once resolved, by AWS).
    """

    kind: type | tuple[type, ...]
    required: bool = False
    choices: tuple[Any, ...] = ()
    text: Text | None = None


@dataclass(frozen=True)
class Text:
    """What AWS accepts in one text field: a full-match pattern, a length, and how to say it.

    ``reserve`` counts characters codecraft adds (a student prefix ``name-`` of up to 21).
    """

    pattern: str
    max_len: int
    says: str  # marked N_("..."): translated when said
    min_len: int = 1
    reserve: int = 0

    def problem(self, what: str, value: str) -> str | None:
        import re

        if not self.min_len <= len(value) <= self.max_len - self.reserve:
            said = (_("{what} {value!r} must have {low}-{high} characters (AWS allows {most}; codecraft may add a "
                      "student prefix)") if self.reserve else _("{what} {value!r} must have {low}-{high} characters"))
            return said.format(what=what, value=value, low=self.min_len, high=self.max_len - self.reserve,
                               most=self.max_len)
        if not re.fullmatch(self.pattern, value):
            return _("{what} {value!r} is refused by AWS: {rule}").format(what=what, value=value, rule=_(self.says))
        return None


STUDENT_PREFIX = 21  # "<student>-": a student name has at most 20 characters (engine/context)


@dataclass(frozen=True)
class Finding:
    """One difference between what exists and the workshop, said as the console fix.

    ``prop``: what it is about, a YAML property of the type ("billing", "timeout") or "name",
    "code", "role", "runtime"...; "*" is always a requirement. The verifier counts it as a failure
    when the seed prescribes ``prop`` (:meth:`Handler.prescribed_for`), otherwise as advice shown
    with ``reason``, why codecraft chooses that value.
    """

    prop: str
    fix: str
    reason: str = ""


Tagged = tuple[str, dict[str, str], dict[str, Any]]  # (ARN, tags, outputs) of a resource found by listing


@dataclass(frozen=True)
class TypeInfo:
    """Everything type-specific the engine asks the registry for (cloud-custodian's TypeInfo).

    ``type``: the name in the workshop YAML; ``service``: its botocore service; ``console``:
    its console page ("SQS › Queues", marked ``N_``; :meth:`page` says it in the user's language). ``named``: the YAML gives a name (student prefix
    applied); ``taggable``: it carries codecraft's tags; ``slow``: it takes minutes (RDS) and
    is started first; ``lookup``: only observed (a default VPC), never recorded nor deleted.
    ``gone``: the error codes that mean "it does not exist". ``sweep_rank``: the sweep deletes
    lower ranks first (dependants first: functions before roles, the database before its
    security groups); None: never swept. ``arn_service``: the sweep finds it in the tagging
    API's answer under this ARN service (``from_arn`` reads the ARN); a swept type without it
    is listed and its tags read (``list_tagged``). ``id_output``: the output that identifies
    it in the state file ("": its arn, id or name, the first set).
    """

    type: str
    service: str
    console: str = ""
    named: bool = True
    taggable: bool = True
    slow: bool = False
    lookup: bool = False
    gone: tuple[str, ...] = ()
    sweep_rank: int | None = None
    arn_service: str = ""
    id_output: str = ""
    name_text: Text | None = None  # what AWS accepts as its name (checked when the file loads)

    def page(self) -> str:
        """Its console page in the user's language (``console`` is marked ``N_``)."""
        return _(self.console)


class Handler:
    info: ClassVar[TypeInfo]
    schema: ClassVar[Mapping[str, Prop]] = {}
    outputs: ClassVar[tuple[str, ...]] = ("name", "arn")
    permissions: ClassVar[tuple[str, ...]] = ()
    # what a seed fixes for this type unless the YAML's ``seed:`` says otherwise ("*": everything)
    prescribed: ClassVar[tuple[str, ...]] = ("*",)
    # AWS creates it itself when it is needed (Lambda creates a function's log group on its first
    # run): when the seed does not ask for it, its absence is advice, not a failure
    made_by_aws: ClassVar[bool] = False

    def name(self, ctx: Context, res: ResourceSpec) -> str:
        """Its physical name: the one found through the links (a name the seed leaves open), else
        codecraft's (with the student prefix)."""
        found = getattr(ctx, "found", None)
        if found and res.id in found:
            return str(found[res.id])
        return ctx.physical_name(res.name or res.id)

    def prescribed_for(self, res: ResourceSpec) -> tuple[str, ...]:
        """What the seed prescribes for this resource: its ``seed:`` list, else the type's default."""
        return self.prescribed if res.seed is None else res.seed

    def requires(self, res: ResourceSpec, finding: Finding | str) -> bool:
        """Whether a finding is a failure (the seed prescribes it) rather than advice."""
        if isinstance(finding, str) or finding.prop == "*":
            return True
        prescribed = self.prescribed_for(res)
        return "*" in prescribed or finding.prop in prescribed

    def serialize_key(self, props: Mapping[str, Any]) -> str | None:
        """Resources with the same key are set up one at a time (they edit one shared thing)."""
        return None

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """What differs from the workshop, each said as the console fix (empty: it matches).

        Used by ``verify`` on resources built by codecraft or by hand in the console. A plain text
        is a requirement; a :class:`Finding` names the property it is about, so what the seed leaves
        open becomes advice. By default every call the plan would make is a difference; handlers
        override this where a console default is acceptable.
        """
        return [self.explain(ctx, res, call) for call in self.plan(ctx, res, props, observed)]

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        """How the resource is named to a user: its name, or for a type without one what identifies
        it in the console (a route's method and path, a stage's name...), not the YAML's id."""
        return self.name(ctx, res) if self.info.named else res.id

    def explain(self, ctx: Context, res: ResourceSpec, call: Step) -> str:
        name = self.name(ctx, res) if self.info.named else res.id
        return _("{page} › {name}: differs from the workshop ({action})").format(
            page=self.info.page(), name=name, action=call.action)

    def missing(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        """The console fix for a resource that does not exist."""
        name = self.label(ctx, res, props)
        return _("{page}: create {name} (see the step's click-path)").format(page=self.info.page(), name=name)

    def validate(self, res: ResourceSpec) -> list[str]:
        """Problems in the YAML that need no AWS call to see (checked when the file loads):
        a name AWS would refuse, once codecraft's student prefix is added."""
        rule = self.info.name_text
        if rule is None or not self.info.named or "${" in (res.name or res.id):
            return []
        what = _("{service} name").format(service=self.info.console.split(" › ")[0])  # AWS's name of the service
        problem = rule.problem(what, res.name or res.id)
        return [problem] if problem else []

    def prepare(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> None:
        """Local work before planning (build a zip); no AWS mutation."""

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        raise NotImplementedError

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        """``observe`` for ``verify``, where a resource built by hand in the console counts: the
        types that find it differently (by its name, untagged) override this."""
        return self.observe(ctx, res, props)

    def plan(
        self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed
    ) -> list[Step]:
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
        if self.info.id_output:
            return str(outputs[self.info.id_output])
        return str(outputs.get("arn") or outputs.get("id") or outputs.get("name"))

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        """Read-only look-ups a deletion needs (attached policies, mappings); default none."""
        return {}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        """Calls that delete a recorded resource (``record['outputs']`` holds its attributes)."""
        raise NotImplementedError

    def fetch(self, call: Callable[[], T], gone: tuple[str, ...] | None = None) -> T | None:
        """``call()``, or None when AWS says the resource does not exist (``info.gone`` codes)."""
        return if_exists(call, self.info.gone if gone is None else gone)

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        """The outputs a deletion needs, from an ARN's resource part (None: not of this type)."""
        return None

    def exists(self, ctx: Context, outputs: Mapping[str, Any]) -> bool | None:
        """Does the resource ``from_arn`` described still exist? (None: this type cannot tell.)
        The tagging API keeps listing resources for a while after their deletion."""
        return None

    def kept(self, record: Mapping[str, Any], found: Mapping[str, Any]) -> str | None:
        """Why a deletion plan leaves the resource in place (shared with another deployment), or None."""
        return None

    def list_tagged(self, ctx: Context) -> list[Tagged]:
        """Every resource of this type with its tags (types the tagging API does not list)."""
        return []

    def hourly_cost(self, outputs: Mapping[str, Any], region: str) -> tuple[float, str] | None:
        """(USD per hour, what it is) for a type that bills by the hour while it exists."""
        return None

    def cost_outputs(self, res: ResourceSpec) -> dict[str, Any]:
        """The outputs ``hourly_cost`` reads, as the workshop defines them (before setup)."""
        return {}


REGISTRY: dict[str, Handler] = {}  # filled as the handler modules load (see resources/__init__)


def register(cls: type[Handler]) -> type[Handler]:
    REGISTRY[cls.info.type] = cls()
    return cls


def owned(ctx: Context, found: Iterable[tuple[dict[str, Any], dict[str, str]]], by_hand: bool) -> Observed:
    """For names that are not unique (REST APIs, user pools): the one carrying this deployment's
    tags is ours; by hand (built in the console), the first of that name counts."""
    first = None
    for attrs, tags in found:
        if all(tags.get(k) == v for k, v in ctx.identity_tags.items()):
            return Observed(True, attrs, tags)
        first = first or Observed(True, attrs, None)
    return first if by_hand and first else Observed(False)


def created(results: Mapping[str, Any], observed: Observed, attr: str, *path: str) -> Any:
    """A value from the creating call's answer (``results["created"][path...]``), else as observed."""
    if "created" not in results:
        return observed.attrs.get(attr)
    got = results["created"]
    for key in path:
        got = got[key]
    return got


def short(value: Any) -> str:
    """The last part of an ARN or a URL (a queue, a topic, a function), for a label; a DynamoDB
    stream's ARN (``...:table/Orders/stream/2026-11-29T14:14:14.861``) names its table."""
    if value and "/stream/" in str(value) and ":table/" in str(value):
        return str(value).split(":table/", 1)[1].split("/stream/", 1)[0] + "/stream"
    return re.split(r"[:/]", str(value))[-1] if value else "?"


def tag_list(tags: Mapping[str, str], key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in tags.items()]


def tags_from_list(items: Sequence[Mapping[str, str]] | None, key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {item[key]: item[value] for item in items or ()}


def diff(want: Mapping[str, Any], have: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``want`` that ``have`` does not hold with the same value."""
    return {k: v for k, v in want.items() if have.get(k) != v}
