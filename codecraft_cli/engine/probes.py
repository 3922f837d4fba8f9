"""The probes: one registered runner per explicit check type, which exercises the workshop end
to end and returns ``(ok, detail)``.

    http            send a request through the API and expect a status
    dynamodb_item   an item with this key exists (optionally with these attribute values), or
                    an item holding the attribute values of ``match`` (a key the check cannot know)
    sqs_message     a message containing a text is in the queue (peeked, not consumed)
    log_events      the function's log group holds a line containing a text (or, ``since_probe``,
                    any line written since the run began: a seed's code may print nothing, Lambda
                    still writes START/END/REPORT)
    cognito_sign_in the test user signs in and receives an ID token
    db_query        the database function runs a query (optionally returning a row with a text)
    s3_object       an object is in the bucket (these bytes, this text, this JPEG size)

Each type and its required params are declared in ``workshop/check_types.py`` (the loader checks
a file against them); :func:`probe` registers the runner of a declared type. ``{probe}`` in check
parameters is replaced by a unique id for this run, so the evidence found is the evidence this
run produced; ``{last.field}`` by a field of the previous API answer's JSON body (or of the
row a ``db_query`` check found: the id a seed's create does not answer). What a probe
finds that this run wrote (an item, an object) is noted in ``RunState.traces`` for
``engine/cleanup`` to remove.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ..aws.errors import error_code
from ..i18n import _, ngettext
from ..workshop.check_types import CHECK_TYPES, CheckType
from ..workshop.model import CheckSpec
from .context import DeployContext


@dataclass
class RunState:
    """What the probes of one verification share: the outputs found, the answers received."""

    ctx: DeployContext
    outputs: dict[str, dict[str, Any]]
    probe: str = field(default_factory=lambda: "probe-" + uuid.uuid4().hex[:10])
    responses: dict[str, Any] = field(default_factory=dict)
    wait_seconds: float = 10.0
    started_ms: int = field(default_factory=lambda: int(time.time() * 1000))  # when the run began
    # what this run wrote, for the cleanup: ("dynamodb", table, key), ("s3", bucket, key) or
    # ("mysql", database function, None)
    traces: list[tuple[str, str, Any]] = field(default_factory=list)
    # when each request of an http check was sent and answered (epoch ms), by check id; "probe":
    # the last request that carried the probe id (the evidence the table, queue and log checks seek)
    windows: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def span(self, request: str) -> tuple[int, int | None]:
        """When the log lines of a request are written (epoch ms): from its sending to the next
        request of the run (None: none followed); the whole run when it was not sent."""
        own = self.windows.get(request)
        if own is None:
            return self.started_ms, None
        later = [sent for key, (sent, _end) in self.windows.items() if key != "probe" and sent > own[0]]
        return own[0], (min(later) if later else None)


ProbeFn = Callable[[RunState, Mapping[str, Any]], tuple[bool, str]]


@dataclass(frozen=True)
class Probe:
    schema: CheckType
    run: ProbeFn


PROBES: dict[str, Probe] = {}


def probe(type_name: str) -> Callable[[ProbeFn], ProbeFn]:
    """Register the runner of the check type ``type_name`` (declared in workshop.check_types)."""
    schema = CHECK_TYPES[type_name]

    def register(run: ProbeFn) -> ProbeFn:
        PROBES[type_name] = Probe(schema, run)
        return run

    return register


class Absent(Exception):
    """A resource the check names does not exist: the check fails with this detail."""


def run_probe(state: RunState, check: CheckSpec) -> tuple[bool, str]:
    """Run one explicit check with its ``{probe}`` and ``{last.*}`` placeholders filled in."""
    params = dict(_with_last(_with_probe(dict(check.params), state.probe), state))
    params["_raw"] = json.dumps(check.params)
    params["_check"] = check.id
    try:
        return PROBES[check.type].run(state, params)
    except Absent as exc:
        return False, str(exc)


def _with_probe(value: Any, probe_id: str) -> Any:
    if isinstance(value, str):
        return value.replace("{probe}", probe_id)
    if isinstance(value, Mapping):
        return {k: _with_probe(v, probe_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_probe(v, probe_id) for v in value]
    return value


def _with_last(value: Any, state: RunState) -> Any:
    """``{last.field}``: a field of the previous API answer's JSON body (e.g. a new id)."""
    if isinstance(value, str) and "{last." in value:
        body = getattr(state.responses.get("last"), "body", None)
        body = body if isinstance(body, dict) else {}
        return re.sub(r"\{last\.([A-Za-z_]+)\}", lambda m: str(body.get(m.group(1), "<missing>")), value)
    if isinstance(value, Mapping):
        return {k: _with_last(v, state) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_last(v, state) for v in value]
    return value


def _uses_probe(params: Mapping[str, Any]) -> bool:
    """The evidence is this run's own (``{probe}``, or ``{last.*}``: what the probe's request made)."""
    raw = str(params.get("_raw", ""))
    return "{probe}" in raw or "{last." in raw


def _output(state: RunState, params: Mapping[str, Any], key: str, attr: str, absent: str) -> str:
    """An output of the resource named by ``params[key]``; :class:`Absent` when it does not exist
    (``absent``: what the check says then, its ``{name}`` the resource's)."""
    value = state.outputs.get(str(params[key]), {}).get(attr)
    if not value:
        raise Absent(absent.format(name=params[key]))
    return str(value)


def _poll(state: RunState, attempt: Callable[[], tuple[bool, str]], seconds: float | None = None,
          interval: float = 0.25) -> tuple[bool, str]:
    """``attempt`` until it succeeds or ``seconds`` (the run's wait by default) have passed."""
    deadline = state.ctx.clock() + (state.wait_seconds if seconds is None else seconds)
    while True:
        ok, detail = attempt()
        if ok or state.ctx.clock() >= deadline:
            return ok, detail
        state.ctx.sleep(interval)


@probe("http")
def _http(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from .api import parse_route, route_needs_token, send, stage_of

    method, path = parse_route(str(params["route"]))
    api_id, stage = stage_of(state.ctx.workshop, state.outputs)
    headers = {}
    if params.get("auth", True) and route_needs_token(state.ctx.workshop, method, path):
        headers["Authorization"] = _token(state)
    sent_ms = int(time.time() * 1000)
    response = send(state.ctx, api_id, stage, method, path, params.get("payload"), headers)
    window = (sent_ms, int(time.time() * 1000) + 1)
    state.windows[str(params.get("_check", ""))] = window
    if state.probe in json.dumps(params.get("payload")):
        state.windows["probe"] = window
    state.responses[str(params["route"])] = response
    state.responses["last"] = response
    want = int(params.get("expect_status", 200))
    body = json.dumps(response.body)[:200]
    if response.status == want:
        return True, _("{method} {path} answered {status}").format(method=method, path=path, status=response.status)
    return False, _("{method} {path} answered {status} (expected {want}): {body}").format(
        method=method, path=path, status=response.status, want=want, body=body)


def _token(state: RunState) -> str:
    from .api import sign_in

    if "token" not in state.responses:
        test_user = state.ctx.workshop.test_user or {}
        state.responses["token"] = sign_in(state.ctx, state.outputs, str(test_user.get("client")),
                                           str(test_user.get("user")))
    return str(state.responses["token"])


@probe("cognito_sign_in")
def _sign_in(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from .api import sign_in

    token = sign_in(state.ctx, state.outputs, str(params["client"]), str(params["user"]))
    state.responses["token"] = token
    username = state.outputs.get(str(params["user"]), {}).get("username")
    return True, _("{username} signed in and received an ID token").format(username=username)


@probe("db_query")
def _db_query(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from ..resources.database import invoke_admin

    function = _output(state, params, "function", "name", _("the database function {name} does not exist"))
    if _uses_probe(params):  # the rows this run's requests wrote, removed at the end (engine/cleanup)
        state.traces.append(("mysql", function, None))
    answer = invoke_admin(state.ctx, function, {"action": "query", "sql": params["sql"], "limit": 1000})
    rows = answer.get("rows", [])
    needle = params.get("contains")
    if needle is not None and not any(str(needle) in map(str, row) for row in rows):
        return False, _("{sql!r} returned no row with {needle!r}").format(sql=params["sql"], needle=needle)
    if needle is not None:  # the row found, as ``{last.column}`` for the next check (a new id)
        row = next(row for row in rows if str(needle) in map(str, row))
        state.responses["last"] = SimpleNamespace(body=dict(zip(answer.get("columns", []), row, strict=False)))
    return True, ngettext("{sql!r} ran ({count} row)", "{sql!r} ran ({count} rows)", len(rows)).format(
        sql=params["sql"], count=len(rows))


@probe("dynamodb_item")
def _item(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    table = _output(state, params, "table", "name", _("the table {name} does not exist"))
    client = state.ctx.client("dynamodb")
    if "key" not in params:
        return _item_matching(state, params, table, client)
    key = {k: {"S": str(v)} for k, v in params["key"].items()}

    def attempt() -> tuple[bool, str]:
        item = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        if not item:
            return False, _("no item {key} in {table}").format(key=params["key"], table=table)
        for attr, want in (params.get("expect") or {}).items():
            got = next(iter(item.get(attr, {}).values()), None)
            if str(got) != str(want):
                return False, _("item {key}: {attr} is {got!r}, expected {want!r}").format(
                    key=params["key"], attr=attr, got=got, want=want)
        return True, _("item {key} is in {table}").format(key=params["key"], table=table)

    if _uses_probe(params):  # removed at the end of the run (engine/cleanup), found or not
        state.traces.append(("dynamodb", table, key))
    return _poll(state, attempt)


def _item_matching(state: RunState, params: Mapping[str, Any], table: str, client: Any) -> tuple[bool, str]:
    """``match: {attr: text}`` instead of a key: an item holding these values (a key the function
    generates and does not answer, as seed 003's uuid fileID). Scanned: a classroom table is small."""
    match = {str(k): str(v) for k, v in (params.get("match") or {}).items()}
    if not match:
        return False, _("the check names neither a key nor attributes to match")
    names = {f"#a{i}": attr for i, attr in enumerate(match)}
    values = {f":v{i}": {"S": value} for i, value in enumerate(match.values())}
    scan = {"TableName": table, "ConsistentRead": True, "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "FilterExpression": " AND ".join(f"#a{i} = :v{i}" for i in range(len(match)))}

    def attempt() -> tuple[bool, str]:
        for page in client.get_paginator("scan").paginate(**scan):
            for item in page.get("Items", []):
                if _uses_probe(params):  # removed at the end of the run (engine/cleanup)
                    schema = client.describe_table(TableName=table)["Table"]["KeySchema"]
                    state.traces.append(("dynamodb", table, {k["AttributeName"]: item[k["AttributeName"]]
                                                             for k in schema}))
                return True, _("an item with {match} is in {table}").format(match=match, table=table)
        return False, _("no item with {match} in {table}").format(match=match, table=table)

    return _poll(state, attempt)


@probe("sqs_message")
def _message(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    url = _output(state, params, "queue", "url", _("the queue {name} does not exist"))
    client = state.ctx.client("sqs")
    needle = str(params["contains"])

    def attempt() -> tuple[bool, str]:
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                     WaitTimeSeconds=0).get("Messages", [])
        for message in got:
            if needle in message.get("Body", ""):
                if _uses_probe(params):  # leave the queue as it was
                    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                return True, _("a message with {needle!r} is in the queue").format(needle=needle)
        return False, _("no message containing {needle!r} in the queue").format(needle=needle)

    return _poll(state, attempt)


@probe("s3_object")
def _object(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    bucket = _output(state, params, "bucket", "name", _("the bucket {name} does not exist"))
    key = str(params["key"])
    client = state.ctx.client("s3")
    if _uses_probe(params):
        state.traces.append(("s3", bucket, key))

    def attempt() -> tuple[bool, str]:
        try:
            got = client.get_object(Bucket=bucket, Key=key)
        except Exception as exc:
            return False, _("no object {key} in {bucket} ({error})").format(key=key, bucket=bucket,
                                                                             error=error_code(exc) or exc)
        data: bytes = got["Body"].read()
        problem = _object_problem(key, data, params)
        return (False, problem) if problem else (True, ngettext(
            "{key} is in {bucket} ({size} byte)", "{key} is in {bucket} ({size} bytes)", len(data)).format(
            key=key, bucket=bucket, size=len(data)))

    return _poll(state, attempt)


def _object_problem(key: str, data: bytes, params: Mapping[str, Any]) -> str | None:
    """How the object's bytes differ from what the check expects (None: as expected)."""
    import base64
    import io

    if "equals_base64" in params and data != base64.b64decode(str(params["equals_base64"])):
        return ngettext("{key} does not hold the uploaded bytes ({size} byte)",
                        "{key} does not hold the uploaded bytes ({size} bytes)", len(data)).format(key=key, size=len(data))
    if "contains" in params and str(params["contains"]).encode() not in data:
        return _("{key} does not contain {text!r}").format(key=key, text=params["contains"])
    if "image_size" in params:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            size, fmt = list(image.size), image.format
        if size != list(params["image_size"]) or fmt != "JPEG":
            return _("{key} is a {format} of {width}x{height}, expected JPEG {expected}").format(
                key=key, format=fmt, width=size[0], height=size[1], expected=params["image_size"])
    return None


_FAILED_RUN = re.compile(r"^\[ERROR\]|Task timed out after|Runtime exited with error"  # JSON logs too:
                         r'|^\{.*"(?:log_level|level)": ?"(?:ERROR|FATAL)"', re.MULTILINE)


def _probe_window(state: RunState) -> dict[str, int]:
    """FilterLogEvents' time span for the request that carried the probe (``RunState.span``)."""
    start, end = state.span("probe")
    return {"startTime": start, **({"endTime": end} if end is not None else {})}


@probe("log_events")
def _logs(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from ..resources.lambda_logging import log_group_of  # LoggingConfig.LogGroup, else /aws/lambda/<name>

    group = log_group_of(state.ctx.client("lambda"),
                         _output(state, params, "function", "name", _("the function {name} does not exist")))
    needle = str(params.get("contains", ""))
    since = _probe_window(state) if params.get("since_probe") else {}
    client = state.ctx.client("logs")

    def attempt() -> tuple[bool, str]:
        try:
            events = client.filter_log_events(logGroupName=group, limit=1000, **since).get("events", [])
        except Exception as exc:  # the group may not exist yet
            return False, _("cannot read {group}: {error}").format(group=group, error=error_code(exc) or exc)
        # "Logs CloudWatch OK": the run of the probe's order logged no error (Lambda writes an
        # uncaught exception as "[ERROR] ...", a timeout as "Task timed out after ...")
        failed = [e["message"] for e in events if since and _FAILED_RUN.search(e.get("message", ""))]
        if failed:
            return False, _("the run logged an error in {group}: {line}").format(
                group=group, line=failed[0].strip().splitlines()[0][:160])
        if any(needle in event.get("message", "") for event in events):
            return True, _("{group} holds the function's output").format(group=group)
        if since:
            return False, _("no log line in {group} since the check began").format(group=group)
        return False, _("no log line containing {needle!r} in {group}").format(needle=needle, group=group)

    return _poll(state, attempt)
