"""Every workshop of the catalogue on the embedded emulator: setup, rerun, test-api, teardown.

Run: python3 bench/bench_workshops.py            (needs the codecraft command and mariadb-server)

One emulator for the whole run, in a fresh CODECRAFT_HOME (so the Lambda build cache is cold:
the first setup of a function with dependencies includes its `pip install`). For each workshop,
in dependency order, its prerequisites are set up first (untimed, if not already there), then:
`codecraft setup W --yes --json` (wall time and the "api_calls" it reports), the same command
again (nothing to change), one `codecraft test-api --workshop W --json` with the default payload.
Then every workshop is torn down, dependants first (workshop3, workshop2, workshop1, ...), with
`codecraft teardown W --yes --json`. "engine" is the time the command reports for its own work
("seconds" in the setup JSON; for test-api the request's "elapsed_ms"); wall minus engine is
process start, imports, workshop loading and state I/O. "CLI CPU" is the CPU time of the codecraft
process, "emulator CPU" the CPU time the emulator's process spent during the command (Linux /proc).
"""

from __future__ import annotations

import sys
from typing import Any

from _bench import Codecraft, Run, machine_note, median, print_list, secs, table


def closure(workshop: str, requires: dict[str, list[str]]) -> list[str]:
    """Prerequisites of ``workshop``, deepest first."""
    out: list[str] = []
    for req in requires.get(workshop, []):
        for dep in [*closure(req, requires), req]:
            if dep not in out:
                out.append(dep)
    return out


def dependency_order(ids: list[str], requires: dict[str, list[str]]) -> list[str]:
    order: list[str] = []
    for wid in ids:
        for dep in [*closure(wid, requires), wid]:
            if dep not in order:
                order.append(dep)
    return order


def main() -> int:
    cc = Codecraft()
    failures: list[str] = []
    results: dict[str, dict[str, Run | None]] = {}
    try:
        catalogue = cc.run("workshops", check=True).data
        ids = [w["id"] for w in catalogue]
        requires = {w["id"]: list(w.get("requires") or []) for w in catalogue}
        order = dependency_order(ids, requires)

        print(f"machine at start: {machine_note()}")
        start = cc.run("local", "start", check=True)
        floor = [cc.run("local", "status").seconds for _ in range(3)]
        print(f"codecraft local start: {start.seconds:.2f} s  (CODECRAFT_HOME={cc.home})")
        print(f"CLI floor (`codecraft local status --json`, median of 3): {median(floor):.2f} s")

        deployed: set[str] = set()
        for wid in order:
            for dep in closure(wid, requires):
                if dep not in deployed:
                    pre = cc.run("setup", dep, "--yes")
                    if pre.rc != 0:
                        failures.append(f"prerequisite setup {dep} for {wid}: rc={pre.rc} {pre.stderr[-300:]}")
                    deployed.add(dep)
            first = cc.run("setup", wid, "--yes")
            deployed.add(wid)
            rerun = cc.run("setup", wid, "--yes")
            api = cc.run("test-api", "--workshop", wid)
            results[wid] = {"setup": first, "rerun": rerun, "test-api": api, "teardown": None}
            for name, run in (("setup", first), ("rerun", rerun)):
                if run.rc != 0:
                    failures.append(f"{name} {wid}: rc={run.rc} {run.stderr.strip()[-300:]}")
            if rerun.rc == 0 and (rerun.field("created") or rerun.field("updated")):
                failures.append(f"rerun {wid} changed something: {rerun.field('created')} created, "
                                f"{rerun.field('updated')} updated")
            print(f"  {wid}: setup {first.seconds:.2f} s, rerun {rerun.seconds:.2f} s, "
                  f"test-api {api.seconds:.2f} s (rc {api.rc})", flush=True)

        # dependants first: a workshop is torn down after everything that requires it
        for wid in reversed(order):
            down = cc.run("teardown", wid, "--yes")
            results.setdefault(wid, {})["teardown"] = down
            if down.rc != 0 or down.field("remaining"):
                failures.append(f"teardown {wid}: rc={down.rc} remaining={down.field('remaining')} "
                                f"{down.stderr.strip()[-300:]}")
            print(f"  {wid}: teardown {down.seconds:.2f} s", flush=True)

        print()
        summary: list[list[Any]] = []
        for wid in order:
            r = results[wid]
            rows = []
            for op in ("setup", "rerun", "test-api", "teardown"):
                run = r.get(op)
                if run is None:
                    rows.append([op, "-", "-", "-", "-", "-", "not run"])
                    continue
                if op in ("setup", "rerun"):
                    engine = run.field("seconds")
                    calls = run.field("api_calls", "-")
                    outcome = (f"{run.field('created', 0)} created, {run.field('updated', 0)} updated, "
                               f"{run.field('unchanged', 0)} unchanged") if run.rc == 0 else f"FAILED rc={run.rc}"
                    slow = max(run.field("resources") or [], key=lambda x: x.get("seconds") or 0, default=None)
                    if slow and op == "setup":
                        outcome += f"; slowest: {slow['type']} {slow['name']} {slow['seconds']:.1f} s"
                elif op == "test-api":
                    engine = (run.field("elapsed_ms") or 0) / 1000 if run.field("elapsed_ms") is not None else None
                    calls = "-"
                    if run.field("status") is not None:
                        outcome = f"HTTP {run.field('status')}"
                    else:
                        said = [ln for ln in run.stderr.strip().splitlines() if ln.startswith("Error")]
                        outcome = f"n/a: rc {run.rc}, {said[0] if said else 'no JSON'}"
                else:
                    engine = None
                    calls = run.field("api_calls", "-")
                    outcome = (f"{len(run.field('deleted') or [])} deleted, "
                               f"{len(run.field('remaining') or [])} remaining") if run.rc == 0 else f"FAILED rc={run.rc}"
                rows.append([op, f"{run.seconds:.2f} s", secs(engine), f"{run.cpu:.2f} s", secs(run.server_cpu),
                             calls, outcome])
            print(f"### {wid}")
            print(table(["command", "wall", "engine / request", "CLI CPU", "emulator CPU", "api_calls", "result"],
                        rows, right={1, 2, 3, 4, 5}))
            print()
            s, re_, api, down = r["setup"], r["rerun"], r["test-api"], r["teardown"]
            summary.append([wid, f"{s.seconds:.2f} s", s.field("api_calls", "-"), f"{re_.seconds:.2f} s",
                            re_.field("api_calls", "-"),
                            f"{api.seconds:.2f} s" if api.field("status") is not None else "n/a",
                            f"{down.seconds:.2f} s" if down else "-", down.field("api_calls", "-") if down else "-"])
        print("### all workshops")
        print(table(["workshop", "setup", "calls", "rerun", "calls", "test-api", "teardown", "calls"], summary))
        print(f"\nlocal start: {start.seconds:.2f} s · CLI floor: {median(floor):.2f} s")
        print(f"machine at end: {machine_note()}")
    finally:
        cc.close()
    print_list("FAILURES", failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
