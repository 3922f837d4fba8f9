"""codecraft's command line in French (issue 13): help, errors, tables; and which stream is which.

`main()` runs in process (as tests/functional/test_guardrails.py does), its stdout and stderr
captured apart. No emulator is started: only commands that need none are run."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codecraft_cli.i18n import set_lang, text
from codecraft_cli.workshop import load_workshop

Run = Callable[..., tuple[int, str, str]]

# English phrases of codecraft's own (and click's/Typer's) that must not survive under --lang fr
ENGLISH = ("Usage:", "Show this message", "Commands", "default:", "required", "Workshop id", "Do not ask",
           "JSON on stdout", "Error:", "Hint:", "Unknown format", "Build, check", "step by step",
           "Create the workshop", "Deploy under", "Show the API calls", "First step", "Last step")




def english_left(said: str) -> list[str]:
    return [phrase for phrase in ENGLISH if phrase in said]


def test_the_main_help_in_french_has_no_english_of_codecraft(run: Run) -> None:
    code, out, err = run("--lang", "fr", "--help")
    assert code == 0, err
    assert "Utilisation\u00a0: codecraft" in out
    assert "Commandes" in out and "Lister les ateliers du catalogue." in out
    assert "Afficher ce message et quitter." in out
    assert english_left(out) == [], out


def test_setup_help_in_french_has_no_english_of_codecraft(run: Run) -> None:
    code, out, err = run("setup", "--help", "--lang", "fr")  # --lang after the command works too
    assert code == 0, err
    assert "Créer les ressources de l'atelier" in out
    assert "Ne pas demander de confirmation." in out and "JSON sur stdout" in out
    assert english_left(out) == [], out


def test_every_command_help_in_french_is_translated(run: Run) -> None:
    for command in (["workshops"], ["show"], ["teardown"], ["status"], ["doctor"], ["verify"], ["test-api"],
                    ["inspect"], ["inspect", "table"], ["local"], ["local", "env"], ["classroom"],
                    ["classroom", "verify"]):
        code, out, err = run("--lang", "fr", *command, "--help")
        assert code == 0, (command, err)
        assert english_left(out) == [], (command, out)


def test_an_unknown_format_is_said_in_french_with_its_hint(run: Run) -> None:
    code, out, err = run("--lang", "fr", "show", "workshop2", "--format", "pdf")
    assert code == 2
    assert "Erreur\u00a0:" in err and "Format inconnu\u00a0: 'pdf'." in err
    assert "Conseil\u00a0:" in err and "--format html" in err
    assert english_left(err) == [], err
    assert out == ""


def test_show_writes_the_document_on_stdout_so_it_can_be_redirected(run: Run) -> None:
    w = load_workshop("workshop2")
    code, out, err = run("show", "workshop2", "--lang", "fr")
    assert code == 0, err
    for step in w.steps:
        assert text(step.title, "fr") in out
    assert "Prérequis\u00a0: workshop1" in out and "codecraft appelle\u00a0:" in out
    assert err == ""  # nothing but the document: `show ... > f.txt` holds it all


def test_show_workshop2_redirected_to_a_file_is_not_empty(tmp_path: Path) -> None:
    """The issue's own example, through a shell: `codecraft show workshop2 --lang fr > f.txt`."""
    import shutil
    import subprocess

    exe = shutil.which("codecraft")
    assert exe, "pip install -e ."
    target = tmp_path / "f.txt"
    with target.open("w", encoding="utf-8") as handle:
        proc = subprocess.run([exe, "show", "workshop2", "--lang", "fr"], stdout=handle, stderr=subprocess.PIPE,
                              text=True, timeout=60, env={**__import__("os").environ, "CODECRAFT_LANG": ""})
    assert proc.returncode == 0, proc.stderr
    said = target.read_text(encoding="utf-8")
    assert said.startswith("Atelier 2"), said[:200]
    assert "Étape" in said or "1. " in said
    assert "\x1b[" not in said  # plain text in a file: no terminal colours


def test_show_markdown_and_html_handouts_go_to_the_file_named(run: Run, tmp_path: Path) -> None:
    code, out, err = run("--lang", "fr", "show", "workshop2", "--format", "md", "-o", str(tmp_path / "w2.md"))
    assert code == 0, err
    handout = (tmp_path / "w2.md").read_text(encoding="utf-8")
    assert handout.startswith("# Atelier 2") and "## Étape 1 — " in handout
    assert out == "" and "Fiche écrite\u00a0:" in err  # the message on stderr, the document in the file

    code, out, err = run("--lang", "fr", "show", "workshop2", "--format", "html", "-o", str(tmp_path / "w2.html"))
    assert code == 0, err
    page = (tmp_path / "w2.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page and page.rstrip().endswith("</html>")
    assert "<h2>Étape 1 — " in page
    # every text escaped: the click-paths' <région> placeholders are not tags
    assert "&lt;région&gt;" in page and "<région>" not in page
    # (the architecture diagram is Graphviz's inline SVG: its markup is set aside, the rest checked)
    page = re.sub(r'<figure class="architecture".*?</figure>', "", page, flags=re.S)
    assert not re.search(r"<(?!/?(html|head|meta|title|style|body|h1|h2|h3|p|pre|ul|li|code)\b|!DOCTYPE)", page)


def test_show_html_to_stdout_with_dash(run: Run) -> None:
    code, out, err = run("show", "anycompany-orders", "--format", "html", "-o", "-")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>") and err == ""


def test_workshops_table_on_stdout_and_the_next_hint_on_stderr(run: Run) -> None:
    code, out, err = run("--lang", "fr", "workshops")
    assert code == 0, err
    assert "ateliers codecraft" in out and "workshop2" in out and "titre" in out
    assert "Ensuite\u00a0:" in err and "workshop2" not in err


def test_status_with_nothing_deployed_says_so_in_french(run: Run) -> None:
    code, out, err = run("--lang", "fr", "status")
    assert code == 0, err
    assert "Rien de déployé sur la cible «\u00a0local\u00a0»." in err and out == ""


def test_json_stays_on_stdout_with_its_keys(run: Run) -> None:
    import json

    code, out, err = run("--lang", "fr", "workshops", "--json")
    assert code == 0, err
    items = json.loads(out)
    assert {"id", "title", "seed", "requires", "services"} <= set(items[0])


def test_an_unknown_command_is_a_french_usage_error(run: Run) -> None:
    code, out, err = run("--lang", "fr", "no-such-command")
    assert code == 2
    assert "Utilisation\u00a0:" in err and "Erreur\u00a0:" in err
    assert english_left(err) == [], err


def test_french_durations_and_counts_in_setup_progress() -> None:
    """"Done in 1.8s: 11 created" is "Terminé en 1,8 s : créées : 11" in French (a count before an
    adjective would need its agreement: "1 créées")."""
    from types import SimpleNamespace

    from rich.console import Console

    from codecraft_cli.cli import output, reporter

    set_lang("fr")
    saved = output._console
    output._console = Console(record=True, width=200)
    try:
        report = SimpleNamespace(counts={"created": 11, "updated": 0, "unchanged": 2, "planned": 0}, seconds=1.8,
                                 dry_run=False, results=[], invoke_url=None, workshop="anycompany-orders", student=None)
        reporter.CliReporter("fr", yes=True).set_up(report)
        said = output._console.export_text()
    finally:
        output._console = saved
        set_lang("en")
    assert "Terminé en 1,8 s\u00a0: créées\u00a0: 11, mises à jour\u00a0: 0, inchangées\u00a0: 2." in said, said


def test_step_by_step_words_are_french_but_keep_their_keys() -> None:
    from codecraft_cli.cli.stepper import words

    set_lang("fr")
    try:
        said = words()
    finally:
        set_lang("en")
    assert said["prompt"].startswith("[Entrée] codecraft le fait · [m] à la main · [s] passer · [q] quitter")
    assert "[c] continuer quand même" in said["retry"]
    assert words()["prompt"].startswith("[Enter] codecraft does it · [m] by hand")


def test_pseudo_locale_leaves_no_english_outside_the_brackets_in_help(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every text of setup's help goes through the catalogs: under the pseudo-locale each one is in ⟦ ⟧."""
    import codecraft_cli.i18n as i18n

    monkeypatch.setattr(i18n, "_pseudo", True)
    code, out, err = run("--lang", "fr", "setup", "--help")
    assert code == 0, err
    outside = re.sub(r"⟦[^⟧]*⟧", "", out)
    for phrase in ("Workshop id", "Do not ask", "First step", "Create the workshop", "JSON on stdout"):
        assert phrase not in outside, out
    assert "⟦Créer les ressources de l'atelier" in out


def test_click_usage_errors_are_french(run: Run) -> None:
    code, out, err = run("--lang", "fr", "show")
    assert code == 2 and "Erreur\u00a0: Argument manquant\u00a0: «\u00a0workshop\u00a0»." in err, err
    code, out, err = run("--lang", "fr", "inspect", "table", "Orders", "--limit", "0")
    assert code == 2 and "Valeur invalide pour «\u00a0--limit\u00a0»\u00a0: 0 n'est pas dans l'intervalle" in err, err
    assert english_left(err) == [] and "Missing" not in err and "Invalid value" not in err, err


def test_an_arn_with_a_rich_emoji_code_prints_as_it_is() -> None:
    """A secret's ARN holds ``:secret:``, which Rich would print as an emoji (a status table showed
    ``6789012㊙codecraft/w…``): the consoles print names as AWS gives them."""
    from codecraft_cli.cli.output import console, document

    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:codecraft/workshop1-AbCdEf"
    for target in (console(), document()):
        with target.capture() as captured:
            target.print(arn)
        assert captured.get().strip() == arn
