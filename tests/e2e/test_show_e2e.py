"""`codecraft show`: every workshop, in French and in English, on screen and as a handout.

The installed command, as the other end-to-end tests run it; `show` needs no emulator, so these
tests use no `emulator` fixture and none is started."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from codecraft_cli.i18n import text
from codecraft_cli.workshop import catalogue, load_workshop_file

pytestmark = pytest.mark.e2e

WORKSHOPS = [load_workshop_file(p) for p in catalogue()]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("codecraft")
    assert exe, "pip install -e ."
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("workshop", WORKSHOPS, ids=[w.id for w in WORKSHOPS])
def test_show_prints_every_step_in_the_language(workshop, lang: str) -> None:
    proc = run("show", workshop.id, "--lang", lang)
    assert proc.returncode == 0, proc.stderr
    for step in workshop.steps:  # the document: on stdout (README, "Which stream is which")
        assert text(step.title, lang) in proc.stdout
    assert ("codecraft appelle" if lang == "fr" else "codecraft calls") in proc.stdout


def test_markdown_handout(tmp_path: Path) -> None:
    proc = run("show", "workshop2", "--lang", "fr", "--format", "md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    handout = (tmp_path / "workshop2.fr.md").read_text(encoding="utf-8")
    assert handout.startswith("# Atelier 2")
    assert "## Étape 1 — Créer la file SQS ProjectNotificationsQueue" in handout
    assert "- `rds." not in handout  # workshop 1's database is not re-created here
    assert "- `apigateway.create_authorizer(restApiId=<projects_api.id>, name=CognitoAuthorizer, ...)`" in handout
    assert "- [ ] Sans jeton, l'API répond 401" in handout
    assert "> **Piège** —" in handout


def test_bad_options_are_exit_2() -> None:
    assert run("show", "workshop2", "--format", "pdf").returncode == 2
    assert run("show", "workshop2", "--lang", "de").returncode == 2
