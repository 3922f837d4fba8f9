"""Rendering. Two streams (README, "Which stream is which"): documents and data — what a user
redirects to a file: `show`, `inspect`, `status` and `workshops` tables, `--json` — on stdout
(:func:`document`, :func:`print_json`); progress, prompts, messages, errors and hints on stderr
(:func:`console`)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from ..i18n import _

_console: Any = None
_document: Any = None


def console() -> Any:
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(stderr=True, highlight=False, soft_wrap=False, emoji=False)
    return _console


def document() -> Any:
    """The Rich console of documents and data: stdout (plain text when redirected to a file)."""
    global _document
    if _document is None:
        from rich.console import Console

        _document = Console(stderr=False, highlight=False, soft_wrap=False, emoji=False)
    return _document


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

            raise UserError(_("{question} needs a confirmation.").format(question=message),
                            hint=_("Add --yes to confirm."))
        return
    import typer

    if not typer.confirm(message, default=False, err=True):
        declined()


def declined() -> None:
    """The user answered no: nothing was done, exit 1 (Ctrl-C stays 130)."""
    import typer

    console().print(_("Not confirmed: nothing was changed."))
    raise typer.Exit(1)
