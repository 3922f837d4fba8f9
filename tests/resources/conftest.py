"""Fixtures of the handler tests: one stubbed deploy context per workshop (see stubs.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from . import orders_outputs, projects_outputs
from .stubs import Harness, stubbed


@pytest.fixture
def orders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    """anycompany-orders on stubbed AWS, its resources' dependencies as orders_outputs.OUTPUTS."""
    with stubbed("anycompany-orders", orders_outputs.OUTPUTS, monkeypatch, tmp_path) as harness:
        yield harness


@pytest.fixture
def w1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    """workshop1 on stubbed AWS, its resources' dependencies as projects_outputs.W1_OUTPUTS."""
    with stubbed("workshop1", projects_outputs.W1_OUTPUTS, monkeypatch, tmp_path) as harness:
        yield harness


@pytest.fixture
def w2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Harness]:
    """workshop2 on stubbed AWS: workshop1's outputs as "workshop1:<id>", its own as "<id>"."""
    with stubbed("workshop2", projects_outputs.W2_OUTPUTS, monkeypatch, tmp_path) as harness:
        yield harness
