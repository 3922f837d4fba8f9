"""Run a plan (a list of :class:`~codecraft_cli.resources.base.Call`), or only display it.

The executor is the one place that turns planned calls into botocore calls: it substitutes
:class:`Var` values from earlier results, runs botocore waiters for ``wait:`` calls, treats
"already gone" error codes as success, and applies bounded retries for the AWS behaviours
that botocore's standard retry mode does not cover (IAM propagation, API Gateway's
rate-limited deletes). Time is injected (``sleep``) so tests never wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from ..aws.errors import error_code, translate
from ..errors import AwsFailure
from ..resources.base import Call, Var
from .context import DeployContext

# name -> (error codes, message fragment or "", attempts, first delay, max delay)
RETRY_POLICIES: dict[str, tuple[tuple[str, ...], str, int, float, float]] = {
    # A new role is not assumable by Lambda for a few seconds, sometimes a minute or two
    # (chalice retries 30 x 5 s): poll densely first (1, 2, 3, 3, ... s), up to about 3 minutes.
    "iam_propagation": (("InvalidParameterValueException",), "role", 60, 1.0, 3.0),
    # DeleteRestApi is limited to one call every 30 seconds per account.
    "throttle": (("TooManyRequestsException", "ThrottlingException"), "", 8, 5.0, 30.0),
    # A security group still used by Lambda's network interfaces (minutes to go away).
    "dependency": (("DependencyViolation",), "", 60, 10.0, 30.0),
}

OnRecord = Callable[[Mapping[str, Any]], None]


def substitute(value: Any, results: Mapping[str, Any]) -> Any:
    if isinstance(value, Var):
        got: Any = results[value.name]
        for key in value.path:
            got = got[int(key)] if isinstance(got, list) else got[key]
        return got
    if isinstance(value, Mapping):
        return {k: substitute(v, results) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [substitute(v, results) for v in value]
    return value


class Executor:
    """Runs calls against the target."""

    dry_run = False

    def __init__(self, ctx: DeployContext, sleep: Callable[[float], None] | None = None) -> None:
        self.ctx = ctx
        self.sleep = sleep or ctx.sleep

    def run(self, calls: list[Call], on_record: OnRecord | None = None) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for call in calls:
            response = self._one(call, substitute(dict(call.params), results))
            if call.output:
                results[call.output] = response
            if call.records and on_record is not None and response is not None:
                on_record(results)
        return results

    def _one(self, call: Call, params: dict[str, Any]) -> Any:
        client = self.ctx.client(call.service)
        what = f"{call.service}.{call.method.removeprefix('wait:')}"
        if call.method.startswith("wait:"):
            waiter = client.get_waiter(call.method[5:])
            delay = 1 if self.ctx.is_local else 5
            try:
                waiter.wait(**params, WaiterConfig={"Delay": delay, "MaxAttempts": 360})
            except Exception as exc:
                raise translate(exc, f"waiting ({what})", self.ctx.is_local) from exc
            return {}
        policy = RETRY_POLICIES.get(call.retry or "")
        attempt = 0
        while True:
            attempt += 1
            try:
                response = getattr(client, call.method)(**params)
                if call.service == "lambda" and call.method == "invoke":
                    response = invocation_result(response, str(params.get("FunctionName")))
                return response
            except AwsFailure:
                raise
            except Exception as exc:
                code = error_code(exc)
                if code and code in call.gone_ok:
                    return None
                if policy and code in policy[0] and policy[1] in str(exc).lower() and attempt < policy[2]:
                    self.sleep(min(policy[3] * attempt, policy[4]))
                    continue
                raise translate(exc, what, self.ctx.is_local) from exc


def invocation_result(response: Mapping[str, Any], function: str) -> dict[str, Any]:
    """A direct invocation's answer; a function error is a failure of the plan."""
    import json

    raw = response["Payload"].read() if hasattr(response.get("Payload"), "read") else response.get("Payload")
    body = json.loads(raw or b"null")
    if response.get("FunctionError") or (isinstance(body, dict) and body.get("error")):
        message = (body.get("errorMessage") or body.get("error")) if isinstance(body, dict) else body
        raise AwsFailure(f"The function {function} failed: {message}",
                         hint=f"Look at its logs: `codecraft inspect logs {function}`.")
    return {**response, "Payload": body}


class DisplayExecutor(Executor):
    """Runs nothing: collects the calls so ``--dry-run`` can show the plan."""

    dry_run = True

    def __init__(self, ctx: DeployContext, sleep: Callable[[float], None] | None = None) -> None:
        super().__init__(ctx, sleep or time.sleep)
        self.shown: list[Call] = []

    def run(self, calls: list[Call], on_record: OnRecord | None = None) -> dict[str, Any]:
        self.shown.extend(calls)
        return {}
