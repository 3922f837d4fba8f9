"""How ``lambda.function`` judges a function (resources/lambda_.py): what the seed prescribes
(its name, and the language family of its runtime) and what it leaves open (handler and file
name, role name, environment variable names, timeout and memory when the function works).

Runtimes: the family is the seed's ("Python 3.x"); the version is open among the runtimes Lambda
still supports. A version whose "block function update" date has passed is a failure, since AWS
itself then refuses to update the function (its code cannot even be fixed); a deprecated or older
version is advice. Dates: the runtime tables of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
(written once, in local/rules/lambda_.py, which the emulator enforces too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from ..i18n import _
from .base import Context, Finding
from .teaching import finding
from .lambda_logging import logging_findings

_LABELS = {"python": "Python", "nodejs": "Node.js", "java": "Java", "dotnet": ".NET", "ruby": "Ruby",
           "provided": "OS-only", "go": "Go"}


def family(runtime: str) -> str:
    """python3.12 -> python, nodejs22.x -> nodejs, dotnetcore3.1 -> dotnet."""
    match = re.match(r"[a-z]+", runtime)
    name = match.group(0) if match else runtime
    return "dotnet" if name.startswith("dotnet") else name


def version(runtime: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", runtime))


def label(runtime: str) -> str:
    """python3.12 -> Python 3.12, nodejs22.x -> Node.js 22.x (as the console lists them)."""
    fam = family(runtime)
    rest = runtime[len(fam):] if runtime.startswith(fam) else runtime
    return f"{_LABELS.get(fam, fam)} {rest}".strip()


def _dates(runtime: str) -> tuple[date, date, date] | None:
    from ..local.rules.lambda_ import RUNTIMES  # the documented table (a leaf module, no cycle)

    return RUNTIMES.get(runtime)


def _day(d: date) -> str:
    """A date as the reader writes it: 2025-12-15 / 15/12/2025."""
    return d.strftime(_("%Y-%m-%d"))


def runtime_findings(ctx: Context, fn: str, want: str, have: str | None,
                     today: date | None = None) -> list[Finding]:
    if not have:  # a container image has no runtime: its image decides
        return []
    today = today or datetime.now(UTC).date()
    fix = _("Lambda › Functions › {function} › Code › Runtime settings › Edit: choose {want} (it is {have})")
    said = {"function": fn, "want": label(want), "have": label(have)}
    if family(have) != family(want):
        return [finding("runtime", fix.format(**said),
                        _("the workshop's code is written in {language}").format(
                            language=_LABELS.get(family(want), family(want))))]
    if have == want:
        return []
    dates = _dates(have)
    if dates and today >= dates[2]:
        return [finding("runtime",
                        _("Lambda › Functions › {function} › Code › Runtime settings › Edit: choose {want} "
                          "(it is {have}, retired)").format(**said),
                        _("AWS no longer lets a function on {have} be created or updated since {day}: not even "
                          "its code can be fixed").format(have=label(have), day=_day(dates[2])))]
    if dates and today >= dates[0]:
        return [finding("runtime_version", fix.format(**said),
                        _("{have} is deprecated since {deprecated} (no more security patches); AWS blocks "
                          "updating it on {blocked}").format(have=label(have), deprecated=_day(dates[0]),
                                                             blocked=_day(dates[2])))]
    if version(have) < version(want):
        reason = (_("{have} works, but is retired sooner ({deprecated}); codecraft picks {want}") if dates else
                  _("{have} works, but is retired sooner; codecraft picks {want}"))
        return [finding("runtime_version", fix.format(**said),
                        reason.format(have=label(have), want=label(want),
                                      deprecated=_day(dates[0]) if dates else ""))]
    return []


def function_findings(ctx: Context, fn: str, config: Mapping[str, Any], have: Mapping[str, Any],
                      by_hand: bool, code_sha: str | None, source: str) -> list[Finding]:
    """The differences between the function as it is (``have``, observed) and the workshop's
    ``config`` (lambda_.Function._config). ``by_hand``: built by a student, whose handler, file,
    role and code are theirs; codecraft's own function must match in every point."""
    found = runtime_findings(ctx, fn, str(config["Runtime"]), have.get("Runtime"))
    timeout, have_timeout = int(config["Timeout"]), have.get("Timeout")
    if have_timeout != timeout and not (by_hand and isinstance(have_timeout, int) and have_timeout >= timeout):
        found.append(finding(
            "timeout",
            _("Lambda › Functions › {function} › Configuration › General configuration › Edit: Timeout {want} s "
              "(it is {have} s)").format(function=fn, want=timeout, have=have_timeout),
            _("codecraft picks {want} s: the console's default 3 s can be too short for a cold start that "
              "calls other services, and an invocation cut short is an error (502 through the API)").format(
                want=timeout)))
    memory, have_memory = int(config["MemorySize"]), have.get("MemorySize")
    if have_memory != memory and not (by_hand and isinstance(have_memory, int) and have_memory >= memory):
        found.append(finding(
            "memory",
            _("Lambda › Functions › {function} › Configuration › General configuration › Edit: Memory {want} MB "
              "(it is {have} MB)").format(function=fn, want=memory, have=have_memory),
            _("codecraft picks {want} MB (memory also sets the share of CPU)").format(want=memory)))
    found += _environment(ctx, fn, config, have, by_hand)
    found += logging_findings(fn, config, have)  # log_format: JSON (lambda_logging.py)
    if by_hand:  # the student's handler, file, role and code are theirs: the explicit checks judge them
        return found
    if have.get("Handler") != config["Handler"]:
        found.append(finding("handler", _("Lambda › Functions › {function} › Code › Runtime settings › Edit: "
                                          "Handler {handler}").format(function=fn, handler=config["Handler"])))
    if code_sha is not None and have.get("CodeSha256") != code_sha:
        found.append(finding("code", _("Lambda › Functions › {function} › Code: deploy the code of "
                                       "lambda_src/{source}").format(function=fn, source=source)))
    if have.get("Role") != config["Role"]:
        found.append(finding("role", _("Lambda › Functions › {function} › Configuration › Permissions › Edit: "
                                       "Execution role {role}").format(
            function=fn, role=str(config["Role"]).rsplit("/", 1)[-1])))
    return found


def _environment(ctx: Context, fn: str, config: Mapping[str, Any], have: Mapping[str, Any],
                 by_hand: bool) -> list[Finding]:
    """codecraft's code reads TABLE_NAME; a student's may read DYNAMODB_TABLE (seed 004): by hand,
    a variable of any name holding the value is enough, and none at all is only advice (the
    student's code may not read it from the environment: the explicit checks show whether it works)."""
    have_env = (have.get("Environment") or {}).get("Variables") or {}
    found = []
    for key, value in (config.get("Environment") or {}).get("Variables", {}).items():
        if have_env.get(key) == value or (by_hand and value in have_env.values()):
            continue
        found.append(finding(
            "environment",
            _("Lambda › Functions › {function} › Configuration › Environment variables › Edit: "
              "{key} = {value}").format(function=fn, key=key, value=value),
            _("codecraft's code reads {key}; yours may read another name, as long as the function finds "
              "{value}").format(key=key, value=value)))
    return found


def written_in(props: Mapping[str, Any], runtime: Any) -> Mapping[str, Any]:
    """The properties of the variant in the language of ``runtime`` (a student's Node.js function
    where the seed says "Python 3.x ou Node.js"), else ``props`` as they are."""
    chosen = (props.get("variants") or {}).get(family(str(runtime or "")))
    if not chosen or family(str(props.get("runtime", "python3.12"))) == family(str(runtime)):
        return props
    return {**props, **chosen}


def variant_problems(variants: Any) -> list[str]:
    """A ``variants`` property: {family: {source, handler, runtime}}, each runtime of its family."""
    from .. import paths

    if variants is None:
        return []
    if not isinstance(variants, Mapping):
        return [_("'variants' must be a mapping of a language to its properties")]
    problems = []
    for name, props in variants.items():
        if not isinstance(props, Mapping) or set(props) != {"source", "handler", "runtime"}:
            problems.append(_("variant {name!r} must give exactly source, handler and runtime").format(name=name))
        elif family(str(props["runtime"])) != name or _dates(str(props["runtime"])) is None:
            problems.append(_("variant {name!r}: {runtime!r} is not a Lambda runtime of that language").format(
                name=name, runtime=props["runtime"]))
        elif not (paths.lambda_src_dir() / str(props["source"])).is_dir():
            problems.append(_("variant {name!r}: no folder lambda_src/{source}").format(
                name=name, source=props["source"]))
    return problems


def mapping_findings(ctx: Context, function: str, want: Mapping[str, Any], have: Mapping[str, Any]) -> list[Finding]:
    """A trigger (event source mapping): the seed asks for it (workshop2: "Triggers › SQS"), and
    that it runs; its batch settings are codecraft's choices, shown as advice."""
    found = []
    if have.get("Enabled") != want["Enabled"]:
        state = (_("Lambda › Functions › {function} › Configuration › Triggers › Edit: activate the trigger")
                 if want["Enabled"] else
                 _("Lambda › Functions › {function} › Configuration › Triggers › Edit: deactivate the trigger"))
        found.append(finding("enabled", state.format(function=function)))
    if have.get("BatchSize") != want["BatchSize"]:
        found.append(finding(
            "batch_size",
            _("Lambda › Functions › {function} › Configuration › Triggers › Edit: Batch size {size}").format(
                function=function, size=want["BatchSize"]),
            _("codecraft's choice; any size works")))
    if "FunctionResponseTypes" in want and list(have.get("FunctionResponseTypes") or []) != want["FunctionResponseTypes"]:
        found.append(finding(
            "report_batch_item_failures",
            _('Lambda › Functions › {function} › Configuration › Triggers › Edit: tick "Report batch item '
              'failures"').format(function=function),
            _('without it, one failed message makes the whole batch run again (Lambda, "Handling errors '
              'for an SQS event source")')))
    for key, prop, setting in (("BisectBatchOnFunctionError", "bisect_on_error",
                                _("Lambda › Functions › {function} › Configuration › Triggers › Edit: "
                                  "Split batch on error = {value}")),
                               ("MaximumRetryAttempts", "max_retry_attempts",
                                _("Lambda › Functions › {function} › Configuration › Triggers › Edit: "
                                  "Retry attempts = {value}"))):
        if key in want and have.get(key) != want[key]:
            found.append(finding(prop, setting.format(function=function, value=want[key]),
                                 _("a failing record does not block the stream for ever")))
    return found
