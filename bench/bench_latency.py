"""Setup time under a latency model of real AWS, against the critical path.

Run: python3 bench/bench_latency.py [workshop1]   (needs mariadb-server)

The emulator is started with CODECRAFT_EMULATOR_LATENCY (RDS instances `creating` for R s,
functions `Pending` for L s, roles not assumable by Lambda for I s after creation). The
critical path is the longest chain of the workshop's dependency graph weighted by those
latencies (an RDS instance R; a function L, plus I when its role is created on the same path),
plus the setup time of the same workshop without the model (the tool's own work). The ratio
measured / critical path shows whether slow resources start first and everything else
overlaps them (target ≤ 1.15).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

R, L, I = 30.0, 4.0, 6.0
MODEL = f"rds={R:g},lambda={L:g},iam={I:g}"


def codecraft(home: str, *args: str, latency: str | None = None) -> Any:
    env = {**os.environ, "CODECRAFT_HOME": home}
    env.pop("CODECRAFT_EMULATOR_LATENCY", None)
    if latency:
        env["CODECRAFT_EMULATOR_LATENCY"] = latency
    out = subprocess.run(["codecraft", *args, "--json"], capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"codecraft {' '.join(args)} failed: {out.stderr[-500:]}")
    return json.loads(out.stdout)


def critical_latency(workshop_id: str) -> tuple[float, list[str]]:
    from codecraft_cli.workshop import load_workshop
    from codecraft_cli.workshop.model import dependency_order

    w = load_workshop(workshop_id)
    by_id = {r.id: r for r in w.resources}
    best: dict[str, tuple[float, list[str]]] = {}
    for res in dependency_order(w.resources):
        own = R if res.type == "rds.db_instance" else 0.0
        if res.type == "lambda.function":
            role = str(res.properties.get("role", "")).strip("${}").split(".")[0]
            own = L + (I if role in by_id else 0.0)
        before = max((best[d] for d in res.deps if d in best), default=(0.0, []), key=lambda b: b[0])
        best[res.id] = (before[0] + own, [*before[1], res.id])
    return max(best.values(), key=lambda b: b[0])


def run(workshop_id: str) -> None:
    plain_home, model_home = tempfile.mkdtemp(), tempfile.mkdtemp()
    try:
        codecraft(plain_home, "local", "start")
        plain = codecraft(plain_home, "setup", workshop_id, "--yes")
        codecraft(model_home, "local", "start", latency=MODEL)
        slow = codecraft(model_home, "setup", workshop_id, "--yes")
    finally:
        for home in (plain_home, model_home):
            subprocess.run(["codecraft", "teardown", "--all", "--yes"], env={**os.environ, "CODECRAFT_HOME": home},
                           capture_output=True, check=False)
            subprocess.run(["codecraft", "local", "stop"], env={**os.environ, "CODECRAFT_HOME": home},
                           capture_output=True, check=False)
    latency, path = critical_latency(workshop_id)
    critical = latency + plain["seconds"]
    first = min(slow["resources"], key=lambda r: r["started"] if r["type"] == "rds.db_instance" else 1e9)
    overlapped = [r["id"] for r in slow["resources"]
                  if r["type"] != "rds.db_instance" and r["started"] < first["started"] + first["seconds"]]
    print(f"latency model: {MODEL}")
    print(f"critical path: {' -> '.join(path)} = {latency:.0f} s of latency + {plain['seconds']:.1f} s of work "
          f"(setup without the model) = {critical:.1f} s")
    print(f"setup under the model: {slow['seconds']:.1f} s   ratio {slow['seconds'] / critical:.3f}")
    print(f"the RDS instance started at +{first['started']:.2f} s; {len(overlapped)} other resources were set up "
          f"while it was being created: {', '.join(overlapped)}")


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "workshop1")
