"""Shared helpers of the CLI benchmarks: an isolated CODECRAFT_HOME, timed codecraft subprocesses.

Every benchmark runs the installed `codecraft` command as a subprocess (what a teacher types),
with CODECRAFT_HOME set to a fresh temporary directory, and stops its emulator at the end.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    args: tuple[str, ...]
    seconds: float  # wall time of the subprocess
    rc: int
    data: Any  # parsed JSON of stdout, or None
    stderr: str
    cpu: float = 0.0  # user + system CPU of the codecraft process (and what it waited for)
    server_cpu: float | None = None  # user + system CPU the emulator process spent meanwhile


    def field(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default


def ensure_bytecode() -> None:
    """Compile codecraft's modules, as installing a wheel does.

    An editable install compiles them on first import, unless PYTHONDONTWRITEBYTECODE is set
    (then every command would compile ≈60 modules again, ≈70 ms, which no installed copy pays).
    """
    import compileall

    compileall.compile_dir(str(ROOT / "codecraft_cli"), quiet=1)


class Codecraft:
    """One isolated codecraft home (and so one emulator)."""

    def __init__(self, prefix: str = "codecraft-bench-") -> None:
        ensure_bytecode()
        self.home = tempfile.mkdtemp(prefix=prefix)
        self.env = {**os.environ, "CODECRAFT_HOME": self.home, "CODECRAFT_TARGET": "local"}
        self.env.pop("AWS_PROFILE", None)
        self.server_pid: int | None = None  # the emulator's process, once `local start` said it

    def run(self, *args: str, json_out: bool = True, check: bool = False, timeout: float = 900) -> Run:
        cmd = ["codecraft", *args, *(["--json"] if json_out else [])]
        server0 = process_cpu(self.server_pid)
        usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=self.env, stdin=subprocess.DEVNULL,
                             timeout=timeout, check=False)
        seconds = time.perf_counter() - start
        usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        server1 = process_cpu(self.server_pid)
        cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
        try:
            data = json.loads(out.stdout) if out.stdout.strip() else None
        except json.JSONDecodeError:
            data = None
        run = Run(tuple(args), seconds, out.returncode, data, out.stderr, cpu,
                  None if server0 is None or server1 is None else server1 - server0)
        if args[:2] == ("local", "start") and isinstance(data, dict) and data.get("pid"):
            self.server_pid = int(data["pid"])
        if check and out.returncode != 0:
            raise RuntimeError(f"codecraft {' '.join(args)} exited {out.returncode}:\n{out.stderr[-2000:]}")
        return run

    def close(self) -> None:
        """Tear down whatever is left, stop the emulator, remove the temporary home."""
        try:
            self.run("teardown", "--all", "--yes", timeout=600)
        finally:
            stop = self.run("local", "stop", timeout=120)
            if self.server_pid and process_cpu(self.server_pid) is not None and stop.rc != 0:
                # `local stop` failed (e.g. the CLI is broken): end our own emulator by its id
                print(f"`codecraft local stop` exited {stop.rc}; sending SIGTERM to the emulator "
                      f"(pid {self.server_pid})", file=sys.stderr)
                os.kill(self.server_pid, signal.SIGTERM)
                time.sleep(2)
            shutil.rmtree(self.home, ignore_errors=True)


def process_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of a running process (Linux /proc), None if unknown."""
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None) -> str:
    """A plain-text table (also valid Markdown) with aligned columns."""
    right = right if right is not None else set(range(1, len(headers)))
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.rjust(w) if i in right else v.ljust(w)
                                 for i, (v, w) in enumerate(zip(values, widths))) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in cells)])


def secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def machine_note() -> str:
    """Cores and load average: other work on the machine shows in every figure."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.2f} (1 min) / {five:.2f} (5 min)"


def print_list(title: str, items: list[str]) -> None:
    """What went wrong during a benchmark, after its tables (nothing when the list is empty)."""
    if items:
        print(f"\n{title}:")
        for item in items:
            print(f"  - {item}")
