"""Setup and teardown: walk the resources as a dependency graph, concurrently.

Setup, for each resource once everything it references is done:
    resolve references -> prepare (build) -> observe (read-only) -> ownership check
    -> plan (pure) -> execute (or display, with --dry-run) -> record outputs.
Independent resources run at the same time; slow ones (RDS) are started first.

Teardown walks the recorded resources of a state file in reverse dependency order: a
resource is deleted once nothing still recorded depends on it. "Already gone" is success.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from ..aws.errors import translate
from ..errors import AwsFailure, CodecraftError
from ..i18n import _, ngettext
from ..resources import all_handlers, handler_for
from ..resources.plan import Step
from ..workshop.model import ResourceSpec, dependency_order, resolve
from .context import DeployContext
from .executor import Executor
from .state import StateStore

MAX_WORKERS = 8
# Resources that edit one shared thing (a bucket's notification document, a VPC's one endpoint
# per service) take turns across every deployment of the process (a class set up together).
_SHARED: dict[str, threading.Lock] = {}
_SHARED_LOCK = threading.Lock()


@dataclass
class ResourceResult:
    id: str
    type: str
    step: str
    name: str
    action: str  # created | updated | unchanged | deleted | gone | failed | planned
    calls: list[Step] = field(default_factory=list)
    seconds: float = 0.0
    started: float = 0.0  # seconds after the start of the run
    error: str | None = None
    note: str = ""  # why it waits (a "wait" event), or why a deletion kept it


Event = Callable[[str, ResourceResult], None]  # ("start"|"wait"|"done", result)



def _noop(kind: str, result: ResourceResult) -> None:
    return None


def run_graph(items: Iterable[str], deps: Mapping[str, Iterable[str]],
              work: Callable[[str], None], priority: Callable[[str], int] | None = None,
              workers: int = MAX_WORKERS) -> list[tuple[str, BaseException]]:
    """Run ``work(item)`` for every item once its deps are done; return the failures.

    An item whose dependency failed is not started. Lower priority values start first.
    """
    pending = list(items)
    needs = {item: set(deps.get(item, ())) & set(pending) for item in pending}
    done: set[str] = set()
    failed: dict[str, BaseException] = {}
    running: dict[Future[None], str] = {}
    order = priority or (lambda item: 0)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="codecraft") as pool:
        while pending or running:
            ready = [i for i in pending if needs[i] <= done]
            blocked = [i for i in pending if needs[i] & set(failed)]
            for item in blocked:
                pending.remove(item)
            for item in sorted(ready, key=order):
                if item in pending:
                    pending.remove(item)
                    running[pool.submit(work, item)] = item
            if not running:
                break
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                item = running.pop(future)
                exc = future.exception()
                if exc is None:
                    done.add(item)
                else:
                    failed[item] = exc
    return list(failed.items())


class Deployer:
    def __init__(self, ctx: DeployContext, state: StateStore, executor: Executor,
                 on_event: Event = _noop) -> None:
        self.ctx = ctx
        self.state = state
        self.executor = executor
        self.on_event = on_event
        self.outputs: dict[str, dict[str, Any]] = ctx.known_outputs(state.outputs)
        self.results: dict[str, ResourceResult] = {}
        self.t0 = time.monotonic()
        self._lock = threading.Lock()
        self._current = threading.local()  # the resource this thread works on (for "wait" events)
        executor.notify = self._waiting

    @staticmethod
    def _shared_lock(key: str | None) -> Any:
        if key is None:
            return contextlib.nullcontext()
        with _SHARED_LOCK:
            return _SHARED.setdefault(key, threading.Lock())

    def _waiting(self, message: str) -> None:
        result = getattr(self._current, "result", None)
        if result is not None:
            result.note = message
            self.on_event("wait", result)

    # -- setup -------------------------------------------------------------------------
    def setup(self, resources: list[ResourceSpec] | None = None) -> list[ResourceResult]:
        chosen = resources if resources is not None else list(self.ctx.workshop.resources)
        by_id = {res.id: res for res in chosen}
        ordered = dependency_order(tuple(chosen))
        position = {res.id: i for i, res in enumerate(ordered)}

        def priority(rid: str) -> int:
            return (0 if handler_for(by_id[rid].type).info.slow else 1) * 10_000 + position[rid]

        failures = run_graph([r.id for r in ordered], {r.id: r.deps for r in ordered},
                             lambda rid: self._setup_one(by_id[rid]), priority)
        self._raise_first(failures)
        return [self.results[r.id] for r in ordered if r.id in self.results]

    def _setup_one(self, res: ResourceSpec) -> None:
        handler = handler_for(res.type)
        name = handler.name(self.ctx, res) if handler.info.named else res.id
        result = ResourceResult(res.id, res.type, res.step, name, "planned")
        with self._tracking(result, f"{_(handler.info.console)}: {name}"):
            with self._lock:
                props = resolve(res.properties, self.outputs)
            handler.prepare(self.ctx, res, props)
            with self._shared_lock(handler.serialize_key(props)):
                observed, calls, results = self._converge(handler, res, name, props)
            outputs = handler.resolve_outputs(self.ctx, res, props, observed, results)
            if not self.executor.dry_run and (observed.exists or calls):
                self.state.record(res.id, res.type, res.step, list(res.deps),
                                  handler.physical_id(outputs), outputs)
            with self._lock:
                self.outputs[res.id] = outputs
            if self.executor.dry_run:
                result.action = "planned" if calls else "unchanged"
            else:
                result.action = "unchanged" if not calls else ("updated" if observed.exists else "created")
            result.calls = calls

    @contextlib.contextmanager
    def _tracking(self, result: ResourceResult, what: str) -> Iterator[None]:
        """Announce ``result``, time it, record it; if the work fails, mark it failed with the
        error's message (a botocore error translated, naming ``what``)."""
        self.on_event("start", result)
        started = time.monotonic()
        result.started = started - self.t0
        self._current.result = result
        try:
            yield
        except BaseException as exc:
            result.action = "failed"
            if type(exc).__module__.startswith("botocore"):
                exc = translate(exc, what, self.ctx.is_local)
            result.error = getattr(exc, "message", None) or str(exc)
            raise exc
        finally:
            self._current.result = None
            result.seconds = time.monotonic() - started
            with self._lock:
                self.results[result.id] = result
            self.on_event("done", result)

    def _converge(self, handler: Any, res: ResourceSpec, name: str,
                  props: Mapping[str, Any]) -> tuple[Any, list[Step], dict[str, Any]]:
        """Observe, check ownership, plan and execute one resource; record it as it is created."""
        observed = handler.observe(self.ctx, res, props)
        if observed.exists and handler.info.taggable and not self.ctx.owns(observed.tags):
            raise AwsFailure(
                _("{console}: {name} already exists and does not belong to this deployment ({deployment}); "
                  "codecraft will not take it over.").format(console=_(handler.info.console), name=name,
                                                             deployment=self.ctx.deployment),
                hint=_("Delete or rename that resource, or use --student to deploy under other names."),
            )
        calls = handler.plan(self.ctx, res, props, observed)

        def record(results: Mapping[str, Any]) -> None:
            outputs = handler.resolve_outputs(self.ctx, res, props, observed, results)
            self.state.record(res.id, res.type, res.step, list(res.deps),
                              handler.physical_id(outputs), outputs)

        results = self.executor.run(calls, on_record=record)
        return observed, calls, results

    # -- teardown ----------------------------------------------------------------------
    def teardown(self) -> list[ResourceResult]:
        records = dict(self.state.resources)
        # reverse edges: a resource waits for everything that depends on it
        dependents: dict[str, set[str]] = {rid: set() for rid in records}
        for rid, rec in records.items():
            for dep in rec.get("deps", []):
                if dep in dependents:
                    dependents[dep].add(rid)
        failures = run_graph(list(records), dependents, lambda rid: self._delete_one(rid, records[rid]))
        self._raise_first(failures)
        return [self.results[rid] for rid in records if rid in self.results]

    def _delete_one(self, rid: str, record: Mapping[str, Any]) -> None:
        handlers = all_handlers()
        result = ResourceResult(rid, record["type"], record.get("step", ""),
                                str(record.get("outputs", {}).get("name") or rid), "deleted")
        with self._tracking(result, _("deleting {type} {name}").format(type=result.type, name=result.name)):
            handler = handlers.get(record["type"])
            if handler is None:
                raise AwsFailure(_("Unknown resource type {type} in {path}.").format(type=record["type"],
                                                                                     path=self.state.path),
                                 hint=_("Upgrade codecraft, or delete the resource by hand."))
            if handler.info.lookup:  # found, not made (a default VPC): forgotten, never deleted
                if not self.executor.dry_run:
                    self.state.remove(rid)
                result.action = "kept"
                return
            with self._shared_lock(handler.serialize_key(record.get("outputs", {}))):
                found = handler.observe_for_delete(self.ctx, record)
                calls = handler.plan_delete(record, found)
                result.calls = calls
                self.executor.run(calls)
            if not self.executor.dry_run:
                self.state.remove(rid)
            kept = handler.kept(record, found)
            result.note = kept or ""
            result.action = "planned" if self.executor.dry_run else ("kept" if kept else "deleted")

    @staticmethod
    def _raise_first(failures: list[tuple[str, BaseException]]) -> None:
        if not failures:
            return
        rid, exc = failures[0]
        if isinstance(exc, CodecraftError):
            more = len(failures) - 1
            if more:
                message = ngettext("{id}: {message} ({count} more failed)", "{id}: {message} ({count} more failed)",
                                   more).format(id=rid, message=exc.message, count=more)
            else:
                message = f"{rid}: {exc.message}"
            raise type(exc)(message, exc.hint) from exc
        raise exc
