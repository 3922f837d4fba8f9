"""``show W --as cli``: each step of a workshop as the AWS CLI commands a student can paste.

Generated from setup's own source of truth: each handler's plan for a resource that does not
exist yet (``plan(ctx, res, props, Observed(False))``), as ``narrate`` computes it offline. A
value produced by an earlier command (an ARN, an id) is kept in a shell variable with ``--query
... --output text``, so the script runs top to bottom, on the emulator (after ``eval "$(codecraft
local env)"``) or on a real account. Which answer holds a value comes from the handler itself:
its ``resolve_outputs`` is given stand-ins for the answers, and what it reads from them is what
the script queries. codecraft's ownership tags are left out (what a student builds is theirs);
secrets stay in variables and are never printed (RDS keeps its managed master password).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import paths
from ..i18n import _, text
from ..resources import handler_for
from ..resources.base import Call, Observed, Step, Var
from ..workshop.model import REF_RE, ResourceSpec, Workshop
from .cli_command import capture, command, query, raw, var, variables_in
from .narrate import OfflineContext


def _words() -> dict[str, str]:
    """The script's own comments, in the current language (the workshop's texts come from its YAML)."""
    return {
        "head": _("# {title}: the steps as AWS CLI commands (bash), from codecraft's own plans."),
        "where": _("# On the emulator: {command} first (or use `codecraft aws ...` "
                   "for `aws ...`); on an AWS account: your usual credentials.").format(
                       command='eval "$(codecraft local env)"'),
        "requires": _("# Needs {reqs} first (codecraft show {req} --as cli, in the same shell): "
                      "its variables are used here."),
        "step": _("Step {n}: {title}"),
        "zip": _("# The function's package: a zip of lambda_src/{source}"),
        "deps": _("# its dependencies, for Lambda's platform (Linux x86_64, Python 3.12)"),
        "earlier": _("# Values from earlier steps (done already):"),
        "unknown": _("# {var}: set it from step {n} (codecraft show {w} --as cli)"),
        "lookup": _("# The default VPC and its subnets (looked up, nothing created)"),
        "nothing": _("# Nothing to create here: try it, then check it with codecraft verify {w}"),
        "by_console": _("# {type}: no CLI form here, follow the console steps (codecraft show)"),
    }


PREAMBLE = [
    "set -euo pipefail",
    # AWS CLI v1 sends some services to their AWS endpoint whatever AWS_ENDPOINT_URL says
    # (sqs in us-east-1: awscli/customizations/overridesslcommonname.py); --endpoint-url wins
    'if [ -n "${AWS_ENDPOINT_URL:-}" ]; then aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }; fi',
    'REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region || true)}}"',
    "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)",
    # S3 CreateBucket: us-east-1 refuses any LocationConstraint, every other region needs its own
    'BUCKET_CONFIG=(); [ "$REGION" = us-east-1 ] || BUCKET_CONFIG=(--create-bucket-configuration "LocationConstraint=$REGION")',
]
# outputs better read from the creating call's answer than rebuilt (the real ARN, partition included)
FROM_ANSWER: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("sns.topic", "arn"): ("create_topic", ("TopicArn",)),
    ("dynamodb.table", "arn"): ("create_table", ("TableDescription", "TableArn")),
    ("iam.role", "arn"): ("create_role", ("Role", "Arn")),
    ("lambda.function", "arn"): ("create_function", ("FunctionArn",)),
}


@dataclass
class CliStep:
    number: int
    id: str
    title: str
    lines: list[str] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)  # variables its commands read
    defines: set[str] = field(default_factory=set)  # variables it sets


class _ScriptContext(OfflineContext):
    """narrate's offline context, with the student's names and no ownership tags."""

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base

    @property
    def tags(self) -> dict[str, str]:
        return {}

    @property
    def identity_tags(self) -> dict[str, str]:
        return OfflineContext().tags


class _Answer:
    """A stand-in for a call's answer: what a handler reads from it becomes a ``--query``."""

    def __init__(self, output: str, path: tuple[str, ...], seen: dict[str, tuple[str, tuple[str, ...]]],
                 prefix: str) -> None:
        self.output, self.path, self.seen, self.prefix = output, path, seen, prefix

    def __getitem__(self, key: Any) -> _Answer:
        return _Answer(self.output, (*self.path, str(key)), self.seen, self.prefix)

    def get(self, key: Any, default: Any = None) -> _Answer:
        return self[key]

    def __bool__(self) -> bool:
        return True

    @property
    def name(self) -> str:
        return "_".join([self.prefix, self.output, *self.path]).upper()

    def __str__(self) -> str:
        self.seen[self.name] = (self.output, self.path)
        return var(self.name)

    def __format__(self, spec: str) -> str:
        return str(self)


def _var_name(res_id: str, attr: str) -> str:
    return f"{res_id}_{attr}".upper()


# outputs that are lists (a whole reference to one is a JSON list held in its variable)
LIST_OUTPUTS = ("subnet_ids", "endpoint_subnets", "created_resources", "tables")


def _refs_to_vars(value: Any) -> Any:
    """``${topic.arn}`` -> the variable TOPIC_ARN (a workshop's prefix is dropped: the same
    variable as in the prerequisite's script)."""
    if isinstance(value, str):
        whole = REF_RE.fullmatch(value)
        if whole and whole.group(3) in LIST_OUTPUTS:
            return raw(_var_name(whole.group(2), whole.group(3)))
        return REF_RE.sub(lambda m: var(_var_name(m.group(2), m.group(3))), value)
    if isinstance(value, dict):
        return {k: _refs_to_vars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_refs_to_vars(v) for v in value]
    return value


def _with_vars(value: Any, names: Mapping[tuple[str, tuple[str, ...]], str]) -> Any:
    """A plan's own placeholders (:class:`Var`) as the variables that capture them."""
    if isinstance(value, Var):
        return var(names[(value.name, tuple(value.path))])
    if isinstance(value, Mapping):
        return {k: _with_vars(v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_with_vars(v, names) for v in value]
    return value


def _vars_in_step(value: Any, out: list[tuple[str, tuple[str, ...]]]) -> None:
    if isinstance(value, Var):
        out.append((value.name, tuple(value.path)))
    elif isinstance(value, Mapping):
        for v in value.values():
            _vars_in_step(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _vars_in_step(v, out)


class _Script:
    def __init__(self, workshop: Workshop, lang: str, student: str | None, used: set[str] | None) -> None:
        self.w, self.lang, self.used = workshop, lang, used
        self.words = _words()
        self.ctx = _ScriptContext(region=var("REGION"), account_id=var("ACCOUNT_ID"), student=student)
        self.uses: set[str] = set()
        self.defines: set[str] = set()
        self.apis: dict[str, dict[str, str]] = {}  # API variable -> path -> its resource's variable

    def wanted(self, name: str) -> bool:
        return self.used is None or name in self.used

    def steps(self) -> list[CliStep]:
        out = []
        for n, step in enumerate(self.w.steps, start=1):
            item = CliStep(n, step.id, text(step.title, self.lang))
            for res in (r for r in self.w.resources if r.step == step.id):
                self.uses, self.defines = set(), set()
                lines = self.resource(res)
                item.lines += [f"# {_(handler_for(res.type).info.console)} · {res.id}", *lines]
                item.uses |= self.uses
                item.defines |= self.defines
            if not item.lines:
                item.lines.append(self.words["nothing"].format(w=self.w.id))
            out.append(item)
        return out

    def resource(self, res: ResourceSpec) -> list[str]:
        handler = handler_for(res.type)
        props = _refs_to_vars(res.properties)
        if res.type == "ec2.default_vpc":
            return self.default_vpc(res)
        observed = Observed(False, {"resources": {}})
        if res.type == "apigateway.route":
            observed = Observed(False, {"resources": dict(self.apis.get(str(props["api"]), {}))})
        try:
            plan = handler.plan(self.ctx, res, props, observed)
        except Exception:  # noqa: BLE001 - a plan that must look first: the console steps say it
            return [self.words["by_console"].format(type=res.type)]
        seen: dict[str, tuple[str, tuple[str, ...]]] = {}
        prefix = res.id
        results = {c.output: _Answer(c.output, (), seen, prefix) for c in plan if isinstance(c, Call) and c.output}
        try:
            outputs = handler.resolve_outputs(self.ctx, res, props, observed, results)
        except Exception:  # noqa: BLE001 - an output this script cannot express: not offered
            outputs = {}
        captures: dict[tuple[str, tuple[str, ...]], str] = {}  # (output, path) -> variable
        assignments: list[tuple[str, Any]] = []
        for attr, value in outputs.items():
            name = _var_name(res.id, attr)
            if not self.wanted(name):
                continue
            answer = FROM_ANSWER.get((res.type, attr))
            if answer and any(isinstance(c, Call) and c.method == answer[0] and c.output for c in plan):
                out = next(c.output for c in plan if isinstance(c, Call) and c.method == answer[0] and c.output)
                captures[(str(out), answer[1])] = name
            elif isinstance(value, _Answer):
                captures[(value.output, value.path)] = name
            elif value is not None and not isinstance(value, (bool, list)):
                assignments.append((name, value))
        renamed = {}
        for name, (out, path) in seen.items():  # read inside another output's text
            renamed[var(name)] = var(captures.setdefault((out, path), name))
        for i, (name, value) in enumerate(assignments):
            for old, new in renamed.items():
                value = str(value).replace(old, new)
            assignments[i] = (name, value)
        inner: list[tuple[str, tuple[str, ...]]] = []
        for call in plan:
            _vars_in_step(call.params, inner)
        for out, path in inner:
            default = "_".join([res.id, out, *path]).upper()
            if out == "root_list":  # the API's root resource "/": one variable per API
                default = "".join(variables_in(props["api"])).removesuffix("_ID") + "_ROOT_ID"
            captures.setdefault((out, path), default)
        self.defines |= set(captures.values()) | {name for name, _ in assignments}
        lines = self.zip_lines(res, props) if res.type == "lambda.function" else []
        for call in plan:
            lines.append(self.render(call, res, props, captures))
        for name, value in assignments:
            lines.append(f"{name}={self.word(str(value))}")
        if res.type == "apigateway.route":
            self.learn_paths(props, plan, captures)
        return lines

    def word(self, value: str) -> str:
        from .cli_command import word

        self.uses |= variables_in(value)
        return word(value)

    def render(self, call: Step, res: ResourceSpec, props: Mapping[str, Any],
               captures: Mapping[tuple[str, tuple[str, ...]], str]) -> str:
        params = _with_vars(dict(call.params), captures)
        self.uses |= variables_in({k: v for k, v in params.items() if k not in ("Tags", "tags", "UserPoolTags")})
        step = Call(call.service, call.method, params) if isinstance(call, Call) else type(call)(
            call.service, call.waiter, params)
        blob = f"{self.ctx.physical_name(res.name or res.id)}.zip"
        line = command(step, blob)
        if not isinstance(call, Call) or not call.output:
            return line
        wanted = [(name, path) for (out, path), name in captures.items() if out == call.output]
        if call.service == "apigateway" and call.method == "get_resources":  # the root resource "/"
            wanted = [(name, ("items[?path=='/'].id | [0]",)) for name, _ in wanted]
            return capture(line, [n for n, _ in wanted], [p[0] for _, p in wanted]) if wanted else line
        if not wanted:
            return line
        return capture(line, [n for n, _ in wanted], [query(p) for _, p in wanted])

    def learn_paths(self, props: Mapping[str, Any], plan: list[Step],
                    captures: Mapping[tuple[str, tuple[str, ...]], str]) -> None:
        """The API's resources this route created, for the next routes of the same API."""
        known = self.apis.setdefault(str(props["api"]), {})
        for (out, _path), name in captures.items():
            if out == "root_list":
                known["/"] = var(name)
        parts = [p for p in str(props["path"]).strip("/").split("/") if p]
        for i in range(len(parts)):
            path = "/" + "/".join(parts[: i + 1])
            made = [c for c in plan if isinstance(c, Call) and c.method == "create_resource"
                    and c.params.get("pathPart") == parts[i] and c.output]
            if made and path not in known:
                known[path] = var(captures[(str(made[0].output), ("id",))])

    def zip_lines(self, res: ResourceSpec, props: Mapping[str, Any]) -> list[str]:
        from .packaging import _requirements, _shared_files, _source_files

        source = str(props["source"])
        folder = paths.lambda_src_dir() / source
        zip_name = f"{self.ctx.physical_name(res.name or res.id)}.zip"
        lines = [self.words["zip"].format(source=source)]
        top = sorted({folder / f.relative_to(folder).parts[0] for f in _source_files(folder)})
        files = [shlex.quote(str(p)) for p in top] + [shlex.quote(str(p)) for p in _shared_files(folder)]
        if _requirements(folder):
            deps = f"build/{source}"
            lines += [self.words["deps"],
                      f"python3 -m pip install --quiet --target {deps} --platform manylinux2014_x86_64 "
                      f"--implementation cp --python-version 3.12 --only-binary=:all: "
                      f"-r {shlex.quote(str(folder / 'requirements.txt'))}"]
            files.append(f"{deps}/*")
        elif (folder / "package.json").is_file():  # Node.js: production dependencies from the lock (packaging_node)
            from .packaging_node import has_dependencies

            if has_dependencies(folder):
                deps = f"build/{source}"
                lines += [_("# its npm dependencies, as the lock pins them (production only)"),
                          f"mkdir -p {deps} && cp {shlex.quote(str(folder))}/package.json "
                          f"{shlex.quote(str(folder))}/package-lock.json {deps}/ && (cd {deps} && "
                          "npm ci --omit=dev --ignore-scripts --no-bin-links --no-audit --no-fund)"]
                files.append(f"{deps}/node_modules")
        lines.append(f"rm -f {shlex.quote(zip_name)} && python3 -m zipfile -c {shlex.quote(zip_name)} "
                     + " ".join(files))
        return lines

    def default_vpc(self, res: ResourceSpec) -> list[str]:
        vpc, subnets, endpoint = (_var_name(res.id, a) for a in ("vpc_id", "subnet_ids", "endpoint_subnets"))
        self.defines |= {vpc, subnets, endpoint}
        find = command(Call("ec2", "describe_vpcs", {"Filters": [{"Name": "is-default", "Values": ["true"]}]}))
        lines = [self.words["lookup"], capture(find, [vpc], ["Vpcs[0].VpcId"])]
        listing = command(Call("ec2", "describe_subnets",
                               {"Filters": [{"Name": "vpc-id", "Values": [var(vpc)]}]}))
        if self.wanted(subnets):
            lines.append(f"{subnets}=$({listing} --query 'Subnets[].SubnetId' --output json)")
        if self.wanted(endpoint):
            lines.append(f"{endpoint}=$({listing} --query 'Subnets[:2].SubnetId' --output json)")
        return lines


def cli_steps(workshop: Workshop, lang: str = "en", student: str | None = None) -> list[CliStep]:
    """Each step's commands. Two passes: the first learns which variables later commands read,
    so the second captures exactly those."""
    first = _Script(workshop, lang, student, None).steps()
    used = set().union(*(s.uses for s in first)) if first else set()
    return _Script(workshop, lang, student, used | _used_by_others(workshop.id) | {"REGION", "ACCOUNT_ID"}).steps()


def _used_by_others(workshop_id: str) -> set[str]:
    """The variables other workshops read from this one (``${workshop1:user_pool.arn}``): its
    script sets them for theirs, run after it in the same shell."""
    used: set[str] = set()
    for path in sorted(paths.workshops_dir().glob("*.yaml")):
        for m in REF_RE.finditer(path.read_text(encoding="utf-8")):
            if m.group(1) == workshop_id:
                used.add(_var_name(m.group(2), m.group(3)))
    return used


def cli_script(workshop: Workshop, lang: str = "en", student: str | None = None,
               only_step: str | None = None, known: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The bash script (``only_step``: that step alone, earlier values from ``known`` outputs)."""
    words = _words()
    steps = cli_steps(workshop, lang, student)
    lines = ["#!/usr/bin/env bash", words["head"].format(title=text(workshop.title, lang)), words["where"]]
    if workshop.requires:
        reqs = ", ".join(workshop.requires)
        lines.append(words["requires"].format(reqs=reqs, req=workshop.requires[0]))
    # pasted into an interactive shell (a lone step), `set -e` would close it at the first error
    lines += PREAMBLE if only_step is None else PREAMBLE[1:]
    chosen = [s for s in steps if only_step is None or s.id == only_step]
    if only_step is not None and chosen:
        lines += _earlier(workshop, steps, chosen[0], known or {}, words, student)
    for step in chosen:
        title = words["step"].format(n=step.number, title=step.title)
        lines += ["", f"# ── {title} " + "─" * max(3, 74 - len(title)), *step.lines]
    return "\n".join(lines) + "\n"


def _earlier(workshop: Workshop, steps: list[CliStep], step: CliStep, known: Mapping[str, Mapping[str, Any]],
             words: Mapping[str, str], student: str | None) -> list[str]:
    """Variables a lone step reads that earlier steps defined: their values when known."""
    needed = sorted(step.uses - step.defines - {"REGION", "ACCOUNT_ID"})
    if not needed:
        return []
    out = [words["earlier"]]
    by_var = {_var_name(rid.rsplit(":", 1)[-1], attr): value  # a prerequisite's "workshop1:network"
              for rid, outputs in known.items() for attr, value in outputs.items()}
    origin = {s.id: s.number for s in steps}
    for name in needed:
        value = by_var.get(name)
        if isinstance(value, list):  # a list (subnets) is held as JSON, as the lookups write it
            out.append(f"{name}={shlex.quote(json.dumps(value))}")
        elif value is not None and not isinstance(value, dict):
            out.append(f"{name}={shlex.quote(str(value))}")
        else:
            number = next((origin[r.step] for r in workshop.resources if name.startswith(r.id.upper() + "_")), "?")
            out.append(words["unknown"].format(var=name, n=number, w=workshop.id))
    return out
