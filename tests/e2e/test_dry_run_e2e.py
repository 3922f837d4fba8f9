"""`setup --dry-run` on a fresh emulator: every workshop, prerequisites included, is planned in
full (placeholders stand for what does not exist yet) and nothing is created."""

from __future__ import annotations

import pytest

from .conftest import Cli, leftovers_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("workshop", ["anycompany-orders", "workshop1", "workshop2", "workshop3",
                                      "image-pipeline", "job-events"])
def test_a_dry_run_plans_everything_and_creates_nothing(cli: Cli, emulator: dict, workshop: str) -> None:
    proc = cli("setup", workshop, "--dry-run", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "Nothing was changed." in proc.stderr and "would change" in proc.stderr
    if workshop in ("workshop2", "workshop3"):
        assert "its dry run comes first" in proc.stderr and "setting it up first" not in proc.stderr
    left = {kind: names for kind, names in leftovers_in(emulator).items() if names}
    assert left == {}, left
    assert cli.json("status")["deployments"] == []
