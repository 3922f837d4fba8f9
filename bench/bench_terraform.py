"""codecraft versus Terraform on the same emulator: setup + teardown against apply + destroy of the
workshop's own Terraform export (`codecraft export W --format terraform --target local`).

Run: python3 bench/bench_terraform.py [--rounds 2] [--workshops anycompany-orders,job-events]

One emulator in a fresh CODECRAFT_HOME. For each workshop and round, one after the other (never
both at once, same names):
  1. `codecraft setup W --yes --json`, then `codecraft teardown W --yes --json` (wall time);
  2. `terraform apply -auto-approve` of the export, then `terraform destroy -auto-approve` (wall
     time; `terraform init` from the offline provider mirror is done once, untimed).
Medians over the rounds; the ratio is Terraform / codecraft. The provider comes from the local
mirror (/opt/tf-plugins, or TF_PLUGIN_DIR): nothing is downloaded. AWS refuses a queue name for
60 s after DeleteQueue, and so does the emulator: here that delay is shortened to 2 s
(CODECRAFT_EMULATOR_QUEUE_REUSE), or each side would wait for the other's deletion.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _bench import Codecraft, machine_note, median, table

PLUGINS = Path(os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins"))


def terraform(folder: Path, *args: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(["terraform", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"terraform {' '.join(args)} in {folder}: exit {out.returncode}\n{out.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workshops", default="anycompany-orders,job-events")
    args = parser.parse_args()
    if not shutil.which("terraform") or not PLUGINS.exists():
        raise SystemExit("needs terraform on PATH and the AWS provider in a local mirror (TF_PLUGIN_DIR)")
    os.environ["CODECRAFT_EMULATOR_QUEUE_REUSE"] = "2"  # before the emulator starts (see above)
    cc = Codecraft("codecraft-bench-tf-")
    work = Path(tempfile.mkdtemp(prefix="bench-tf-"))
    config = work / "terraformrc"
    config.write_text(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{PLUGINS}"\n  }}\n}}\n')
    env = {**cc.env, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    rows = []
    try:
        cc.run("local", "start", check=True)
        for workshop in args.workshops.split(","):
            folder = work / workshop
            cc.run("export", workshop, "--format", "terraform", "--target", "local", "-o", str(folder),
                   json_out=False, check=True)
            terraform(folder, "init", "-input=false", env=env)
            times: dict[str, list[float]] = {k: [] for k in ("setup", "teardown", "apply", "destroy")}
            for _ in range(args.rounds):
                times["setup"].append(cc.run("setup", workshop, "--yes", check=True).seconds)
                times["teardown"].append(cc.run("teardown", workshop, "--yes", check=True).seconds)
                time.sleep(3)  # the queue name free again (untimed)
                times["apply"].append(terraform(folder, "apply", "-auto-approve", "-input=false", env=env))
                times["destroy"].append(terraform(folder, "destroy", "-auto-approve", "-input=false", env=env))
                time.sleep(3)
            m = {k: median(v) for k, v in times.items()}
            ours, theirs = m["setup"] + m["teardown"], m["apply"] + m["destroy"]
            rows.append([workshop, f"{m['setup']:.1f} s", f"{m['teardown']:.1f} s", f"{m['apply']:.1f} s",
                         f"{m['destroy']:.1f} s", f"{theirs / ours:.1f}x"])
    finally:
        cc.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"codecraft vs Terraform on the embedded emulator, medians of {args.rounds} round(s); {machine_note()}")
    print(table(["workshop", "codecraft setup", "codecraft teardown", "terraform apply", "terraform destroy",
                 "Terraform / codecraft"], rows))


if __name__ == "__main__":
    main()
