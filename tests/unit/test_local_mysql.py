"""Without mariadbd the emulator cannot run an RDS instance: exit 3 with the install command."""

from __future__ import annotations

import pytest

from codecraft_cli.errors import EmulatorError
from codecraft_cli.local import mysql
from codecraft_cli.resources import handler_for
from codecraft_cli.workshop import load_workshop

from .fakes import PlanContext


def test_missing_mariadbd_is_exit_3_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mysql, "mariadbd_path", lambda: None)
    res = load_workshop("workshop1").resource("db")
    with pytest.raises(EmulatorError) as err:
        handler_for(res.type).prepare(PlanContext(is_local=True), res, res.properties)
    assert err.value.exit_code == 3
    assert "apt-get install mariadb-server" in (err.value.hint or "")


def test_on_aws_mariadbd_is_not_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mysql, "mariadbd_path", lambda: None)
    res = load_workshop("workshop1").resource("db")
    handler_for(res.type).prepare(PlanContext(is_local=False), res, res.properties)
