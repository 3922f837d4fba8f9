"""teardown --all removes dependants first, along whole chains of ``requires`` (the workshops' own
YAML: workshop3 requires workshop2, which requires workshop1)."""

from __future__ import annotations

from pathlib import Path

from codecraft_cli.engine.lifecycle import teardown_order
from codecraft_cli.engine.state import StateStore
from codecraft_cli.workshop import load_workshop


def _state(tmp_path: Path, workshop: str) -> StateStore:
    return StateStore(tmp_path / f"{workshop}.json", {"workshop": workshop, "student": None})


def test_a_chain_of_prerequisites_is_torn_down_from_its_end(tmp_path: Path) -> None:
    assert "workshop2" in load_workshop("workshop3").requires
    assert "workshop1" in load_workshop("workshop2").requires
    for names in (["workshop1", "workshop2", "workshop3"], ["workshop2", "workshop1", "workshop3"],
                  ["workshop3", "workshop1", "workshop2"]):
        states = [_state(tmp_path, n) for n in names]
        order = [s.data["workshop"] for s in teardown_order(states, states)]
        assert order.index("workshop3") < order.index("workshop2") < order.index("workshop1"), order


def test_independent_workshops_keep_their_order(tmp_path: Path) -> None:
    states = [_state(tmp_path, n) for n in ("job-events", "anycompany-orders")]
    assert [s.data["workshop"] for s in teardown_order(states, states)] == ["job-events", "anycompany-orders"]
