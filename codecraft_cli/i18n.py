"""Language choice: --lang, else CODECRAFT_LANG, else LANG (fr_* -> fr), else en."""

from __future__ import annotations

import os

LANGS = ("fr", "en")


def pick_lang(explicit: str | None = None) -> str:
    for candidate in (explicit, os.environ.get("CODECRAFT_LANG")):
        if candidate and candidate.lower()[:2] in ("fr", "en"):
            return candidate.lower()[:2]
    if os.environ.get("LANG", "").lower().startswith("fr"):
        return "fr"
    return "en"


def text(value: object, lang: str) -> str:
    """A {fr: ..., en: ...} mapping (or a plain string) in the chosen language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("fr") or "")
    return "" if value is None else str(value)
