"""Verification: every resource checked against the workshop, then the explicit checks.

A resource check passes when the resource exists and its plan is empty, i.e. the settings
that codecraft would apply are already there; otherwise the detail lists what differs, in
the words of the console page. Explicit checks exercise the workshop end to end:

    http            send a request through the API and expect a status
    dynamodb_item   an item with this key exists (optionally with these attribute values)
    sqs_message     a message containing a text is in the queue (peeked, not consumed)
    log_events      the function's log group holds a line containing a text

``{probe}`` in check parameters is replaced by a unique id for this run, so the evidence
found is the evidence this run produced.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..aws.errors import error_code
from ..errors import CodecraftError
from ..i18n import text
from ..resources.base import handler_for
from ..workshop.model import CheckSpec, dependency_order, has_unresolved, resolve
from .context import DeployContext


@dataclass
class CheckResult:
    step: str
    check: str
    ok: bool
    detail: str
    title: str = ""
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        data = {"step": self.step, "check": self.check, "ok": self.ok, "detail": self.detail}
        if not self.ok and self.fix:
            data["fix"] = self.fix
        return data


@dataclass
class RunState:
    ctx: DeployContext
    outputs: dict[str, dict[str, Any]]
    probe: str = field(default_factory=lambda: "probe-" + uuid.uuid4().hex[:10])
    responses: dict[str, Any] = field(default_factory=dict)
    wait_seconds: float = 10.0


CheckFn = Callable[[RunState, Mapping[str, Any]], tuple[bool, str]]


@dataclass(frozen=True)
class CheckType:
    required: tuple[str, ...]
    run: CheckFn


def _with_probe(value: Any, probe: str) -> Any:
    if isinstance(value, str):
        return value.replace("{probe}", probe)
    if isinstance(value, Mapping):
        return {k: _with_probe(v, probe) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_probe(v, probe) for v in value]
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


def _poll(state: RunState, attempt: Callable[[], tuple[bool, str]]) -> tuple[bool, str]:
    deadline = state.ctx.clock() + state.wait_seconds
    while True:
        ok, detail = attempt()
        if ok or state.ctx.clock() >= deadline:
            return ok, detail
        state.ctx.sleep(0.25)


def _check_http(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from .api import parse_route, route_needs_token, send, stage_of

    method, path = parse_route(str(params["route"]))
    api_id, stage = stage_of(state.ctx.workshop, state.outputs)
    headers = {}
    if params.get("auth", True) and route_needs_token(state.ctx.workshop, method, path):
        headers["Authorization"] = _token(state)
    response = send(state.ctx, api_id, stage, method, path, params.get("payload"), headers)
    state.responses[str(params["route"])] = response
    state.responses["last"] = response
    want = int(params.get("expect_status", 200))
    body = json.dumps(response.body)[:200]
    if response.status == want:
        return True, f"{method} {path} answered {response.status}"
    return False, f"{method} {path} answered {response.status} (expected {want}): {body}"


def _token(state: RunState) -> str:
    from .api import sign_in

    if "token" not in state.responses:
        test_user = state.ctx.workshop.test_user or {}
        state.responses["token"] = sign_in(state.ctx, state.outputs, str(test_user.get("client")),
                                           str(test_user.get("user")))
    return str(state.responses["token"])


def _check_sign_in(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from .api import sign_in

    token = sign_in(state.ctx, state.outputs, str(params["client"]), str(params["user"]))
    state.responses["token"] = token
    username = state.outputs.get(str(params["user"]), {}).get("username")
    return True, f"{username} signed in and received an ID token"


def _check_db_query(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    from ..resources.database import invoke_admin

    function = state.outputs.get(str(params["function"]), {}).get("name")
    if not function:
        return False, f"the database function {params['function']} does not exist"
    answer = invoke_admin(state.ctx, function, {"action": "query", "sql": params["sql"], "limit": 1000})
    rows = answer.get("rows", [])
    needle = params.get("contains")
    if needle is not None and not any(str(needle) in map(str, row) for row in rows):
        return False, f"{params['sql']!r} returned no row with {needle!r}"
    return True, f"{params['sql']!r} ran ({len(rows)} row(s))"


def _check_item(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    table = state.outputs.get(str(params["table"]), {}).get("name")
    if not table:
        return False, f"the table {params['table']} does not exist"
    key = {k: {"S": str(v)} for k, v in params["key"].items()}
    client = state.ctx.client("dynamodb")

    def attempt() -> tuple[bool, str]:
        item = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        if not item:
            return False, f"no item {params['key']} in {table}"
        for attr, want in (params.get("expect") or {}).items():
            got = next(iter(item.get(attr, {}).values()), None)
            if str(got) != str(want):
                return False, f"item {params['key']}: {attr} is {got!r}, expected {want!r}"
        return True, f"item {params['key']} is in {table}"

    ok, detail = _poll(state, attempt)
    if ok and "{probe}" in str(params.get("_raw", "")):
        client.delete_item(TableName=table, Key=key)  # leave the student's table as it was
    return ok, detail


def _check_message(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    url = state.outputs.get(str(params["queue"]), {}).get("url")
    if not url:
        return False, f"the queue {params['queue']} does not exist"
    client = state.ctx.client("sqs")
    needle = str(params["contains"])

    def attempt() -> tuple[bool, str]:
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                     WaitTimeSeconds=0).get("Messages", [])
        for message in got:
            if needle in message.get("Body", ""):
                if "{probe}" in str(params.get("_raw", "")):  # leave the queue as it was
                    client.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                return True, f"a message with {needle!r} is in the queue"
        return False, f"no message containing {needle!r} in the queue"

    return _poll(state, attempt)


def _check_object(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    import base64
    import io

    bucket = state.outputs.get(str(params["bucket"]), {}).get("name")
    if not bucket:
        return False, f"the bucket {params['bucket']} does not exist"
    key = str(params["key"])
    client = state.ctx.client("s3")

    def attempt() -> tuple[bool, str]:
        try:
            got = client.get_object(Bucket=bucket, Key=key)
        except Exception as exc:
            return False, f"no object {key} in {bucket} ({error_code(exc) or exc})"
        data = got["Body"].read()
        if "equals_base64" in params and data != base64.b64decode(str(params["equals_base64"])):
            return False, f"{key} does not hold the uploaded bytes ({len(data)} bytes)"
        if "contains" in params and str(params["contains"]).encode() not in data:
            return False, f"{key} does not contain {params['contains']!r}"
        if "image_size" in params:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                size, fmt = list(image.size), image.format
            if size != list(params["image_size"]) or fmt != "JPEG":
                return False, f"{key} is a {fmt} of {size[0]}x{size[1]}, expected JPEG {params['image_size']}"
        return True, f"{key} is in {bucket} ({len(data)} bytes)"

    return _poll(state, attempt)


def _check_logs(state: RunState, params: Mapping[str, Any]) -> tuple[bool, str]:
    function = state.outputs.get(str(params["function"]), {}).get("name")
    if not function:
        return False, f"the function {params['function']} does not exist"
    group = f"/aws/lambda/{function}"
    needle = str(params.get("contains", ""))
    client = state.ctx.client("logs")

    def attempt() -> tuple[bool, str]:
        try:
            events = client.filter_log_events(logGroupName=group, limit=1000).get("events", [])
        except Exception as exc:  # the group may not exist yet
            return False, f"cannot read {group}: {error_code(exc) or exc}"
        if any(needle in event.get("message", "") for event in events):
            return True, f"{group} holds the function's output"
        return False, f"no log line containing {needle!r} in {group}"

    return _poll(state, attempt)


CHECK_TYPES: dict[str, CheckType] = {
    "http": CheckType(("route",), _check_http),
    "dynamodb_item": CheckType(("table", "key"), _check_item),
    "sqs_message": CheckType(("queue", "contains"), _check_message),
    "log_events": CheckType(("function", "contains"), _check_logs),
    "cognito_sign_in": CheckType(("client", "user"), _check_sign_in),
    "db_query": CheckType(("function", "sql"), _check_db_query),
    "s3_object": CheckType(("bucket", "key"), _check_object),
}


NOTHING_BUILT = "not run: none of the workshop's resources exists"


def run_checks(ctx: DeployContext, wait_seconds: float = 10.0,
               on_result: Callable[[CheckResult], None] | None = None,
               only_steps: set[str] | None = None,
               outputs: dict[str, dict[str, Any]] | None = None) -> list[CheckResult]:
    """Observe every resource, compare it with the workshop, then run the explicit checks.

    ``only_steps`` limits the report to those steps (other resources are still observed when
    their outputs are needed and not given in ``outputs``).
    """
    workshop = ctx.workshop
    state = RunState(ctx, {**ctx.prerequisite_outputs(), **(outputs or {})}, wait_seconds=wait_seconds)
    results: list[CheckResult] = []

    def add(result: CheckResult) -> None:
        results.append(result)
        if on_result:
            on_result(result)

    by_step: dict[str, list[CheckResult]] = {step.id: [] for step in workshop.steps}
    found = 0  # resources of the workshop itself that exist (a look-up such as the default VPC not counted)
    for res in dependency_order(workshop.resources):
        if only_steps is not None and res.step not in only_steps and res.id in state.outputs:
            continue
        handler = handler_for(res.type)
        props = resolve(res.properties, state.outputs)
        name = handler.name(ctx, res) if handler.named else res.id
        title = f"{handler.console}: {name}"
        try:
            if has_unresolved(props):
                observed = None
                detail = "cannot be checked: it depends on a resource that is missing"
            else:
                handler.prepare(ctx, res, props)
                observed = handler.observe(ctx, res, props)
                detail = ""
            fix = ""
            if observed is None:
                ok = False
            elif not observed.exists:
                ok, detail = False, f"{name} does not exist"
                fix = handler.missing(ctx, res, props)
            else:
                problems = handler.check(ctx, res, props, observed)
                ok = not problems
                detail = "exists and matches the workshop" if ok else f"{len(problems)} difference(s)"
                fix = "; ".join(problems)
            if observed is not None:
                state.outputs[res.id] = handler.resolve_outputs(ctx, res, props, observed, {})
                found += bool(observed.exists and not handler.lookup)
        except Exception as exc:
            ok, detail, fix = False, _failure(exc), ""
        by_step[res.step].append(CheckResult(res.step, res.id, ok, detail, title, fix))
    # a whole verify that found nothing of the workshop: nothing to probe (a step-by-step check of
    # one step observes that step's resources only, so it always runs its checks)
    nothing = only_steps is None and found == 0
    for step in workshop.steps:
        if only_steps is not None and step.id not in only_steps:
            continue
        for result in by_step[step.id]:
            add(result)
        for check in step.checks:
            if nothing:  # say so at once rather than poll for evidence that cannot come
                add(CheckResult(check.step, check.id, False, NOTHING_BUILT, text(check.title, ctx.lang)))
                continue
            add(_run_explicit(state, check))
    if outputs is not None:
        outputs.update({k: v for k, v in state.outputs.items() if ":" not in k})
    return results


def _run_explicit(state: RunState, check: CheckSpec) -> CheckResult:
    lang = state.ctx.lang
    params = dict(_with_last(_with_probe(dict(check.params), state.probe), state))
    params["_raw"] = json.dumps(check.params)
    try:
        ok, detail = CHECK_TYPES[check.type].run(state, params)
    except Exception as exc:
        ok, detail = False, _failure(exc)
    return CheckResult(check.step, check.id, ok, detail, text(check.title, lang), text(check.fix, lang))


def _failure(exc: Exception) -> str:
    """What a check says of a codecraft error or an AWS error; anything else is a bug: raised."""
    if isinstance(exc, CodecraftError):
        return exc.message
    if not type(exc).__module__.startswith("botocore"):
        raise exc
    return f"{error_code(exc) or type(exc).__name__}: {exc}"[:300]


def score(workshop: Any, results: list[CheckResult]) -> float:
    """The rubric score in percent (every check counts equally without a rubric)."""
    passed = {r.check if "." in r.check else r.check for r in results if r.ok}
    passed |= {f"{r.step}.{r.check}" for r in results if r.ok}
    if not workshop.rubric:
        return round(100.0 * sum(r.ok for r in results) / max(len(results), 1), 1)
    total = sum(item.points for item in workshop.rubric)
    got = sum(item.points for item in workshop.rubric if all(c in passed for c in item.checks))
    return round(100.0 * got / total, 1)
