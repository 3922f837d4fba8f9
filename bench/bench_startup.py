"""Start-up: `codecraft --help` against `aws --version`, in the same run.

Run: python3 bench/bench_startup.py   (installs the AWS CLI v1 into /tmp/bench-awscli if `aws` is absent)

Each command is run 15 times; the medians are compared (target: codecraft ≤ 0.25 s and at
least 2× faster than the AWS CLI's own start-up).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15


def aws_cli() -> str:
    found = shutil.which("aws")
    if found:
        return found
    venv = Path("/tmp/bench-awscli")
    if not (venv / "bin" / "aws").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "awscli"], check=True)
    return str(venv / "bin" / "aws")


def median_seconds(cmd: list[str]) -> float:
    subprocess.run(cmd, capture_output=True, check=False)  # warm the file cache
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    codecraft = shutil.which("codecraft") or "codecraft"
    ours = median_seconds([codecraft, "--help"])
    theirs = median_seconds([aws_cli(), "--version"])
    print(f"codecraft --help   {ours * 1000:7.0f} ms (median of {RUNS})")
    print(f"aws --version      {theirs * 1000:7.0f} ms (median of {RUNS})")
    print(f"ratio              {theirs / ours:7.2f}x faster")


if __name__ == "__main__":
    main()
