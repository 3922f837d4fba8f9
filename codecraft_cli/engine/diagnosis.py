"""Why an explicit check failed, found in the evidence: the diagnosis a teacher would make.

Called by the verifier when an explicit check fails. It reads, best effort and read-only:

- the workshop's functions' log events since the run began (``FilterLogEvents`` with
  ``startTime``): the last error, its type and message, and the student's file and line from the
  traceback (``File "/var/task/lambda_function.py", line 17``), matched against the catalogue of
  mistakes (``diagnosis_catalogue.py``);
- each function's configuration (``GetFunctionConfiguration``: environment variables, handler,
  timeout, memory, role) to tell a missing environment variable from a missing event field, or
  the handler's file from a missing dependency;
- the API Gateway answer of an ``http`` check (403 Missing Authentication Token, 401, 429, 500
  without any invocation: the invoke permission, 502 after an invocation without error: a
  malformed proxy response);
- the role's permissions (``engine/permissions.py``: simulated on AWS, read and evaluated on the
  emulator) when the function left no log at all (Lambda writes logs with the execution role's
  permissions, "Sending Lambda function logs to CloudWatch Logs",
  https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html);
- for an ``sqs_message`` check, the SNS → SQS path: the subscription, and the queue policy that
  lets the topic send ("Subscribing an Amazon SQS queue to an Amazon SNS topic", SNS developer guide,
  https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html).

The diagnosis never fails a verification: anything it cannot read, it leaves out.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from ..workshop.model import CheckSpec
from .diagnosis_catalogue import CATALOGUE, Entry
from .diagnosis_found import FOUND, NOWHERE, WHERE, speaking
from .permissions import invoke_permission, missing_actions, role_name
from .probes import RunState

_MAX_FUNCTIONS = 6
_LOG_DELAY_TRIES = 4
_FRAME = re.compile(r'File "/var/task/(?P<file>[^"]+)",? [Ll]ine (?P<line>\d+)')
_GENERIC = re.compile(r"^\[ERROR\] (?P<type>[A-Za-z_][\w.]*): (?P<detail>.+)")
_BOUNDARY = ("START RequestId", "END RequestId", "REPORT RequestId")
_IN_TRACE = re.compile(r"^(?:\s|Traceback \(most recent call last\):)")  # a traceback's lines


@dataclass(frozen=True)
class Cause:
    """One cause of a failed check: a stable code, what is wrong and the fix (in the run's
    language), and the evidence it was read from (a log line, an answer, a policy)."""

    code: str
    message: str
    fix: str
    evidence: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fix": self.fix, "evidence": self.evidence}


@dataclass
class Function:
    """What is known of one of the workshop's functions for this run."""

    name: str
    config: dict[str, Any]
    lines: list[str] | None  # the log lines since the run began; None: the log group does not exist

    @property
    def env(self) -> dict[str, str]:
        return dict((self.config.get("Environment") or {}).get("Variables") or {})

    @property
    def invoked(self) -> bool:
        return any(line.startswith("START RequestId") for line in self.lines or [])

    def facts(self) -> dict[str, str]:
        cfg = self.config
        return {"function": self.name, "role": role_name(str(cfg.get("Role") or "")) or "?",
                "handler": str(cfg.get("Handler") or "?"), "timeout": str(cfg.get("Timeout") or "?"),
                "memory": str(cfg.get("MemorySize") or "?")}


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def render(template: str, lang: str, facts: Mapping[str, Any]) -> str:
    """A catalogue text (its English id) in ``lang`` with its ``{names}`` filled in (``?`` for an unknown one)."""
    with speaking(lang):
        said = _(template)
    return said.format_map(_Facts({k: str(v) for k, v in facts.items() if v is not None}))


def cause(code: str, entry: Mapping[str, Any], lang: str, facts: Mapping[str, Any], evidence: str) -> Cause:
    return Cause(code, render(entry["message"], lang, facts), render(entry["fix"], lang, facts), evidence[:300])


def diagnose(state: RunState, check: CheckSpec, detail: str = "") -> list[Cause]:
    """The causes of a failed check, most telling first; empty when the evidence says nothing."""
    try:
        with speaking(str(getattr(state, "lang", "") or getattr(state.ctx, "lang", "en") or "en")):
            return _diagnose(state, check)  # the evidence's own words in the run's language too
    except Exception:  # the diagnosis must never turn a failed check into a crash
        return []


def _diagnose(state: RunState, check: CheckSpec) -> list[Cause]:
    # a function's log does not explain an alarm, metric or trace not found (the monitoring's settings,
    # which their resources' findings name); its errors there are provoked on purpose (workshop4)
    provoked = check.type == "invoke" and check.params.get("expect_error")
    if check.type in ("alarm_state", "metric", "trace") or provoked:
        return []
    ctx = state.ctx
    lang = str(getattr(state, "lang", "") or getattr(ctx, "lang", "en") or "en")
    started, ended = _window(state, check)
    names = _function_names(state, check)
    functions = [_observe(state, name, int(started), ended) for name in names]
    # CloudWatch Logs receives an invocation's lines a few seconds after it ends, on AWS: a 5xx
    # answer whose invocation is not in the log yet is worth a short wait
    status = getattr(state.responses.get("last"), "status", 0) if check.type == "http" else 0
    for _ in range(_LOG_DELAY_TRIES if not ctx.is_local and status >= 500 else 0):
        if any(fn.invoked for fn in functions):
            break
        getattr(ctx, "sleep", time.sleep)(2.0)
        functions = [_observe(state, name, int(started), ended) for name in names]
    causes: list[Cause] = []
    if check.type == "http":
        causes += api_causes(state.responses.get("last"), functions, lang, state, str(check.params.get("route", "")))
    for fn in functions:
        found = log_cause(fn, lang)
        if found is not None:
            causes.append(found)
        elif fn.lines is None:
            causes += _no_log_causes(state, fn, lang)
    if check.type == "sqs_message":
        causes += _sns_to_sqs_causes(state, check, lang)
    unique: dict[tuple[str, str], Cause] = {}
    for c in causes:
        unique.setdefault((c.code, c.message), c)
    return list(unique.values())


# -- the evidence ---------------------------------------------------------------------------
def _function_names(state: RunState, check: CheckSpec) -> list[str]:
    """The check's own function if it names one, else every function of the workshop found."""
    named = check.params.get("function")
    ids = [str(named)] if named else [r.id for r in state.ctx.workshop.resources if r.type == "lambda.function"]
    names = [str(state.outputs.get(i, {}).get("name") or "") for i in ids]
    return [n for n in dict.fromkeys(names) if n][:_MAX_FUNCTIONS]


def _window(state: RunState, check: CheckSpec) -> tuple[int, int | None]:
    """The time span whose log lines explain this check: from its own request (an http check) or
    the request that carried the probe (a table, queue or log check looking for it) to the next
    request of the run; the whole run otherwise. Several checks fail for one cause; each is told
    the cause of the request it depends on, not the last error of the run."""
    # a check seeking the evidence of the probe's request: the probe id, or (a log check) the run of it
    uses_probe = "{probe}" in json.dumps(dict(check.params)) or bool(check.params.get("since_probe"))
    return state.span(check.id if check.type == "http" else "probe" if uses_probe else "")


def _observe(state: RunState, name: str, started_ms: int, ended_ms: int | None = None) -> Function:
    ctx = state.ctx
    try:
        config = dict(ctx.client("lambda").get_function_configuration(FunctionName=name))
    except Exception:
        config = {}
    group = str((config.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}")
    return Function(name, config, read_lines(ctx.client("logs"), group, started_ms, ended_ms=ended_ms))


def read_lines(logs: Any, group: str, started_ms: int, pages: int = 5,
               ended_ms: int | None = None) -> list[str] | None:
    """The group's events since ``started_ms`` in time order, each split into its lines (Lambda's
    Python runtime writes an error and its traceback as one event, lines joined by ``\\r``);
    None when the group does not exist."""
    events: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"logGroupName": group, "startTime": started_ms}
    if ended_ms is not None:
        kwargs["endTime"] = ended_ms
    try:
        for _ in range(pages):
            page = logs.filter_log_events(**kwargs)
            events += page.get("events", [])
            if not page.get("nextToken"):
                break
            kwargs["nextToken"] = page["nextToken"]
    except Exception as exc:
        if "ResourceNotFound" in type(exc).__name__ or "ResourceNotFound" in str(exc):
            return None
        return []
    events.sort(key=lambda e: int(e.get("timestamp") or 0))  # stable: a stream keeps its order
    return [part.replace("\u00a0", " ") for e in events
            for part in re.split(r"[\r\n]", as_text(str(e.get("message", "")))) if part.strip()]


def as_text(message: str) -> str:
    """A JSON log event (the function's log format set to JSON, "Configuring advanced logging
    controls", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html)
    as the text format writes it: ``platform.start`` → ``START RequestId: ...``, an error record →
    ``[ERROR] Type: message`` and its stack trace."""
    if not message.startswith("{"):
        return message
    try:
        record = json.loads(message)
    except ValueError:
        return message
    if not isinstance(record, dict):
        return message
    if record.get("type") == "platform.start":
        return f"START RequestId: {(record.get('record') or {}).get('requestId', '')} Version: $LATEST"
    if record.get("type") == "platform.report":  # the REPORT line, its metrics and X-Ray trace
        rec = record.get("record") or {}
        metrics, tracing = rec.get("metrics") or {}, rec.get("tracing") or {}
        init = f"\tInit Duration: {metrics['initDurationMs']} ms" if "initDurationMs" in metrics else ""
        xray = f"\nXRAY {tracing.get('value', '')}" if tracing else ""
        return (f"REPORT RequestId: {rec.get('requestId', '')}\tDuration: {metrics.get('durationMs', '')} ms\t"
                f"Billed Duration: {metrics.get('billedDurationMs', '')} ms\tMemory Size: "
                f"{metrics.get('memorySizeMB', '')} MB{init}{xray}")
    if record.get("errorType"):
        trace = "".join(str(t) for t in record.get("stackTrace") or [])
        return f"[ERROR] {record['errorType']}: {record.get('errorMessage', '')}\n{trace}"
    if record.get("level") and "message" in record:  # a logging record: as the text format writes it
        return f"[{record['level']}]\t{record.get('timestamp', '')}\t{record.get('requestId', '')}\t{record['message']}"
    return str(record.get("message", message))


# -- the function's log ------------------------------------------------------------------------
def log_cause(fn: Function, lang: str) -> Cause | None:
    """The cause of the last error in the function's log, or None when it holds none."""
    lines = fn.lines or []
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.startswith(_BOUNDARY):
            continue
        found = match_line(line, fn, lines, index)
        if found is not None:  # a line of a traceback: the error's own line says it first
            head = _head(lines, index)
            found = match_line(lines[head], fn, lines, head) or found
            entry, groups = found
            facts = _line_facts(fn, groups, lines, head, lang)
            return cause(entry["code"], entry, lang, facts, lines[head].strip())
        generic = _GENERIC.match(line.strip())
        if generic:
            facts = _line_facts(fn, generic.groupdict(), lines, index, lang)
            return cause("code-error", FOUND["code-error"], lang, facts, line.strip())
    return None


def _head(lines: list[str], index: int) -> int:
    """The ``[ERROR]`` line that the traceback holding line ``index`` belongs to (``index`` itself
    when it is not inside one)."""
    for back in range(index, max(-1, index - 80), -1):
        line = lines[back]
        if line.startswith("[ERROR] "):
            return back
        if line.startswith(_BOUNDARY) or (back < index and not _IN_TRACE.match(line)):
            break
    return index


def match_line(line: str, fn: Function, lines: list[str], index: int) -> tuple[Entry, dict[str, str]] | None:
    """The first catalogue entry (from the log) that matches this line and whose condition holds."""
    for entry in CATALOGUE:
        if entry.get("source", "log") != "log":
            continue
        m = re.search(entry["pattern"], line)
        if m is None:
            continue
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        if _holds(str(entry.get("when") or ""), groups, fn, lines, index):
            return entry, groups
    return None


def _holds(condition: str, groups: Mapping[str, str], fn: Function, lines: list[str], index: int) -> bool:
    if condition == "env_lacks":  # a KeyError on a name the function's environment lacks
        variable, block = groups.get("variable", ""), " ".join(lines[index:index + 12])
        if not fn.config:  # the configuration could not be read: the traceback's code tells
            return "environ" in block
        return variable not in fn.env and (variable == variable.upper() or "environ" in block)
    if condition == "missing_is_handler_module":  # the handler's own file is what is missing
        return groups.get("missing", "").split(".")[0] == groups.get("module", "").split(".")[0]
    return not condition


def _line_facts(fn: Function, groups: Mapping[str, str], lines: list[str], index: int,
                lang: str) -> dict[str, str]:
    facts = {**fn.facts(), **groups}
    file, line = _student_frame(lines, index)
    if file:
        facts.update(file=file, line=line)
        facts["where"] = render(WHERE, lang, facts)
    else:
        facts["where"] = render(NOWHERE, lang, facts)
    principal = groups.get("principal", "")
    if ":assumed-role/" in principal:
        facts["role"] = role_name(principal)
    if "action" in groups:
        facts["action"] = _action(groups["action"], groups.get("operation", ""))
        facts.setdefault("resource", "*")
    return facts


def _student_frame(lines: list[str], index: int) -> tuple[str, str]:
    """The deepest frame in the student's code (``/var/task``) of the traceback at ``index``."""
    found = ("", "")
    for offset, line in enumerate(lines[index:index + 60]):
        if offset and line.startswith(("[ERROR]", *_BOUNDARY)):
            break
        m = _FRAME.search(line)
        if m:
            found = (m.group("file"), m.group("line"))
    return found


def _action(action: str, operation: str) -> str:
    """The action as IAM writes it (``SNS:Publish`` → ``sns:Publish``, ``sqs:sendmessage`` → ``sqs:SendMessage``)."""
    prefix, _, name = action.partition(":")
    if operation and name.lower() == operation.lower():
        name = operation
    return f"{prefix.lower()}:{name}"


# -- the API's answer ----------------------------------------------------------------------------
def api_causes(response: Any, functions: list[Function], lang: str, state: RunState | None = None,
               route: str = "") -> list[Cause]:
    """What API Gateway's answer says (with whether the function ran, and its invoke permission)."""
    status = getattr(response, "status", None)
    if status is None:
        return []
    body = getattr(response, "body", "")
    shown = body if isinstance(body, str) else json.dumps(body)
    answer = f"{status} {shown}"
    fn = next((f for f in functions if f.invoked), functions[0] if functions else None)
    facts = fn.facts() if fn else {}
    for entry in CATALOGUE:
        if entry.get("source") == "api" and re.search(entry["pattern"], answer):
            return [cause(entry["code"], entry, lang, facts, answer)]
    known = [f for f in functions if f.lines is not None]
    if status == 500 and fn is not None and known and not any(f.invoked for f in known):
        code, more, evidence = ("missing-invoke-permission", {}, "") if state is None else invoke_permission(
            state.ctx, fn.name, str(fn.config.get("FunctionArn") or ""), str(getattr(response, "url", "")), route)
        return [cause(code, FOUND[code], lang, {**facts, **more}, evidence or answer)]
    if status == 502 and fn is not None and fn.invoked and log_cause(fn, lang) is None:
        return [cause("malformed-proxy-response", FOUND["malformed-proxy-response"], lang, facts, answer)]
    return []


# -- no log at all: the role ----------------------------------------------------------------------
def _no_log_causes(state: RunState, fn: Function, lang: str) -> list[Cause]:
    ctx = state.ctx
    role = str(fn.config.get("Role") or "")
    if not role:
        return []
    account = role.split(":")[4] if role.count(":") >= 5 else ""
    group = f"arn:aws:logs:{ctx.region}:{account}:log-group:/aws/lambda/{fn.name}"
    # the resources as in "Actions, resources, and condition keys for Amazon CloudWatch Logs"
    needs = [("logs:CreateLogGroup", f"{group}:log-stream:"), ("logs:CreateLogStream", f"{group}:log-stream:x"),
             ("logs:PutLogEvents", f"{group}:log-stream:x")]
    missing = missing_actions(ctx, role, needs)
    if not missing:
        return []
    facts = {**fn.facts(), "action": ", ".join(missing)}
    return [cause("no-log-group", FOUND["no-log-group"], lang, facts, f"/aws/lambda/{fn.name}: ResourceNotFound")]


# -- SNS → SQS -----------------------------------------------------------------------------------------
def _sns_to_sqs_causes(state: RunState, check: CheckSpec, lang: str) -> list[Cause]:
    from ..local.iam.resource_policies import queue_accepts_topic

    ctx = state.ctx
    queue = state.outputs.get(str(check.params.get("queue", "")), {})
    queue_arn, url = str(queue.get("arn") or ""), str(queue.get("url") or "")
    topics = [str(state.outputs.get(r.id, {}).get("arn") or "") for r in ctx.workshop.resources
              if r.type == "sns.topic"]
    topics = [t for t in topics if t]
    if not queue_arn or not url or not topics:
        return []
    sns = ctx.client("sns")
    subscribed = [t for t in topics
                  if any(s.get("Protocol") == "sqs" and s.get("Endpoint") == queue_arn
                         for s in sns.list_subscriptions_by_topic(TopicArn=t).get("Subscriptions", []))]
    names = {"queue": queue_arn.rsplit(":", 1)[-1]}
    if not subscribed:
        facts = {**names, "topic": topics[0].rsplit(":", 1)[-1]}
        return [cause("sns-no-subscription", FOUND["sns-no-subscription"], lang, facts, f"{topics[0]} → {queue_arn}")]
    policy = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get(
        "Attributes", {}).get("Policy")
    refused = [t for t in subscribed if not queue_accepts_topic(policy, queue_arn, t)]
    if not refused:
        return []
    facts = {**names, "topic": refused[0].rsplit(":", 1)[-1]}
    return [cause("sqs-policy-missing", FOUND["sqs-policy-missing"], lang, facts, (policy or _("no queue policy"))[:300])]
