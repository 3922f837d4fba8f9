"""Shared by the unit tests: ``codecraft`` run in process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codecraft_cli.i18n import set_lang

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """``codecraft <argv>`` in process, in tmp_path, with no language set by the environment:
    (exit code, stdout, stderr)."""
    from codecraft_cli.cli.app import main

    for var in ("CODECRAFT_LANG", "CODECRAFT_PSEUDO_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG", "CODECRAFT_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)

    def invoke(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(list(argv))
        out = capsys.readouterr()
        return int(done.value.code or 0), out.out, out.err

    yield invoke
    set_lang("en")  # the language is process-wide: the next tests speak English again
