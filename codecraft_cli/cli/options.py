"""The global options, filled by the Typer callback (kept import-free: start-up time)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Options:
    """--target, --profile, --region, --lang, --debug."""

    target: str = "local"
    profile: str | None = None
    region: str | None = None
    lang: str = "en"
    debug: bool = False
