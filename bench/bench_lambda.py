"""Warm Lambda execution environments on the emulator, against a cold start on every call.

Run: python3 bench/bench_lambda.py [--students 10] [--calls 6]   (needs mariadb-server)

Two emulators in the same run, each in a fresh CODECRAFT_HOME: one as shipped (environments
kept warm, CODECRAFT_LAMBDA_WARM_SECONDS unset), one started with CODECRAFT_LAMBDA_WARM_SECONDS=0
(a new interpreter and a fresh import for every invocation: the baseline). On each:
  1. `codecraft setup anycompany-orders` and `codecraft setup workshop2`, then --calls times
     `codecraft test-api` on each workshop: the request's own time ("elapsed_ms" of the JSON,
     i.e. through the gateway, the authorizer and the function), first call and the median of
     the others;
  2. `codecraft classroom setup anycompany-orders` for --students students, then
     `codecraft classroom verify` for them (timed: what a teacher waits for at the end of a lab).
Ratios are baseline / warm.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path
from typing import Any

from _bench import Codecraft, machine_note, median, table


def arg(flag: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(flag) + 1]) if flag in sys.argv else default


def measure(cc: Codecraft, students: int, calls: int) -> dict[str, Any]:
    cc.run("local", "start", check=True)
    out: dict[str, Any] = {}
    for workshop in ("anycompany-orders", "workshop2"):
        cc.run("setup", workshop, "--yes", check=True)
        times = []
        for _ in range(calls):
            answer = cc.run("test-api", "--workshop", workshop, check=True)
            times.append(float(answer.field("elapsed_ms")))
        out[workshop] = (times[0], median(times[1:]))
    roster = Path(cc.home) / "roster.csv"
    with roster.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student"])
        writer.writerows([[f"student{i:02d}"] for i in range(students)])
    cc.run("classroom", "setup", "anycompany-orders", "--roster", str(roster), check=True)
    verify = cc.run("classroom", "verify", "anycompany-orders", "--roster", str(roster), check=True)
    rows = verify.data.get("students", []) if isinstance(verify.data, dict) else []
    out["verify"] = (verify.seconds, verify.cpu, verify.server_cpu,
                     sum(1 for r in rows if r.get("passed") == r.get("total") and r.get("total")), len(rows))
    cc.run("classroom", "teardown", "anycompany-orders", "--roster", str(roster), "--yes", check=True)
    return out


def main() -> int:
    students, calls = arg("--students", 10), arg("--calls", 6)
    print(f"machine at start: {machine_note()}")
    results = {}
    for label, warm in (("warm (as shipped)", None), ("cold every call", "0")):
        cc = Codecraft()
        if warm is not None:
            cc.env["CODECRAFT_LAMBDA_WARM_SECONDS"] = warm
        else:
            cc.env.pop("CODECRAFT_LAMBDA_WARM_SECONDS", None)
        try:
            results[label] = measure(cc, students, calls)
            print(f"  {label}: {results[label]}", flush=True)
        finally:
            cc.close()
    warm, cold = results["warm (as shipped)"], results["cold every call"]
    rows = []
    for workshop, fn in (("anycompany-orders", "ProcessOrder"), ("workshop2", "ManageProjects (MySQL)")):
        rows.append([f"test-api {workshop}: first call", f"{warm[workshop][0]:.0f} ms", f"{cold[workshop][0]:.0f} ms",
                     f"{cold[workshop][0] / warm[workshop][0]:.2f}x"])
        rows.append([f"test-api {workshop}: median of the next {calls - 1}", f"{warm[workshop][1]:.0f} ms",
                     f"{cold[workshop][1]:.0f} ms", f"{cold[workshop][1] / warm[workshop][1]:.2f}x"])
    rows.append([f"classroom verify, {students} students", f"{warm['verify'][0]:.1f} s", f"{cold['verify'][0]:.1f} s",
                 f"{cold['verify'][0] / warm['verify'][0]:.2f}x"])
    rows.append(["  CPU: CLI / emulator", f"{warm['verify'][1]:.1f} s / {warm['verify'][2] or 0:.1f} s",
                 f"{cold['verify'][1]:.1f} s / {cold['verify'][2] or 0:.1f} s", ""])
    rows.append(["  students passing every check", f"{warm['verify'][3]}/{warm['verify'][4]}",
                 f"{cold['verify'][3]}/{cold['verify'][4]}", ""])
    print()
    print(table(["", "warm environments", "cold every call", "cold / warm"], rows))
    print(f"\nmachine at end: {machine_note()}")
    return 0


if __name__ == "__main__":
    os.environ.pop("CODECRAFT_LAMBDA_WARM_SECONDS", None)
    sys.exit(main())
