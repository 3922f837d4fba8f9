"""The one botocore Stubber harness: a workshop's real plans through the real Executor.

moto accepts requests that AWS refuses (or silently ignores what AWS would use), so the
request-shape tests run the real plans of a workshop's resources through the real Executor
against stubbed clients in a non-us-east-1 region, and write every expected request out
literally. The Stubber also validates each request against the service model before it is
"sent"; every request is captured in order (``sent``) and the Executor's sleeps recorded
(``sleeps``) instead of slept.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from codecraft_cli.aws.clients import Clients, Target
from codecraft_cli.engine.context import DeployContext
from codecraft_cli.engine.executor import Executor
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed, Step, Wait
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.model import resolve

REGION = "eu-west-3"
ACCOUNT = "111122223333"
# every service a handler's plan may call: a call to any other would reach no stub and fail
SERVICES = ("apigateway", "cognito-idp", "dynamodb", "ec2", "iam", "lambda", "rds", "secretsmanager", "sns",
            "sqs")


def steps(plan: list[Any]) -> list[str]:
    """A plan's API methods, waits as ``wait:<waiter>``."""
    return [f"wait:{c.waiter}" if isinstance(c, Wait) else c.method for c in plan]


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key path, leaf value) of nested params, with the keys themselves as leaves too."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")
    else:
        yield path, value


@dataclass
class Harness:
    ctx: DeployContext
    outputs: dict[str, dict[str, Any]]
    stubbers: dict[str, Stubber]
    sleeps: list[float] = field(default_factory=list)
    sent: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def stub(self, service: str) -> Stubber:
        return self.stubbers[service]

    def executor(self) -> Executor:
        return Executor(self.ctx, sleep=self.sleeps.append)

    def plan(self, logical_id: str, observed: Observed | None = None,
             extra: dict[str, dict[str, Any]] | None = None) -> tuple[Any, Any, dict, list[Step]]:
        """The handler, resource, resolved properties and plan of one resource of the workshop
        (``extra``: outputs of other resources, beside the workshop's)."""
        res = self.ctx.workshop.resource(logical_id)
        props = resolve(res.properties, {**self.outputs, **(extra or {})})
        handler = handler_for(res.type)
        calls = handler.plan(self.ctx, res, props, observed or Observed(False))
        return handler, res, props, calls

    def sent_ops(self) -> list[str]:
        return [op for _, op, _ in self.sent]

    def sent_params(self, operation: str) -> list[dict[str, Any]]:
        return [params for _, op, params in self.sent if op == operation]

    def assert_done(self) -> None:
        for stubber in self.stubbers.values():
            stubber.assert_no_pending_responses()


@contextmanager
def stubbed(workshop: str, outputs: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
            tmp_path: Path) -> Iterator[Harness]:
    """A deploy context for ``workshop`` on AWS (REGION, ACCOUNT) whose clients are all stubbed;
    CODECRAFT_HOME is ``tmp_path/home`` (built zips land in ``home/build``)."""
    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    target = Target("aws", REGION)
    clients = Clients(target)
    clients._account_id = ACCOUNT
    harness = Harness(ctx=None, outputs=outputs, stubbers={})  # type: ignore[arg-type]

    def capture(params: dict[str, Any], model: Any, **_: Any) -> None:
        harness.sent.append((model.service_model.service_name, model.name, dict(params)))

    for service in SERVICES:
        client = boto3.client(service, region_name=REGION, aws_access_key_id="x",
                              aws_secret_access_key="y")
        client.meta.events.register("before-parameter-build.*.*", capture)
        clients._clients[service] = client
        harness.stubbers[service] = Stubber(client)
        harness.stubbers[service].activate()
    harness.ctx = DeployContext(load_workshop(workshop), target, clients)
    try:
        yield harness
    finally:
        for stubber in harness.stubbers.values():
            stubber.deactivate()
