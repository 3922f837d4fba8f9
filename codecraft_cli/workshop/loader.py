"""Load a workshop YAML (``yaml.safe_load``) and validate it whole before any AWS call.

Every problem names the file, the step and the field, e.g.::

    workshops/anycompany-orders.yaml: step 'queue', resource 'processing_queue': unknown
    property 'visibilty_timeout' (expected one of: allow_sns_topics, fifo, ...)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ..errors import UserError
from ..i18n import _
from .elements import parse_entry_points, parse_rubric, parse_steps
from .model import Ref, ResourceSpec, Workshop, dependency_order, iter_refs
from .problems import Problems

if TYPE_CHECKING:
    from ..resources.base import Handler

_TOP_KEYS = {"id", "title", "seed", "requires", "services", "steps", "payloads", "api",
             "default_route", "default_payload", "rubric", "description", "test_user"}


def parse(raw: Any, path: Path) -> Workshop:
    """The workshop in a YAML document, validated whole: every problem is raised at once."""
    from ..resources import all_handlers

    handlers = all_handlers()
    problems = Problems(path)
    if not isinstance(raw, Mapping):
        raise UserError(_("{path}: a workshop file must be a YAML mapping (id, title, steps, ...).").format(path=path),
                        hint=_("See workshops/anycompany-orders.yaml for the shape."))
    problems.unknown(raw.keys(), _TOP_KEYS, "")
    wid = raw.get("id")
    if not isinstance(wid, str) or not wid:
        problems.add("", _("'id' is required (a short name such as 'workshop2')"))
        wid = path.stem
    title = problems.lang_map(raw.get("title"), "", "title")
    steps = parse_steps(raw.get("steps"), handlers, problems)
    all_resources = tuple(res for step in steps for res in step.resources)
    by_id = {res.id: res for res in all_resources}
    requires = problems.texts(raw.get("requires"), "", "requires")
    services = problems.texts(raw.get("services"), "", "services")
    _check_references(all_resources, by_id, requires, handlers, problems)
    try:
        dependency_order(all_resources)
    except ValueError as exc:
        problems.add("", str(exc))
    check_ids = {f"{c.step}.{c.id}" for s in steps for c in s.checks} | set(by_id)
    step_ids = {s.id for s in steps}
    for check in (c for s in steps for c in s.checks):
        for need in check.needs:
            if need not in by_id and need not in step_ids:
                problems.add(_("step '{step}', check '{check}'").format(step=check.step, check=check.id),
                             _("'needs' names no resource or step: {need}").format(need=need))
    rubric = parse_rubric(raw.get("rubric"), check_ids, problems)
    entry = parse_entry_points(raw, requires, by_id, problems)
    problems.raise_if_any()
    return Workshop(
        id=wid, title=title, seed=raw.get("seed"), requires=requires, services=services,
        steps=tuple(steps), default_payload=raw.get("default_payload"), rubric=rubric, path=path, **entry,
    )


def _check_references(resources: tuple[ResourceSpec, ...], by_id: Mapping[str, ResourceSpec],
                      requires: tuple[str, ...], handlers: Mapping[str, Handler], problems: Problems) -> None:
    """Each ``${resource.attr}`` names a resource of the workshop and one of its outputs; each
    ``${workshop:resource.attr}`` a prerequisite's; each ``depends_on`` a resource."""
    prerequisites: dict[str, Workshop | None] = {}
    for res in resources:
        where = _("step '{step}', resource '{resource}'").format(step=res.step, resource=res.id)
        for ref in iter_refs(res.properties):
            if ref.workshop is not None:
                _check_external(ref, requires, prerequisites, where, problems)
                continue
            target = by_id.get(ref.resource)
            if target is None:
                problems.add(where, _("reference {ref} names no resource of this workshop").format(ref=ref))
            elif ref.attr not in handlers[target.type].outputs:
                problems.add(where, _("reference {ref}: a {type} has no '{attr}' (it has: {outputs})").format(
                    ref=ref, type=target.type, attr=ref.attr, outputs=", ".join(handlers[target.type].outputs)))
        for dep in res.depends_on:
            if dep not in by_id:
                problems.add(where, _("depends_on names no resource: {name}").format(name=dep))


def _check_external(ref: Ref, requires: tuple[str, ...], cache: dict[str, Workshop | None],
                    where: str, problems: Problems) -> None:
    """``${workshop:resource.attr}`` must name a prerequisite, one of its resources, and an output."""
    from ..resources import handler_for

    if ref.workshop not in prerequisites_of(requires):
        problems.add(where, _("reference {ref} names {workshop}, which is not in 'requires'").format(
            ref=ref, workshop=ref.workshop))
        return
    if ref.workshop not in cache:
        try:
            cache[ref.workshop] = load_workshop(ref.workshop)
        except UserError:
            cache[ref.workshop] = None
    other = cache[ref.workshop]
    if other is None:
        problems.add(where, _("reference {ref}: the workshop {workshop} cannot be loaded").format(
            ref=ref, workshop=ref.workshop))
        return
    try:
        target = other.resource(ref.resource)
    except KeyError:
        problems.add(where, _("reference {ref}: {workshop} has no resource {resource}").format(
            ref=ref, workshop=ref.workshop, resource=ref.resource))
        return
    if ref.attr not in handler_for(target.type).outputs:
        problems.add(where, _("reference {ref}: a {type} has no '{attr}'").format(ref=ref, type=target.type, attr=ref.attr))


def prerequisites_of(requires: tuple[str, ...]) -> list[str]:
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
        raise UserError(_("Cannot read {path}: {reason}.").format(path=path, reason=exc.strerror),
                        hint=_("Check the path.")) from exc
    except UnicodeDecodeError as exc:
        raise UserError(_("{path} is not UTF-8 text.").format(path=path),
                        hint=_("Save the workshop file as UTF-8.")) from exc
    except RecursionError as exc:
        raise _too_deep(path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)  # PyYAML's own words
        said = (_("{path}: invalid YAML (line {line}, column {column}): {problem}.").format(
            path=path, line=mark.line + 1, column=mark.column + 1, problem=problem) if mark
            else _("{path}: invalid YAML: {problem}.").format(path=path, problem=problem))
        raise UserError(said, hint=_("Check the indentation and quoting around that line.")) from exc
    try:
        return parse(raw, path)
    except RecursionError as exc:
        raise _too_deep(path) from exc


def _too_deep(path: Path) -> UserError:
    return UserError(_("{path} is nested too deeply.").format(path=path),
                     hint=_("A workshop file has a few levels only."))


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
        known = ", ".join(p.stem for p in catalogue()) or _("none")
        raise UserError(_("Unknown workshop {name!r}.").format(name=ref),
                        hint=_("Known workshops: {known}. List them with `codecraft workshops`.").format(known=known))
    return load_workshop_file(path)
