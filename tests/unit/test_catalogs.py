"""The message catalogs are complete (issue 13): every text of codecraft's source has its French
translation, well typeset, compiled; a text added without one makes this test fail.

Babel extracts the message ids the way `tools/catalog.py update` does (its Python extractor on
``_``, ``N_``, ``ngettext``, plus the commands' docstrings) and its ``Catalog.update`` is run on a
copy of each French catalog, as ``update_catalog`` would: nothing may be missing.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("catalog_tool", ROOT / "tools" / "catalog.py")
assert spec and spec.loader
catalog = importlib.util.module_from_spec(spec)
sys.modules["catalog_tool"] = catalog
spec.loader.exec_module(catalog)


def test_every_message_has_its_french_translation_typeset_and_compiled() -> None:
    problems = catalog.check()
    assert problems == [], "\n".join(problems[:40]) + (f"\n... {len(problems)} in all" if len(problems) > 40 else "")


def test_update_catalog_finds_nothing_missing() -> None:
    """Babel's update (``Catalog.update`` with the source's template) adds no message to any catalog."""
    for domain, template in catalog.template().items():
        path = catalog.po_path("fr", domain)
        assert path.exists(), f"no French catalog for the domain {domain}"
        po = catalog.read_po(path)
        before = {m.id for m in po if m.id}
        po.update(template, no_fuzzy_matching=True)
        added = {m.id for m in po if m.id} - before
        assert not added, f"{domain}: {sorted(map(str, added))[:10]}"


def test_a_message_added_without_translation_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = catalog.extract

    def with_a_new_message() -> list:
        return [*real(), ("cli", "A brand new message nobody translated.", "codecraft_cli/cli/x.py", 1)]

    monkeypatch.setattr(catalog, "extract", with_a_new_message)
    assert any("A brand new message nobody translated." in p for p in catalog.check())


@pytest.mark.parametrize(("french", "ok"), [
    ("Erreur\u00a0: la table n'existe pas", True),
    ("Erreur : la table n'existe pas", True),
    ("Erreur: la table n'existe pas", False),
    ("Voulez-vous continuer\u202f?", True),
    ("Voulez-vous continuer?", False),
    ("Cliquez sur \"Créer\"", False),
    ("Cliquez sur «\u00a0Créer\u00a0»", True),
    ("Voir https://docs.aws.amazon.com/lambda/ et arn:aws:sqs:us-east-1:1:q à 10:30", True),
    ("Lancez `codecraft setup w:x` puis {value!r}", True),
])
def test_french_typography_rules(french: str, ok: bool) -> None:
    assert (catalog.typography(french) == []) is ok, catalog.typography(french)


def test_the_words_of_typer_and_click_we_translate_still_exist_in_the_installed_typer() -> None:
    """Typer's own words (typer/core.py) and click's (typer/_click): an upgrade that rewords one is noticed."""
    import typer

    from codecraft_cli.cli import help as cli_help

    source = "\n".join(p.read_text() for p in Path(typer.__file__).parent.rglob("*.py"))
    for message in (*cli_help.THIRD_PARTY, cli_help.HELP_OPTION, cli_help.USAGE.strip()):
        assert message.replace("{name!r}", "{name") .split("{")[0] in source, message
    for template, _pattern in (*cli_help._ERRORS, *cli_help._PROBLEMS):
        literal = re.sub(r"\{[^}]*\}", " ", template)  # click builds some from pieces: check its words
        assert all(word in source for word in re.findall(r"[A-Za-z]{3,}", literal)), template


def test_command_help_ids_are_the_docstrings_typer_shows() -> None:
    from codecraft_cli.cli import cmd_verify

    ids = {m[1] for m in catalog.extract()}
    assert inspect.cleandoc(cmd_verify.verify.__doc__ or "") in ids


def test_catalog_ids_have_no_fstring_leftovers() -> None:
    """A field in a message id is a named ``{field}``, never an f-string expression."""
    import string

    for _domain, message, where, line in catalog.extract():
        for text in (message,) if isinstance(message, str) else message:
            try:
                names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
            except ValueError:
                names = ["<malformed>"]
            assert all(name.isidentifier() for name in names), f"{where}:{line}: {text}"
