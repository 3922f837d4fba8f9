"""codecraft's message catalogs, with Babel: extract, update, compile, check.

    python tools/catalog.py update [--domain D]   # add new message ids to the .po files (empty msgstr)
    python tools/catalog.py compile               # .po -> .mo (shipped in the package)
    python tools/catalog.py check                 # what is missing, untranslated, stale or badly typeset

The message ids are the English texts of codecraft's source: the arguments of ``_``, ``N_`` and
``ngettext`` (Babel's Python extractor) and the docstrings of the commands (``cli/cmd_*.py``,
public functions: Typer shows them as help, ``inspect.cleandoc``-ed). Each id belongs to the
catalog (the gettext domain) of the part of the code where it first appears: ``cli``, ``engine``,
``verify`` (engine's verifier, probes, grading, diagnosis), ``resources``, ``local``, ``aws``,
``workshop``, or ``core`` for the top-level modules; the runtime chains them all
(``codecraft_cli/i18n.py``).
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "codecraft_cli"
LOCALE = PACKAGE / "locale"
LANGS = ("fr",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
Message = tuple[str, str | tuple[str, str], str, int]  # (domain, id or (singular, plural), file, line)


VERIFY = re.compile(r"^(verifier|probes|grading|cleanup|diagnosis\w*|permissions)\.py$")


def domain_of(path: Path) -> str:
    """The catalog a file's messages go to: its subpackage (``core`` for the top-level modules),
    and ``verify`` for what verify says (engine's verifier, probes, grading, diagnosis)."""
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        return "core"
    if parts[0] == "engine" and VERIFY.match(parts[-1]):
        return "verify"
    return parts[0]


def _sources() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path


def extract() -> list[Message]:
    """Every message id of the source, in file order."""
    from babel.messages.extract import extract_python

    found: list[Message] = []
    for path in _sources():
        rel = str(path.relative_to(ROOT))
        with path.open("rb") as handle:
            for line, _func, message, _comments in extract_python(handle, KEYWORDS, [], {}):
                if isinstance(message, tuple):
                    message = tuple(m for m in message if m)
                    message = message[0] if len(message) == 1 else message
                if message:
                    found.append((domain_of(path), message, rel, line))
        if path.parent.name == "cli" and path.name.startswith("cmd_"):
            found += [(domain_of(path), doc, rel, line) for doc, line in _command_docs(path)]
    return found


def _command_docs(path: Path) -> Iterator[tuple[str, int]]:
    """The docstrings Typer shows as a command's help: public functions of a cmd module."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield inspect.cleandoc(doc), node.lineno


def template(domain: str | None = None) -> dict[str, object]:
    """The catalogs' templates (Babel ``Catalog`` per domain) built from the source."""
    from babel.messages.catalog import Catalog

    catalogs: dict[str, Catalog] = {}
    seen: set[object] = set()
    for dom, message, rel, line in extract():
        key = message if isinstance(message, str) else message[0]
        if key in seen:
            continue
        seen.add(key)  # a message belongs to the domain where it first appears
        if domain and dom != domain:
            continue
        catalogs.setdefault(dom, Catalog(domain=dom, project="codecraft")).add(message, locations=[(rel, line)])
    return dict(catalogs)


def po_path(lang: str, domain: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def read_po(path: Path) -> object:
    from babel.messages.pofile import read_po as babel_read

    with path.open("rb") as handle:
        return babel_read(handle, locale=path.parents[1].name)


def write_po(path: Path, catalog: object) -> None:
    from babel.messages.pofile import write_po as babel_write

    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    babel_write(buffer, catalog, width=100, omit_header=False, sort_output=False, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def update(domain: str | None = None) -> list[str]:
    """Bring each .po up to date with the source (Babel's update_catalog); returns what changed."""
    from babel.messages.catalog import Catalog

    changed = []
    for dom, tmpl in template(domain).items():
        for lang in LANGS:
            path = po_path(lang, dom)
            catalog = read_po(path) if path.exists() else Catalog(locale=lang, domain=dom, project="codecraft")
            before = {m.id for m in catalog if m.id}  # type: ignore[attr-defined]
            created = catalog.creation_date  # type: ignore[attr-defined]
            catalog.update(tmpl, no_fuzzy_matching=True)  # type: ignore[attr-defined]
            if before == {m.id for m in catalog if m.id}:  # type: ignore[attr-defined]
                catalog.creation_date = created  # type: ignore[attr-defined]  # nothing new: same header
            catalog.fuzzy = False  # type: ignore[attr-defined]  # the header: its plural forms are used
            after = {m.id for m in catalog if m.id}  # type: ignore[attr-defined]
            write_po(path, catalog)
            if before != after:
                changed.append(f"{path.relative_to(ROOT)}: +{len(after - before)} -{len(before - after)}")
    return changed


def compile_all() -> list[Path]:
    from babel.messages.mofile import write_mo

    written = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        buffer = io.BytesIO()
        write_mo(buffer, read_po(po))  # type: ignore[arg-type]
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != buffer.getvalue():
            mo.write_bytes(buffer.getvalue())
            written.append(mo)
    return written


_FIELD = string.Formatter()


def fields(text: str) -> set[str]:
    """The ``{name}`` fields of a format string (conversions kept: ``{name!r}``)."""
    try:
        return {f"{name}{'!' + conv if conv else ''}" for _, name, _, conv in _FIELD.parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}


# French typography: a (no-break) space before : ; ! ? and inside « » — but not in a URL, a time,
# an ARN, a code span or a field ("https://", "10:30", "arn:aws:...", `a:b`, "{value!r}")
_NO_SPACE = re.compile(r"(?<![\s\u00a0\u202f:/`{])(?P<mark>[;!?]|:(?=\s|$))")
_IGNORED = re.compile(r"`[^`]*`|\{[^}]*\}|https?://\S+|\[/?[a-z ]+\]")


def typography(text: str) -> list[str]:
    """What a French text gets wrong by French typography rules."""
    plain = _IGNORED.sub("", text)
    problems = [f"no space before {m.group('mark')!r}" for m in _NO_SPACE.finditer(plain)]
    if re.search(r'"[^"]+"', plain):
        problems.append('quotes " " instead of « »')
    return problems


def check() -> list[str]:
    """Every problem of the catalogs: a message id of the source missing or untranslated in a
    language, a fuzzy entry, fields that differ, French typography, a .mo not compiled from its .po."""
    from babel.messages.mofile import write_mo

    problems: list[str] = []
    wanted = template()
    for lang in LANGS:
        translated: dict[str, str] = {}
        for po in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po")):
            catalog = read_po(po)
            for message in catalog:  # type: ignore[attr-defined]
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                where = f"{po.relative_to(ROOT)}: {key[:60]!r}"
                if message.fuzzy:
                    problems.append(f"{where}: fuzzy")
                if not all(strings):
                    problems.append(f"{where}: untranslated")
                    continue
                if any(fields(s) != fields(ids[0]) for s in strings):
                    problems.append(f"{where}: fields {sorted(fields(ids[0]))} != {sorted(fields(strings[0]))}")
                if lang == "fr":
                    problems += [f"{where}: {p}" for s in strings for p in typography(s)]
                translated[key] = strings[0]
            buffer = io.BytesIO()
            write_mo(buffer, catalog)  # type: ignore[arg-type]
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != buffer.getvalue():
                problems.append(f"{mo.relative_to(ROOT)}: not compiled from its .po (python tools/catalog.py compile)")
        for dom, tmpl in wanted.items():
            for message in tmpl:  # type: ignore[attr-defined]
                key = message.id if isinstance(message.id, str) else message.id[0]
                if key and key not in translated:
                    place = message.locations[0] if message.locations else ("?", 0)
                    problems.append(f"{lang}: {key[:70]!r} ({place[0]}:{place[1]}) has no translation "
                                    f"(python tools/catalog.py update --domain {dom}, then translate it)")
    return problems


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "compile", "check"):
        print(__doc__)
        return 2
    if argv[0] == "update":
        domain = argv[argv.index("--domain") + 1] if "--domain" in argv else None
        print("\n".join(update(domain)) or "up to date")
    elif argv[0] == "compile":
        print("\n".join(str(p.relative_to(ROOT)) for p in compile_all()) or "up to date")
    else:
        problems = check()
        print("\n".join(problems) or "ok")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
