"""The graph scheduler, the executor's substitutions and retries, the state store."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from codecraft_cli.aws.errors import response_error
from codecraft_cli.engine.deploy import run_graph
from codecraft_cli.engine.executor import Executor, substitute
from codecraft_cli.engine.state import StateStore
from codecraft_cli.errors import AwsFailure
from codecraft_cli.aws.retry import IAM_PROPAGATION
from codecraft_cli.resources.base import Call, Var


def test_graph_respects_dependencies_and_runs_independent_items_together() -> None:
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    lock = threading.Lock()

    def work(item: str) -> None:
        with lock:
            started[item] = time.monotonic()
        time.sleep(0.2)
        with lock:
            finished[item] = time.monotonic()

    t0 = time.monotonic()
    failures = run_graph(["a", "b", "c", "d"], {"c": ["a", "b"], "d": ["c"]}, work)
    assert failures == []
    assert started["c"] >= max(finished["a"], finished["b"])
    assert started["d"] >= finished["c"]
    assert abs(started["a"] - started["b"]) < 0.1  # a and b overlapped
    assert time.monotonic() - t0 < 0.75  # 3 waves of 0.2 s, not 4


def test_graph_starts_slow_items_first_and_skips_dependants_of_a_failure() -> None:
    order: list[str] = []

    def work(item: str) -> None:
        order.append(item)
        if item == "bad":
            raise RuntimeError("boom")

    failures = run_graph(["x", "bad", "rds", "after_bad"], {"after_bad": ["bad"]}, work,
                         priority=lambda i: 0 if i == "rds" else 1, workers=1)
    assert order[0] == "rds"
    assert [item for item, _ in failures] == ["bad"]
    assert "after_bad" not in order


def test_substitute_reads_earlier_results() -> None:
    results = {"created": {"items": [{"id": "root"}], "id": "r1"}}
    value = {"a": Var("created", ("id",)), "b": [Var("created", ("items", "0", "id"))], "c": 3}
    assert substitute(value, results) == {"a": "r1", "b": ["root"], "c": 3}


class FakeClient:
    """Answers from a script of (method, result-or-exception)."""

    def __init__(self, script: list[tuple[str, Any]]) -> None:
        self.script = list(script)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, method: str) -> Any:
        def call(**params: Any) -> Any:
            self.calls.append((method, params))
            expected, result = self.script.pop(0)
            assert expected == method
            if isinstance(result, BaseException):
                raise result
            return result
        return call


class Ctx:
    is_local = False

    def __init__(self, client: FakeClient) -> None:
        self._client = client
        self.sleep = lambda s: None

    def client(self, service: str) -> FakeClient:
        return self._client


def test_executor_records_right_after_the_creating_call_and_substitutes_vars() -> None:
    client = FakeClient([("create_rest_api", {"id": "api1"}), ("get_resources", {"items": []})])
    recorded: list[dict[str, Any]] = []
    calls = [Call("apigateway", "create_rest_api", {"name": "A"}, output="created", records=True),
             Call("apigateway", "get_resources", {"restApiId": Var("created", ("id",))})]

    def on_record(results: Any) -> None:
        recorded.append(dict(results))
        assert len(client.calls) == 1  # recorded before the next call

    Executor(Ctx(client)).run(calls, on_record)  # type: ignore[arg-type]
    assert recorded == [{"created": {"id": "api1"}}]
    assert client.calls[1] == ("get_resources", {"restApiId": "api1"})


def test_executor_treats_gone_as_done_and_translates_other_errors() -> None:
    client = FakeClient([("delete_table", response_error("ResourceNotFoundException")),
                         ("delete_queue", response_error("AccessDenied", "not allowed"))])
    ex = Executor(Ctx(client))  # type: ignore[arg-type]
    assert ex.run([Call("dynamodb", "delete_table", {"TableName": "T"}, gone_ok=("ResourceNotFoundException",))]) == {}
    with pytest.raises(AwsFailure) as err:
        ex.run([Call("sqs", "delete_queue", {"QueueUrl": "u"})])
    assert "sqs.delete_queue failed: AccessDenied: not allowed" in err.value.message
    assert "doctor" in (err.value.hint or "")


def test_executor_retries_role_propagation_with_injected_sleep_then_gives_up() -> None:
    not_yet = response_error("InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")
    client = FakeClient([("create_function", not_yet)] * 3 + [("create_function", {"FunctionArn": "arn"})])
    sleeps: list[float] = []
    ex = Executor(Ctx(client), sleep=sleeps.append)  # type: ignore[arg-type]
    out = ex.run([Call("lambda", "create_function", {}, output="f", retry=IAM_PROPAGATION)])
    assert out == {"f": {"FunctionArn": "arn"}}
    assert sleeps == [1.0, 2.0, 3.0]
    client = FakeClient([("create_function", not_yet)] * 60)
    with pytest.raises(AwsFailure, match="cannot be assumed"):
        Executor(Ctx(client), sleep=lambda s: None).run(  # type: ignore[arg-type]
            [Call("lambda", "create_function", {}, retry=IAM_PROPAGATION)])
    assert len(client.calls) == 60


def test_state_writes_are_atomic_and_the_file_goes_when_empty(tmp_path: Any) -> None:
    path = tmp_path / "state" / "local-us-east-1-w.json"
    store = StateStore(path, {"workshop": "w"})
    store.record("t", "dynamodb.table", "table", [], "arn:t", {"name": "T", "arn": "arn:t"})
    on_disk = json.loads(path.read_text())
    assert on_disk["resources"]["t"]["outputs"] == {"name": "T", "arn": "arn:t"}
    assert not list(path.parent.glob(".state-*"))  # no temporary file left
    assert StateStore(path).resources["t"]["id"] == "arn:t"
    store.remove("t")
    assert not path.exists()
