"""The Terraform export on the emulator: ``codecraft export W --format terraform --target local`` →
``terraform apply`` → ``codecraft verify W`` passes on what Terraform built → ``terraform destroy``
leaves nothing. The AWS provider comes from the offline mirror (/opt/tf-plugins or TF_PLUGIN_DIR).
Apply and destroy times are printed (``-s`` shows them) for the benchmark."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli, leftovers_in

TERRAFORM = shutil.which("terraform")
PLUGINS = os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")

pytestmark = [
    pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed "
                       "(https://developer.hashicorp.com/terraform/install)"),
    pytest.mark.skipif(not Path(PLUGINS).is_dir(), reason=f"no offline AWS provider at {PLUGINS} (set TF_PLUGIN_DIR)"),
]


def _terraform(folder: Path, env: dict[str, str], *args: str, timeout: float = 600) -> float:
    started = time.monotonic()
    done = subprocess.run([str(TERRAFORM), *args, "-no-color"], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"terraform {' '.join(args)}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return time.monotonic() - started


@pytest.mark.parametrize("workshop", ["anycompany-orders", "job-events"])
def test_apply_verify_destroy(cli: Cli, emulator: dict[str, Any], workshop: str, tmp_path: Path) -> None:
    folder = tmp_path / f"{workshop}-terraform"
    made = cli("export", workshop, "--format", "terraform", "--target", "local", "-o", str(folder))
    assert made.returncode == 0, made.stderr
    assert "terraform init" in made.stderr and str(folder) in made.stderr
    assert emulator["endpoint"] in (folder / "main.tf").read_text()

    config = tmp_path / "cli.tfrc"  # the provider from the offline mirror, never downloaded
    config.write_text('provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' % PLUGINS)
    env = {**cli.env, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    _terraform(folder, env, "init", "-input=false")
    applied = _terraform(folder, env, "apply", "-auto-approve", "-input=false")

    report = cli.json("verify", workshop, code=0)
    failed = [c for c in report["checks"] if not c["ok"] and c.get("kind") == "required"]
    assert failed == [], failed

    destroyed = _terraform(folder, env, "destroy", "-auto-approve", "-input=false")
    assert leftovers_in(emulator) == {key: [] for key in leftovers_in(emulator)}
    print(f"\n{workshop}: terraform apply {applied:.1f} s, destroy {destroyed:.1f} s")
