"""Start-up: `codecraft --help` against `aws --version`, in the same run.

Run: python3 bench/bench_startup.py   (installs the AWS CLI v1 into /tmp/bench-awscli if `aws` is absent)
     python3 bench/bench_startup.py --baseline REV   (also: this checkout against git revision REV)

Each command is run 15 times; the medians are compared (target: codecraft ≤ 0.25 s and at
least 2× faster than the AWS CLI's own start-up). With ``--baseline``, REV is checked out in a
temporary worktree and both are started the same way (``python3 -m codecraft_cli --help`` with
the checkout first on ``PYTHONPATH``, bytecode compiled first, as a wheel install has it),
their runs interleaved so that the machine's load weighs on both alike.
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


def interleaved_medians(commands: dict[str, tuple[list[str], dict[str, str]]]) -> dict[str, float]:
    """Each command RUNS times, taking turns; the median of each."""
    import os

    times: dict[str, list[float]] = {name: [] for name in commands}
    for cmd, extra in commands.values():
        subprocess.run(cmd, capture_output=True, check=False, env={**os.environ, **extra})
    for _ in range(RUNS):
        for name, (cmd, extra) in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False, env={**os.environ, **extra})
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def against_baseline(rev: str) -> None:
    import compileall
    import tempfile

    here = Path(__file__).resolve().parents[1]
    base = Path(tempfile.mkdtemp(prefix="bench-baseline-")) / "tree"
    subprocess.run(["git", "-C", str(here), "worktree", "add", "--detach", str(base), rev],
                   check=True, capture_output=True)
    try:
        for tree in (here, base):
            compileall.compile_dir(str(tree / "codecraft_cli"), quiet=1)
        cmd = [sys.executable, "-m", "codecraft_cli", "--help"]
        medians = interleaved_medians({"this checkout": (cmd, {"PYTHONPATH": str(here)}),
                                       rev: (cmd, {"PYTHONPATH": str(base)})})
    finally:
        subprocess.run(["git", "-C", str(here), "worktree", "remove", "--force", str(base)], capture_output=True)
    ours, theirs = medians["this checkout"], medians[rev]
    print(f"codecraft --help, this checkout {ours * 1000:7.0f} ms (median of {RUNS})")
    print(f"codecraft --help, {rev:<13} {theirs * 1000:7.0f} ms (median of {RUNS})")
    print(f"ratio (baseline / this)         {theirs / ours:7.2f}")


def main() -> None:
    if "--baseline" in sys.argv:
        against_baseline(sys.argv[sys.argv.index("--baseline") + 1])
        return
    codecraft = shutil.which("codecraft") or "codecraft"
    ours = median_seconds([codecraft, "--help"])
    theirs = median_seconds([aws_cli(), "--version"])
    print(f"codecraft --help   {ours * 1000:7.0f} ms (median of {RUNS})")
    print(f"aws --version      {theirs * 1000:7.0f} ms (median of {RUNS})")
    print(f"ratio              {theirs / ours:7.2f}x faster")


if __name__ == "__main__":
    main()
