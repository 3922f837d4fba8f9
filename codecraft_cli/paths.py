"""Where codecraft keeps its files, and where it finds the workshops and Lambda sources."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def home() -> Path:
    """CODECRAFT_HOME (default ~/.codecraft): state/, local/, build/ live below it."""
    return Path(os.environ.get("CODECRAFT_HOME") or Path.home() / ".codecraft").expanduser()


def state_dir() -> Path:
    return home() / "state"


def local_dir() -> Path:
    return home() / "local"


def build_dir() -> Path:
    return home() / "build"


def _resource_root(name: str) -> Path:
    """Find a top-level folder of the project (workshops/, lambda_src/).

    Installed packages carry a copy under codecraft_cli/data/; an editable install or a
    checkout uses the folder beside the package.
    """
    override = os.environ.get(f"CODECRAFT_{name.upper()}")
    if override:
        return Path(override)
    packaged = _PACKAGE_DIR / "data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name


def workshops_dir() -> Path:
    return _resource_root("workshops")


def lambda_src_dir() -> Path:
    return _resource_root("lambda_src")
