"""Rendering: Rich for people on stderr, JSON for scripts on stdout."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

_console: Any = None


def console() -> Any:
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(stderr=True, highlight=False, soft_wrap=False)
    return _console


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, set):
        return sorted(value)
    return str(value)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=_default, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    console().print(message)


def ok_mark(ok: bool) -> str:
    return "[green]✔[/green]" if ok else "[red]✘[/red]"


def confirm(message: str, yes: bool, required: bool) -> None:
    """Ask before changing anything (``yes``: already confirmed). Without a terminal, a
    ``required`` confirmation is an error; otherwise it goes on."""
    if yes:
        return
    if not sys.stdin.isatty():
        if required:
            from ..errors import UserError

            raise UserError(f"{message} needs a confirmation.", hint="Add --yes to confirm.")
        return
    import typer

    if not typer.confirm(message, default=False, err=True):
        declined()


def declined() -> None:
    """The user answered no: nothing was done, exit 1 (Ctrl-C stays 130)."""
    import typer

    console().print("Not confirmed: nothing was changed.")
    raise typer.Exit(1)
