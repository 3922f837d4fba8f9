"""Language choice: --lang, else CODECRAFT_LANG, else LANG (fr_* -> fr), else en."""

from __future__ import annotations

import os

LANGS = ("fr", "en")


def require_lang(value: str | None) -> None:
    """An explicit --lang must be one of LANGS (empty: not given)."""
    if value and value.lower()[:2] not in LANGS:
        from .errors import UserError

        raise UserError(f"Unknown language {value!r}.", hint="Use --lang fr or --lang en.")


def pick_lang(explicit: str | None = None) -> str:
    for candidate in (explicit, os.environ.get("CODECRAFT_LANG")):
        if candidate and candidate.lower()[:2] in LANGS:
            return candidate.lower()[:2]
    if os.environ.get("LANG", "").lower().startswith("fr"):
        return "fr"
    return "en"


def text(value: object, lang: str) -> str:
    """A {fr: ..., en: ...} mapping (or a plain string) in the chosen language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("fr") or "")
    return "" if value is None else str(value)
