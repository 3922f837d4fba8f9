"""Where codecraft keeps its files, where it finds the workshops and Lambda sources, and how it
reads a file the user names."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import UserError
from .i18n import _

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


def read_user_file(path: Path, what: str, utf8_hint: str, missing_hint: str, encoding: str = "utf-8") -> str:
    """A text file the user named (``what``, already in the user's language: "the roster"), or one
    UserError saying why not."""
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise UserError(_("{path} is not UTF-8 text ({what}).").format(path=path, what=what), hint=utf8_hint) from exc
    except OSError as exc:
        raise UserError(_("Cannot read {what} {path}: {reason}.").format(what=what, path=path, reason=exc.strerror),
                        hint=missing_hint) from exc
