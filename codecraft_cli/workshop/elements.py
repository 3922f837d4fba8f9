"""One reader per element of a workshop file: step, resource, check, rubric, the API entry points.

Each reads its raw YAML mapping, records every problem with where it is (the step, the
resource or check, the field) and returns the typed element, or None when the element is
too broken to keep. The loader (``loader.parse``) calls them in file order and checks what
spans elements: references, dependency order, prerequisites.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

from ..i18n import _
from .check_types import CHECK_TYPES
from .model import CheckSpec, ResourceSpec, RubricItem, Step
from .problems import Problems

if TYPE_CHECKING:
    from ..resources.base import Handler

STEP_KEYS = {"id", "title", "console", "resources", "checks", "pitfalls", "optional"}
RESOURCE_KEYS = {"id", "type", "name", "properties", "depends_on", "seed"}
CHECK_KEYS = {"id", "type", "title", "params", "fix", "advice", "needs"}


class EntryPoints(TypedDict):
    payloads: dict[str, Any]
    api: str | None
    default_route: str | None
    test_user: Mapping[str, str] | None


def parse_steps(raw_steps: Any, handlers: Mapping[str, Handler], problems: Problems) -> list[Step]:
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.add("", _("'steps' must be a non-empty list"))
        raw_steps = []
    seen_ids: set[str] = set()  # step and resource ids share one namespace
    steps = [parse_step(raw, index, seen_ids, handlers, problems) for index, raw in enumerate(raw_steps, start=1)]
    return [step for step in steps if step is not None]


def parse_step(raw: Any, index: int, seen_ids: set[str], handlers: Mapping[str, Handler],
               problems: Problems) -> Step | None:
    if not isinstance(raw, Mapping):
        problems.add(_("step {index}").format(index=index), _("each step must be a mapping"))
        return None
    sid = raw.get("id")
    if not isinstance(sid, str) or not sid:
        problems.add(_("step {index}").format(index=index), _("'id' is required"))
        sid = f"step{index}"
    where = _("step '{step}'").format(step=sid)
    problems.unknown(raw.keys(), STEP_KEYS, where)
    if sid in seen_ids:
        problems.add(where, _("duplicate step id"))
    seen_ids.add(sid)
    resources = [parse_resource(raw_res, rindex, sid, seen_ids, handlers, problems)
                 for rindex, raw_res in enumerate(problems.list_of(raw.get("resources"), where, "resources"), start=1)]
    checks = [parse_check(raw_check, cindex, sid, problems)
              for cindex, raw_check in enumerate(problems.list_of(raw.get("checks"), where, "checks"), start=1)]
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        problems.add(where, _("'optional' must be true or false"))
        optional = False
    return Step(
        id=sid,
        title=problems.lang_map(raw.get("title"), where, "title"),
        console=problems.lang_map(raw.get("console"), where, "console"),
        resources=tuple(res for res in resources if res is not None),
        checks=tuple(check for check in checks if check is not None),
        pitfalls=problems.lang_map(raw.get("pitfalls"), where, "pitfalls", False),
        optional=optional,
    )


def parse_resource(raw: Any, index: int, sid: str, seen_ids: set[str], handlers: Mapping[str, Handler],
                   problems: Problems) -> ResourceSpec | None:
    where = _("step '{step}', resource {index}").format(step=sid, index=index)
    if not isinstance(raw, Mapping):
        problems.add(where, _("each resource must be a mapping"))
        return None
    rid = raw.get("id")
    if not isinstance(rid, str) or not rid:
        problems.add(where, _("'id' is required"))
        return None
    where = _("step '{step}', resource '{resource}'").format(step=sid, resource=rid)
    problems.unknown(raw.keys(), RESOURCE_KEYS, where)
    if rid in seen_ids:
        problems.add(where, _("this id is already used"))
    seen_ids.add(rid)
    rtype = raw.get("type")
    if not isinstance(rtype, str) or rtype not in handlers:
        problems.add(where, _("unknown type {type!r} (known: {known})").format(type=rtype, known=", ".join(sorted(handlers))))
        return None
    handler = handlers[rtype]
    props = problems.mapping(raw.get("properties"), where, "properties")
    if props is None:
        return None
    _properties(handler, rtype, props, where, problems)
    name = raw.get("name") if isinstance(raw.get("name"), str) else None
    for problem in handler.validate(ResourceSpec(rid, rtype, sid, name, dict(props))):
        problems.add(where, problem)
    if handler.info.named and not props.get("function") and name is None:
        problems.add(where, _("'name' is required for {type}").format(type=rtype))
    depends = problems.texts(raw.get("depends_on"), where, "depends_on")
    seed = problems.texts(raw.get("seed"), where, "seed") if "seed" in raw else None
    for key in seed or ():
        if key not in handler.schema and key not in ("name", "*") and key not in handler.prescribed:
            problems.add(where, _("'seed' names {key!r}, which is not a property of {type} (expected 'name' or one "
                                  "of: {known})").format(key=key, type=rtype, known=", ".join(sorted(handler.schema))))
    return ResourceSpec(rid, rtype, sid, name, dict(props), depends, seed)


def _properties(handler: Handler, rtype: str, props: Mapping[str, Any], where: str, problems: Problems) -> None:
    """The properties against the handler's schema: known, required, of the right kind and choice."""
    for key in props:
        if key not in handler.schema:
            problems.add(where, _("unknown property '{key}' for {type} (expected one of: {known})").format(
                key=key, type=rtype, known=", ".join(sorted(handler.schema)) or _("none")))
    for key, prop in handler.schema.items():
        if key not in props:
            if prop.required:
                problems.add(where, _("property '{key}' is required for {type}").format(key=key, type=rtype))
            continue
        value = props[key]
        is_ref = isinstance(value, str) and "${" in value
        if not is_ref and not isinstance(value, prop.kind):
            kinds = prop.kind if isinstance(prop.kind, tuple) else (prop.kind,)
            problems.add(where, _("property '{key}' must be {kinds}").format(
                key=key, kinds=_(" or ").join(k.__name__ for k in kinds)))
        elif prop.choices and not is_ref and value not in prop.choices:
            problems.add(where, _("property '{key}' must be one of: {choices}").format(
                key=key, choices=", ".join(map(str, prop.choices))))
        elif prop.text is not None and not is_ref and (problem := prop.text.problem(f"property '{key}'", value)):
            problems.add(where, problem)


def parse_check(raw: Any, index: int, sid: str, problems: Problems) -> CheckSpec | None:
    where = _("step '{step}', check {index}").format(step=sid, index=index)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        problems.add(where, _("each check must be a mapping with an 'id'"))
        return None
    where = _("step '{step}', check '{check}'").format(step=sid, check=raw["id"])
    problems.unknown(raw.keys(), CHECK_KEYS, where)
    ctype = raw.get("type")
    if not isinstance(ctype, str) or ctype not in CHECK_TYPES:
        problems.add(where, _("unknown check type {type!r} (known: {known})").format(
            type=ctype, known=", ".join(sorted(CHECK_TYPES))))
        return None
    params = problems.mapping(raw.get("params"), where, "params")
    if params is None:
        return None
    for key in CHECK_TYPES[ctype].required:
        if key not in params:
            problems.add(where, _("param '{key}' is required for a {type} check").format(key=key, type=ctype))
    return CheckSpec(raw["id"], ctype, sid, problems.lang_map(raw.get("title"), where, "title"),
                     dict(params), problems.lang_map(raw.get("fix"), where, "fix", False),
                     problems.lang_map(raw.get("advice"), where, "advice", False),
                     problems.texts(raw.get("needs"), where, "needs"))


def parse_rubric(raw: Any, check_ids: set[str], problems: Problems) -> tuple[RubricItem, ...]:
    """Rubric items name their checks as ``step.check`` or a resource id (``check_ids``)."""
    rubric = []
    for index, item in enumerate(problems.list_of(raw, "", "rubric"), start=1):
        where = _("rubric item {index}").format(index=index)
        if not isinstance(item, Mapping):
            problems.add(where, _("must be a mapping with criterion, checks, points"))
            continue
        names = problems.texts(item.get("checks"), where, "checks")
        for name in names:
            if name not in check_ids:
                problems.add(where, _("check {name!r} does not exist (use 'step.check' or a resource id)").format(name=name))
        points = item.get("points", 1)
        if not isinstance(points, int | float) or points <= 0:
            problems.add(where, _("'points' must be a positive number"))
            points = 1
        bonus = item.get("bonus", False)
        if not isinstance(bonus, bool):
            problems.add(where, _("'bonus' must be true or false"))
            bonus = False
        rubric.append(RubricItem(problems.lang_map(item.get("criterion"), where, "criterion"),
                                 tuple(names), float(points), bonus))
    return tuple(rubric)


def parse_entry_points(raw: Mapping[str, Any], requires: tuple[str, ...], by_id: Mapping[str, ResourceSpec],
                       problems: Problems) -> EntryPoints:
    """``payloads``, ``api``, ``default_route`` and ``test_user``: how ``test-api`` calls the workshop."""
    payloads = raw.get("payloads") or {}
    if not isinstance(payloads, Mapping):
        problems.add("", _("'payloads' must be a mapping of name -> JSON body"))
        payloads = {}
    api = raw.get("api")
    if api is not None and not isinstance(api, str):
        problems.add("", _("'api' must be the id of an apigateway.rest_api resource"))
        api = None
    if api is not None and ":" in api:
        other = api.partition(":")[0]
        if other not in requires:
            problems.add("", _("'api' names {workshop}, which is not in 'requires'").format(workshop=other))
    elif api is not None and (api not in by_id or by_id[api].type != "apigateway.rest_api"):
        problems.add("", _("'api' must name an apigateway.rest_api resource, not {api!r}").format(api=api))
    route = raw.get("default_route")
    if route is not None and (not isinstance(route, str) or len(route.split()) != 2):
        problems.add("", _("'default_route' must look like 'POST /orders'"))
    test_user = raw.get("test_user")
    if test_user is not None and (not isinstance(test_user, Mapping) or set(test_user) != {"client", "user"}):
        problems.add("", _("'test_user' must be a mapping with 'client' and 'user' (resource ids)"))
    return EntryPoints(payloads=dict(payloads), api=api, default_route=route, test_user=test_user)
