"""The global options of a run (--target, --profile, --region, --lang, --debug), typed.

Kept import-free (start-up time): the CLI builds one per invocation and hands it down through
Typer's context; the engine takes it as an argument and never reads the command line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    """--target, --profile, --region, --lang, --debug."""

    target: str = "local"
    profile: str | None = None
    region: str | None = None
    lang: str = "en"
    debug: bool = False
