"""The problems found in a workshop file, and the readers of its common field shapes.

Every reader records what is wrong (where: the step, the resource or check, the field) and
returns a usable empty value, so one pass finds every problem of the file; the loader raises
them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..i18n import _, ngettext


class Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(_("{where}: {problem}").format(where=where, problem=message) if where else message)

    def raise_if_any(self) -> None:
        if self.items:
            shown = "\n  ".join(self.items[:15])
            extra = len(self.items) - 15
            more = "\n  " + ngettext("... and {count} more", "... and {count} more", extra).format(count=extra) \
                if extra > 0 else ""
            raise UserError(_("{path}: the workshop definition is invalid:").format(path=self.path) + f"\n  {shown}{more}",
                            hint=_("Fix the fields named above; nothing was sent to AWS."))

    def lang_map(self, value: Any, where: str, field_name: str, required: bool = True) -> dict[str, str]:
        """A text in both languages: ``{fr: ..., en: ...}``, or one text for both."""
        if value is None and not required:
            return {}
        if isinstance(value, str):
            return {"en": value, "fr": value}
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            self.add(where, _("'{field}' must be a text or a mapping {{fr: ..., en: ...}}").format(field=field_name))
            return {}
        missing = [lang for lang in ("fr", "en") if lang not in value]
        if missing and required:
            self.add(where, _("'{field}' lacks the language(s): {langs}").format(field=field_name, langs=", ".join(missing)))
        return dict(value)

    def texts(self, value: Any, where: str, field_name: str) -> tuple[str, ...]:
        """A list of texts (None: empty); anything else is a problem, not a crash."""
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(where, _("'{field}' must be a list of names").format(field=field_name))
            return ()
        return tuple(value)

    def list_of(self, value: Any, where: str, field_name: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(where, _("'{field}' must be a list").format(field=field_name))
            return []
        return value

    def mapping(self, value: Any, where: str, field_name: str) -> Mapping[str, Any] | None:
        """A mapping (None or empty: ``{}``); anything else is a problem and gives None."""
        value = value or {}
        if not isinstance(value, Mapping):
            self.add(where, _("'{field}' must be a mapping").format(field=field_name))
            return None
        return value

    def unknown(self, keys: Any, allowed: set[str], where: str) -> None:
        for key in keys:
            if key not in allowed:
                self.add(where, _("unknown field '{key}' (expected one of: {known})").format(
                    key=key, known=", ".join(sorted(allowed))))
