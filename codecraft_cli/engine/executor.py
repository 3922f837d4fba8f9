"""Run a plan (a list of :class:`~codecraft_cli.resources.plan.Call` and
:class:`~codecraft_cli.resources.plan.Wait`), or only display it.

The executor is the one place that turns planned instructions into botocore calls: it
substitutes :class:`Var` values from earlier results, runs botocore waiters for :class:`Wait`,
treats "already gone" error codes as success, and applies a call's bounded
:class:`~codecraft_cli.aws.retry.RetryPolicy` for the AWS behaviours that botocore's standard
retry mode does not cover (IAM propagation, API Gateway's rate-limited deletes), paces the calls
AWS limits per account (``PACED``), and says why it waits (``notify``). Time is injected
(``sleep``) so tests never wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from ..aws.errors import error_code, translate
from ..aws.invoke import invocation_result
from ..aws.retry import PACED, Pacer
from ..aws.tombstones import forget_deleted, remember_deleted
from ..errors import AwsFailure
from ..i18n import _, number
from ..resources.plan import Call, Step, Var, Wait
from .context import DeployContext

OnRecord = Callable[[Mapping[str, Any]], None]
Notify = Callable[[str], None]  # a progress line while waiting ("SQS: ... retrying in 10 s")


def _quiet(message: str) -> None:
    return None


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

    def __init__(self, ctx: DeployContext, sleep: Callable[[float], None] | None = None,
                 pacer: Pacer | None = None) -> None:
        self.ctx = ctx
        self.sleep = sleep or ctx.sleep
        self.pacer = pacer or Pacer()  # a class torn down together shares one (classroom)
        self.notify: Notify = _quiet

    def run(self, calls: list[Step], on_record: OnRecord | None = None) -> dict[str, Any]:
        results: dict[str, Any] = {}
        for call in calls:
            response = self._one(call, substitute(dict(call.params), results))
            if isinstance(call, Call) and call.output:
                results[call.output] = response
            if isinstance(call, Call) and call.revives is not None and response is not None:
                forget_deleted(f"{call.service}:{substitute(call.revives, results)}")
            if isinstance(call, Call) and call.records and on_record is not None and response is not None:
                on_record(results)
        return results

    def _one(self, call: Step, params: dict[str, Any]) -> Any:
        if isinstance(call, Wait):
            return self._wait(call, params)
        return self._call(call, params)

    def _wait(self, wait: Wait, params: dict[str, Any]) -> Any:
        waiter = self.ctx.client(wait.service).get_waiter(wait.waiter)
        delay = 1 if self.ctx.is_local else 5
        if wait.says:
            self.notify(wait.says)
        try:
            waiter.wait(**params, WaiterConfig={"Delay": delay, "MaxAttempts": 360})
        except Exception as exc:
            failure = translate(exc, f"waiting ({wait.service}.{wait.waiter})", self.ctx.is_local)
            if wait.says and type(exc).__name__ == "WaiterError":
                failure.hint = wait.says
            raise failure from exc
        return {}

    def _pace(self, call: Call) -> None:
        interval = PACED.get((call.service, call.method))
        if interval is None or self.ctx.is_local:
            return
        delay = self.pacer.reserve(f"{self.ctx.account_id}/{self.ctx.region}/{call.method}", interval)
        if delay > 0:
            self.notify(_("{call}: AWS allows one every {interval} s per account; waiting {delay} s").format(
                call=f"{call.service}.{call.method}", interval=_short(interval),
                delay=number(delay, 0)))
            self.sleep(delay)

    def _call(self, call: Call, params: dict[str, Any]) -> Any:
        client = self.ctx.client(call.service)
        attempt = 0
        while True:
            attempt += 1
            self._pace(call)
            try:
                response = getattr(client, call.method)(**params)
                if call.service == "lambda" and call.method == "invoke":
                    response = invocation_result(response, str(params.get("FunctionName")))
                if call.tombstone:
                    remember_deleted(call.tombstone)
                return response
            except AwsFailure:
                raise
            except Exception as exc:
                code = error_code(exc)
                if code and code in call.gone_ok:
                    return None
                if call.retry and call.retry.should_retry(code, str(exc), attempt):
                    delay = call.retry.wait(attempt)
                    self.notify(_("{call}: {why}; retrying in {delay} s (attempt {attempt}/{attempts}, at most "
                                  "{minutes} min)").format(
                        call=f"{call.service}.{call.method}", why=_(call.retry.why) if call.retry.why else code,
                        delay=_short(delay), attempt=attempt + 1,
                        attempts=call.retry.attempts, minutes=number(call.retry.budget() / 60, 0)))
                    self.sleep(delay)
                    continue
                raise translate(exc, f"{call.service}.{call.method}", self.ctx.is_local) from exc


def _short(value: float) -> str:
    """A number of seconds as ``:g`` writes it (30, 2.5), in the reader's notation (2,5 in French)."""
    return number(value, 0) if value == int(value) else number(value, 2).rstrip("0")


class DisplayExecutor(Executor):
    """Runs nothing: collects the calls so ``--dry-run`` can show the plan."""

    dry_run = True

    def __init__(self, ctx: DeployContext, sleep: Callable[[float], None] | None = None) -> None:
        super().__init__(ctx, sleep or time.sleep)
        self.shown: list[Step] = []

    def run(self, calls: list[Step], on_record: OnRecord | None = None) -> dict[str, Any]:
        self.shown.extend(calls)
        return {}
