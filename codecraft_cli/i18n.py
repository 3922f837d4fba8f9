"""The language codecraft speaks: gettext catalogs, chosen once per process.

Every word the tool prints goes through :func:`_` (or :func:`ngettext`); the message ids are the
English texts, their French translations live in ``codecraft_cli/locale/fr/LC_MESSAGES/*.po``
(one catalog per part of the code, compiled to the ``.mo`` files shipped beside them;
``tools/catalog.py`` extracts, updates and compiles them with Babel). Texts defined before the
language is known (module constants, command help) are marked with :func:`N_` and translated when
they are shown. The workshops' own texts are ``{fr: ..., en: ...}`` in their YAML: :func:`text`.

The language: ``--lang``, then ``CODECRAFT_LANG``, then the locale (``LC_ALL``, ``LC_MESSAGES``,
``LANG``: ``fr_FR.UTF-8`` gives French), English otherwise. ``CODECRAFT_PSEUDO_LOCALE=1`` wraps
every translated text in ⟦ ⟧ so a test can see any text that bypasses the catalogs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LANGS = ("fr", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
_lang = "en"
_catalog: Any = None  # the chained gettext translations of _lang, loaded on first use
_pseudo: bool | None = None


def require_lang(value: str | None) -> None:
    """An explicit --lang must be one of LANGS (empty: not given)."""
    if value and value.lower()[:2] not in LANGS:
        from .errors import UserError

        raise UserError(_("Unknown language {value!r}.").format(value=value),
                        hint=_("Use --lang fr or --lang en."))


def locale_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """The language of the POSIX locale (LC_ALL, then LC_MESSAGES, then LANG), if fr or en."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:  # the first one set decides, as in setlocale(3)
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGS else None
    return None


def pick_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    for candidate in (explicit, env.get("CODECRAFT_LANG")):
        if candidate and candidate.lower()[:2] in LANGS:
            return candidate.lower()[:2]
    return locale_lang(env) or "en"


def set_lang(lang: str) -> None:
    """Speak ``lang`` from now on (its catalogs are read when the first text is translated)."""
    global _lang, _catalog
    if lang != _lang:
        _lang, _catalog = lang, None


def current_lang() -> str:
    return _lang


def catalog_files(lang: str) -> list[Path]:
    return sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.mo"))


def _translations() -> Any:
    global _catalog
    if _catalog is None:
        import gettext

        catalog: Any = gettext.NullTranslations()
        for path in reversed(catalog_files(_lang)):  # one catalog per part of the code, chained
            with path.open("rb") as handle:
                part = gettext.GNUTranslations(handle)
            part.add_fallback(catalog)
            catalog = part
        _catalog = catalog
    return _catalog


def _pseudo_on() -> bool:
    global _pseudo
    if _pseudo is None:
        _pseudo = os.environ.get("CODECRAFT_PSEUDO_LOCALE") == "1"
    return _pseudo


def _(message: str) -> str:
    """``message`` (an English text, the catalog's id) in the current language."""
    said = str(_translations().gettext(message)) if _lang != "en" else message
    return f"⟦{said}⟧" if _pseudo_on() and message else said


def ngettext(singular: str, plural: str, n: int) -> str:
    said = str(_translations().ngettext(singular, plural, n)) if _lang != "en" else (singular if n == 1 else plural)
    return f"⟦{said}⟧" if _pseudo_on() else said


def N_(message: str) -> str:
    """Mark a text for the catalogs without translating it now (it is translated when shown)."""
    return message


def number(value: float, digits: int = 1) -> str:
    """A number as a reader of the current language writes it (1.5 / 1,5; 12 345 in French)."""
    said = f"{value:,.{digits}f}" if digits else f"{value:,.0f}"
    if _lang == "fr":
        said = said.replace(",", "\u202f").replace(".", ",")
    return said


def seconds(value: float) -> str:
    """A duration in seconds: ``1.8s`` / ``1,8 s``."""
    return f"{number(value)} s" if _lang == "fr" else f"{number(value)}s"


def text(value: object, lang: str | None = None) -> str:
    """A workshop text, ``{fr: ..., en: ...}`` (or a plain string), in ``lang`` (default: the current one)."""
    lang = lang or _lang
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("fr") or "")
    return "" if value is None else str(value)
