"""Load a workshop YAML (``yaml.safe_load``) and validate it whole before any AWS call.

Every problem names the file, the step and the field, e.g.::

    workshops/anycompany-orders.yaml: step 'queue', resource 'processing_queue': unknown
    property 'visibilty_timeout' (expected one of: allow_sns_topics, fifo, ...)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import UserError
from .check_types import CHECK_TYPES
from .model import (
    CheckSpec,
    ResourceSpec,
    RubricItem,
    Step,
    Workshop,
    dependency_order,
    iter_refs,
)

_TOP_KEYS = {"id", "title", "seed", "requires", "services", "steps", "payloads", "api",
             "default_route", "default_payload", "rubric", "description", "test_user"}
_STEP_KEYS = {"id", "title", "console", "resources", "checks", "pitfalls"}
_RES_KEYS = {"id", "type", "name", "properties", "depends_on"}
_CHECK_KEYS = {"id", "type", "title", "params", "fix"}


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)

    def raise_if_any(self) -> None:
        if self.items:
            shown = "\n  ".join(self.items[:15])
            more = f"\n  ... and {len(self.items) - 15} more" if len(self.items) > 15 else ""
            raise UserError(f"{self.path}: the workshop definition is invalid:\n  {shown}{more}",
                            hint="Fix the fields named above; nothing was sent to AWS.")


def _lang_map(value: Any, where: str, field_name: str, problems: _Problems, required: bool = True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if isinstance(value, str):
        return {"en": value, "fr": value}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        problems.add(where, f"'{field_name}' must be a text or a mapping {{fr: ..., en: ...}}")
        return {}
    missing = [lang for lang in ("fr", "en") if lang not in value]
    if missing and required:
        problems.add(where, f"'{field_name}' lacks the language(s): {', '.join(missing)}")
    return dict(value)


def _texts(value: Any, where: str, field_name: str, problems: _Problems) -> tuple[str, ...]:
    """A list of texts (None: empty); anything else is a problem, not a crash."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, f"'{field_name}' must be a list of names")
        return ()
    return tuple(value)


def _list(value: Any, where: str, field_name: str, problems: _Problems) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(where, f"'{field_name}' must be a list")
        return []
    return value


def _unknown(keys: Any, allowed: set[str], where: str, problems: _Problems) -> None:
    for key in keys:
        if key not in allowed:
            problems.add(where, f"unknown field '{key}' (expected one of: {', '.join(sorted(allowed))})")


def parse(raw: Any, path: Path) -> Workshop:
    from ..resources import all_handlers

    handlers = all_handlers()
    problems = _Problems(path)
    if not isinstance(raw, Mapping):
        raise UserError(f"{path}: a workshop file must be a YAML mapping (id, title, steps, ...).",
                        hint="See workshops/anycompany-orders.yaml for the shape.")
    _unknown(raw.keys(), _TOP_KEYS, "", problems)
    wid = raw.get("id")
    if not isinstance(wid, str) or not wid:
        problems.add("", "'id' is required (a short name such as 'workshop2')")
        wid = path.stem
    title = _lang_map(raw.get("title"), "", "title", problems)
    steps: list[Step] = []
    seen_ids: set[str] = set()
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.add("", "'steps' must be a non-empty list")
        raw_steps = []
    for index, raw_step in enumerate(raw_steps, start=1):
        if not isinstance(raw_step, Mapping):
            problems.add(f"step {index}", "each step must be a mapping")
            continue
        sid = raw_step.get("id")
        if not isinstance(sid, str) or not sid:
            problems.add(f"step {index}", "'id' is required")
            sid = f"step{index}"
        where = f"step '{sid}'"
        _unknown(raw_step.keys(), _STEP_KEYS, where, problems)
        if sid in seen_ids:
            problems.add(where, "duplicate step id")
        seen_ids.add(sid)
        resources = []
        for rindex, raw_res in enumerate(_list(raw_step.get("resources"), where, "resources", problems), start=1):
            rwhere = f"{where}, resource {rindex}"
            if not isinstance(raw_res, Mapping):
                problems.add(rwhere, "each resource must be a mapping")
                continue
            rid = raw_res.get("id")
            if isinstance(rid, str) and rid:
                rwhere = f"{where}, resource '{rid}'"
            else:
                problems.add(rwhere, "'id' is required")
                continue
            _unknown(raw_res.keys(), _RES_KEYS, rwhere, problems)
            if rid in seen_ids:
                problems.add(rwhere, "this id is already used")
            seen_ids.add(rid)
            rtype = raw_res.get("type")
            handler = handlers.get(rtype) if isinstance(rtype, str) else None
            if handler is None:
                problems.add(rwhere, f"unknown type {rtype!r} (known: {', '.join(sorted(handlers))})")
                continue
            props = raw_res.get("properties") or {}
            if not isinstance(props, Mapping):
                problems.add(rwhere, "'properties' must be a mapping")
                continue
            for key in props:
                if key not in handler.schema:
                    problems.add(rwhere, f"unknown property '{key}' for {rtype} "
                                 f"(expected one of: {', '.join(sorted(handler.schema)) or 'none'})")
            for key, prop in handler.schema.items():
                if key not in props:
                    if prop.required:
                        problems.add(rwhere, f"property '{key}' is required for {rtype}")
                    continue
                value = props[key]
                is_ref = isinstance(value, str) and "${" in value
                if not is_ref and not isinstance(value, prop.kind):
                    kinds = prop.kind if isinstance(prop.kind, tuple) else (prop.kind,)
                    problems.add(rwhere, f"property '{key}' must be {' or '.join(k.__name__ for k in kinds)}")
                elif prop.choices and not is_ref and value not in prop.choices:
                    problems.add(rwhere, f"property '{key}' must be one of: {', '.join(map(str, prop.choices))}")
            name = raw_res.get("name")
            for problem in handler.validate(ResourceSpec(rid, rtype, sid, name if isinstance(name, str) else None,
                                                         dict(props))):
                problems.add(rwhere, problem)
            if handler.named and not props.get("function") and not isinstance(name, str):
                problems.add(rwhere, f"'name' is required for {rtype}")
            depends = _texts(raw_res.get("depends_on"), rwhere, "depends_on", problems)
            resources.append(ResourceSpec(rid, rtype, sid, name if isinstance(name, str) else None,
                                          dict(props), tuple(depends)))
        checks = []
        for cindex, raw_check in enumerate(_list(raw_step.get("checks"), where, "checks", problems), start=1):
            cwhere = f"{where}, check {cindex}"
            if not isinstance(raw_check, Mapping) or not isinstance(raw_check.get("id"), str):
                problems.add(cwhere, "each check must be a mapping with an 'id'")
                continue
            cwhere = f"{where}, check '{raw_check['id']}'"
            _unknown(raw_check.keys(), _CHECK_KEYS, cwhere, problems)
            ctype = raw_check.get("type")
            if not isinstance(ctype, str) or ctype not in CHECK_TYPES:
                problems.add(cwhere, f"unknown check type {ctype!r} (known: {', '.join(sorted(CHECK_TYPES))})")
                continue
            params = raw_check.get("params") or {}
            if not isinstance(params, Mapping):
                problems.add(cwhere, "'params' must be a mapping")
                continue
            for key in CHECK_TYPES[ctype].required:
                if key not in params:
                    problems.add(cwhere, f"param '{key}' is required for a {ctype} check")
            checks.append(CheckSpec(raw_check["id"], ctype, sid,
                                    _lang_map(raw_check.get("title"), cwhere, "title", problems),
                                    dict(params), _lang_map(raw_check.get("fix"), cwhere, "fix", problems, False)))
        steps.append(Step(
            id=sid,
            title=_lang_map(raw_step.get("title"), where, "title", problems),
            console=_lang_map(raw_step.get("console"), where, "console", problems),
            resources=tuple(resources),
            checks=tuple(checks),
            pitfalls=_lang_map(raw_step.get("pitfalls"), where, "pitfalls", problems, False),
        ))
    all_resources = tuple(res for step in steps for res in step.resources)
    by_id = {res.id: res for res in all_resources}
    requires = _texts(raw.get("requires"), "", "requires", problems)
    services = _texts(raw.get("services"), "", "services", problems)
    prerequisites: dict[str, Workshop | None] = {}
    for res in all_resources:
        where = f"step '{res.step}', resource '{res.id}'"
        for ref in iter_refs(res.properties):
            if ref.workshop is not None:
                _check_external(ref, requires, prerequisites, where, problems)
                continue
            target = by_id.get(ref.resource)
            if target is None:
                problems.add(where, f"reference {ref} names no resource of this workshop")
            elif ref.attr not in handlers[target.type].outputs:
                problems.add(where, f"reference {ref}: a {target.type} has no '{ref.attr}' "
                             f"(it has: {', '.join(handlers[target.type].outputs)})")
        for dep in res.depends_on:
            if dep not in by_id:
                problems.add(where, f"depends_on names no resource: {dep}")
    try:
        dependency_order(all_resources)
    except ValueError as exc:
        problems.add("", str(exc))
    check_ids = {f"{c.step}.{c.id}" for s in steps for c in s.checks} | set(by_id)
    rubric = []
    for rindex, item in enumerate(_list(raw.get("rubric"), "", "rubric", problems), start=1):
        where = f"rubric item {rindex}"
        if not isinstance(item, Mapping):
            problems.add(where, "must be a mapping with criterion, checks, points")
            continue
        names = _texts(item.get("checks"), where, "checks", problems)
        for name in names:
            if name not in check_ids:
                problems.add(where, f"check {name!r} does not exist (use 'step.check' or a resource id)")
        points = item.get("points", 1)
        if not isinstance(points, int | float) or points <= 0:
            problems.add(where, "'points' must be a positive number")
            points = 1
        rubric.append(RubricItem(_lang_map(item.get("criterion"), where, "criterion", problems),
                                 tuple(names), float(points)))
    payloads = raw.get("payloads") or {}
    if not isinstance(payloads, Mapping):
        problems.add("", "'payloads' must be a mapping of name -> JSON body")
        payloads = {}
    api = raw.get("api")
    if api is not None and not isinstance(api, str):
        problems.add("", "'api' must be the id of an apigateway.rest_api resource")
        api = None
    if api is not None and ":" in str(api):
        other, _, api_res = str(api).partition(":")
        if other not in requires:
            problems.add("", f"'api' names {other}, which is not in 'requires'")
    elif api is not None and (api not in by_id or by_id[api].type != "apigateway.rest_api"):
        problems.add("", f"'api' must name an apigateway.rest_api resource, not {api!r}")
    route = raw.get("default_route")
    if route is not None and (not isinstance(route, str) or len(route.split()) != 2):
        problems.add("", "'default_route' must look like 'POST /orders'")
    test_user = raw.get("test_user")
    if test_user is not None and (not isinstance(test_user, Mapping) or set(test_user) != {"client", "user"}):
        problems.add("", "'test_user' must be a mapping with 'client' and 'user' (resource ids)")
    problems.raise_if_any()
    return Workshop(
        id=wid, title=title, seed=raw.get("seed"), requires=requires,
        services=services, steps=tuple(steps), payloads=dict(payloads),
        api=api, default_route=route, default_payload=raw.get("default_payload"),
        rubric=tuple(rubric), path=path, test_user=test_user,
    )


def _check_external(ref: Any, requires: tuple[str, ...], cache: dict[str, Workshop | None],
                    where: str, problems: _Problems) -> None:
    """``${workshop:resource.attr}`` must name a prerequisite, one of its resources, and an output."""
    from ..resources import handler_for

    if ref.workshop not in _closure(requires):
        problems.add(where, f"reference {ref} names {ref.workshop}, which is not in 'requires'")
        return
    if ref.workshop not in cache:
        try:
            cache[ref.workshop] = load_workshop(ref.workshop)
        except UserError:
            cache[ref.workshop] = None
    other = cache[ref.workshop]
    if other is None:
        problems.add(where, f"reference {ref}: the workshop {ref.workshop} cannot be loaded")
        return
    try:
        target = other.resource(ref.resource)
    except KeyError:
        problems.add(where, f"reference {ref}: {ref.workshop} has no resource {ref.resource}")
        return
    if ref.attr not in handler_for(target.type).outputs:
        problems.add(where, f"reference {ref}: a {target.type} has no '{ref.attr}'")


def _closure(requires: tuple[str, ...]) -> list[str]:
    """The prerequisites and theirs (workshop3 -> workshop2 -> workshop1)."""
    seen: list[str] = []
    pending = list(requires)
    while pending:
        name = pending.pop(0)
        if not isinstance(name, str) or name in seen:
            continue
        seen.append(name)
        try:
            pending.extend(load_workshop(name).requires)
        except UserError:
            continue
    return seen


_CACHE: dict[tuple[str, float, int], Workshop] = {}


def load_workshop_file(path: Path) -> Workshop:
    """The workshop in a file, parsed once per version of the file (references to prerequisites
    load those workshops again and again otherwise)."""
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    workshop = _load_workshop_file(path)
    if key is not None:
        _CACHE[key] = workshop
    return workshop


def _load_workshop_file(path: Path) -> Workshop:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.", hint="Check the path.") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text.", hint="Save the workshop file as UTF-8.") from exc
    except RecursionError as exc:
        raise UserError(f"{path} is nested too deeply.", hint="A workshop file has a few levels only.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"{path}: invalid YAML{where}: {problem}.",
                        hint="Check the indentation and quoting around that line.") from exc
    try:
        return parse(raw, path)
    except RecursionError as exc:
        raise UserError(f"{path} is nested too deeply.", hint="A workshop file has a few levels only.") from exc


def catalogue() -> list[Path]:
    folder = paths.workshops_dir()
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def all_workshops() -> list[Workshop]:
    """Every workshop of the catalogue, in file order."""
    return [load_workshop_file(path) for path in catalogue()]


def load_workshop(ref: str) -> Workshop:
    """A workshop by id (workshops/<id>.yaml) or by path to a YAML file."""
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return load_workshop_file(candidate)
    path = paths.workshops_dir() / f"{ref}.yaml"
    if not path.exists():
        known = ", ".join(p.stem for p in catalogue()) or "none"
        raise UserError(f"Unknown workshop {ref!r}.",
                        hint=f"Known workshops: {known}. List them with `codecraft workshops`.")
    return load_workshop_file(path)
