"""A class of 30 students on the embedded emulator: classroom setup, then classroom teardown.

Run: python3 bench/bench_class.py [--students 30] [--parallel 4 8]

One emulator in a fresh CODECRAFT_HOME, a roster CSV of 30 students. For each --parallel value
(default: 4, the command's default, then 8), one row:
  `codecraft classroom setup anycompany-orders --roster R --json [--parallel N]`: wall time and
  the number of students whose status is "done" (target: <= 60 s, no failure);
  `codecraft classroom teardown anycompany-orders --roster R --yes --json [--parallel N]`: wall
  time and its "remaining" list (must be empty).
The per-student "seconds" of the setup JSON give the median and slowest student; "CPU CLI /
emulator" is the CPU time of the codecraft process and of the emulator's process (Linux /proc)
during the command: with 2 cores, their sum against the wall time shows what bounds the class.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from _bench import Codecraft, machine_note, median, print_list, table

NAMES = ["alice", "bob", "chloe", "david", "emma", "farid", "gabriel", "hugo", "ines", "jules", "karim", "lea",
         "manon", "nathan", "oceane", "paul", "quentin", "rose", "sami", "theo", "ugo", "victor", "wassim",
         "xavier", "yasmine", "zoe", "adam", "lina", "noah", "sarah", "louis", "jade"]


def secs1(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def arg_values(flag: str, default: list[int]) -> list[int]:
    if flag not in sys.argv:
        return default
    values = []
    for item in sys.argv[sys.argv.index(flag) + 1:]:
        if item.startswith("--"):
            break
        values.append(int(item))
    return values or default


def main() -> int:
    count = arg_values("--students", [30])[0]
    parallels = arg_values("--parallel", [4, 8])
    students = NAMES[:count] + [f"student{i:02d}" for i in range(len(NAMES), count)]
    cc = Codecraft()
    roster = Path(cc.home) / "students.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "email"])
        for name in students:
            writer.writerow([name, f"{name}@example.edu"])

    rows: list[list[Any]] = []
    problems: list[str] = []
    print(f"machine at start: {machine_note()}")
    try:
        start = cc.run("local", "start", check=True)
        print(f"codecraft local start: {start.seconds:.2f} s · roster {roster} ({len(students)} students)")
        for parallel in parallels:
            opts = [] if parallel == 4 else ["--parallel", str(parallel)]
            up = cc.run("classroom", "setup", "anycompany-orders", "--roster", str(roster), *opts, timeout=1800)
            runs = (up.data or {}).get("students", [])
            done = [r for r in runs if r.get("status") == "done"]
            failed = [r for r in runs if r.get("status") != "done"]
            per = [r.get("seconds") or 0.0 for r in runs]
            for r in failed:
                problems.append(f"setup --parallel {parallel}: {r.get('student')} {r.get('status')}: {r.get('error')}")
            if up.rc != 0 and not failed:
                problems.append(f"setup --parallel {parallel}: rc={up.rc} {up.stderr.strip()[-400:]}")
            print(f"  --parallel {parallel}: setup {up.seconds:.2f} s, {len(done)}/{len(students)} done", flush=True)

            down = cc.run("classroom", "teardown", "anycompany-orders", "--roster", str(roster), "--yes", *opts,
                          timeout=1800)
            remaining = (down.data or {}).get("remaining")
            down_runs = (down.data or {}).get("students", [])
            down_failed = [r for r in down_runs if r.get("status") != "done"]
            for r in down_failed:
                problems.append(f"teardown --parallel {parallel}: {r.get('student')} {r.get('status')}: "
                                f"{r.get('error')}")
            if down.rc != 0 or remaining:
                problems.append(f"teardown --parallel {parallel}: rc={down.rc} remaining={remaining} "
                                f"{down.stderr.strip()[-400:]}")
            print(f"  --parallel {parallel}: teardown {down.seconds:.2f} s, remaining {remaining}", flush=True)
            rows.append([
                parallel, f"{up.seconds:.1f} s", f"{len(done)}/{len(students)}", len(failed),
                f"{median(per):.1f} s" if per else "-", f"{max(per):.1f} s" if per else "-",
                f"{len(students) / up.seconds * 60:.0f}" if up.seconds else "-",
                f"{up.cpu:.1f} s / {secs1(up.server_cpu)}",
                f"{down.seconds:.1f} s", f"{down.cpu:.1f} s / {secs1(down.server_cpu)}",
                "[]" if remaining == [] else (len(remaining) if remaining else "?"),
            ])
        print()
        print(table(["--parallel", "setup wall", "done", "failed", "per student (median)", "slowest student",
                     "students/min", "setup CPU CLI / emulator", "teardown wall", "teardown CPU CLI / emulator",
                     "remaining"], rows))
        print(f"\nlocal start: {start.seconds:.2f} s · machine at end: {machine_note()}")
    finally:
        cc.close()
    print_list("PROBLEMS", problems)
    return 0


if __name__ == "__main__":
    sys.exit(main())
