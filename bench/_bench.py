"""Shared helpers of the CLI benchmarks: an isolated CODECRAFT_HOME, timed codecraft subprocesses.

Every benchmark runs the installed `codecraft` command as a subprocess (what a teacher types),
with CODECRAFT_HOME set to a fresh temporary directory, and stops its emulator at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
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

    def field(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default


class Codecraft:
    """One isolated codecraft home (and so one emulator)."""

    def __init__(self, prefix: str = "codecraft-bench-") -> None:
        self.home = tempfile.mkdtemp(prefix=prefix)
        self.env = {**os.environ, "CODECRAFT_HOME": self.home, "CODECRAFT_TARGET": "local"}
        self.env.pop("AWS_PROFILE", None)

    def run(self, *args: str, json_out: bool = True, check: bool = False, timeout: float = 900) -> Run:
        cmd = ["codecraft", *args, *(["--json"] if json_out else [])]
        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=self.env, stdin=subprocess.DEVNULL,
                             timeout=timeout, check=False)
        seconds = time.perf_counter() - start
        try:
            data = json.loads(out.stdout) if out.stdout.strip() else None
        except json.JSONDecodeError:
            data = None
        run = Run(tuple(args), seconds, out.returncode, data, out.stderr)
        if check and out.returncode != 0:
            raise RuntimeError(f"codecraft {' '.join(args)} exited {out.returncode}:\n{out.stderr[-2000:]}")
        return run

    def close(self) -> None:
        """Tear down whatever is left, stop the emulator, remove the temporary home."""
        try:
            self.run("teardown", "--all", "--yes", timeout=600)
        finally:
            self.run("local", "stop", timeout=120)
            shutil.rmtree(self.home, ignore_errors=True)


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
