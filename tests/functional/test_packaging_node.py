"""Node.js packages (engine/packaging_node.py): the production dependencies the committed lock pins,
installed by ``npm ci --omit=dev``, in a reproducible zip cached by content, as Lambda runs a
Node.js .zip package: the handler file at the root, ``node_modules/`` beside it (Lambda Developer
Guide, "Deploy Node.js Lambda functions with .zip file archives"). The AWS SDK v3 is not packaged:
Lambda's Node.js runtimes provide it."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from codecraft_cli.engine import packaging, packaging_node
from codecraft_cli.errors import UserError
from codecraft_cli.workshop import load_workshop
from codecraft_cli.workshop.variants import with_runtime

ROOT = Path(__file__).resolve().parents[2]
needs_npm = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")


def _names(artifact: packaging.Artifact) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).namelist()


@needs_npm
def test_manage_projects_node_carries_mysql2_and_the_rds_bundle_but_not_the_sdk(tmp_path: Path) -> None:
    artifact = packaging.build("manage_projects_node", tmp_path / "build")
    names = _names(artifact)
    assert {"index.mjs", "package.json", "proxy.mjs", "rds-ca-bundle.pem"} <= set(names)
    assert "node_modules/mysql2/package.json" in names  # the lock's version, installed
    lock = json.loads((ROOT / "lambda_src" / "manage_projects_node" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/mysql2"]["version"]
    shipped = json.loads(zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).read("node_modules/mysql2/package.json"))
    assert shipped["version"] == pinned
    assert not any(n.startswith("node_modules/@aws-sdk/") for n in names)  # the runtime provides it
    assert not any("/.bin/" in n or n.startswith("node_modules/.bin") for n in names)  # no links in a Lambda zip


@needs_npm
def test_a_node_package_is_byte_identical_when_built_again_elsewhere(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    one = packaging.build("manage_projects_node", tmp_path / "a")
    two = packaging.build("manage_projects_node", tmp_path / "b")
    assert one.built and two.built and one.zip_bytes == two.zip_bytes and one.code_sha256 == two.code_sha256
    # cached by content: no npm at all the next time
    monkeypatch.setattr(packaging_node, "install", lambda *a: pytest.fail("npm ran again"))
    again = packaging.build("manage_projects_node", tmp_path / "a")
    assert not again.built and again.code_sha256 == one.code_sha256


def test_functions_without_dependencies_need_no_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)  # npm absent: not needed
    for source in ("process_order_node", "upload_file_node"):
        names = _names(packaging.build(source, tmp_path))
        assert names == ["index.mjs", "package-lock.json", "package.json", "proxy.mjs"]


def test_a_lock_change_is_a_new_package_and_dev_dependencies_are_not_production(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "lambda_src" / "fn"
    src.mkdir(parents=True)
    (src / "index.mjs").write_text("export const handler = async () => 1;\n")
    (src / "package.json").write_text('{"name": "fn", "devDependencies": {"left-pad": "1.3.0"}}\n')
    lock = {"name": "fn", "lockfileVersion": 3, "packages": {
        "": {"name": "fn", "devDependencies": {"left-pad": "1.3.0"}},
        "node_modules/left-pad": {"version": "1.3.0", "dev": True}}}
    (src / "package-lock.json").write_text(json.dumps(lock))
    monkeypatch.setenv("CODECRAFT_LAMBDA_SRC", str(src.parent))
    assert not packaging_node.has_dependencies(src)  # --omit=dev: nothing to install
    one = packaging.build("fn", tmp_path / "build")
    lock["packages"][""]["version"] = "2.0.0"
    (src / "package-lock.json").write_text(json.dumps(lock))
    two = packaging.build("fn", tmp_path / "build")
    assert two.built and one.code_sha256 != two.code_sha256


def test_no_npm_or_no_lock_is_said_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "lambda_src" / "fn"
    src.mkdir(parents=True)
    (src / "index.mjs").write_text("export const handler = async () => 1;\n")
    (src / "package.json").write_text('{"name": "fn", "dependencies": {"mysql2": "3.24.6"}}\n')
    monkeypatch.setenv("CODECRAFT_LAMBDA_SRC", str(src.parent))
    with pytest.raises(UserError) as no_lock:
        packaging.build("fn", tmp_path / "build")
    assert "package-lock.json" in str(no_lock.value) and no_lock.value.hint
    shutil.copyfile(ROOT / "lambda_src" / "manage_projects_node" / "package-lock.json", src / "package-lock.json")
    monkeypatch.setattr(packaging_node.shutil, "which", lambda name: None)
    with pytest.raises(UserError) as no_npm:
        packaging.build("fn", tmp_path / "build")
    assert "npm" in str(no_npm.value) and "doctor" in (no_npm.value.hint or "")


@pytest.mark.parametrize(("workshop", "function", "source"), [
    ("workshop2", "manage_projects", "manage_projects_node"),
    ("workshop3", "upload_file", "upload_file_node"),
    ("anycompany-orders", "process_order", "process_order_node"),
])
def test_each_workshop_function_has_its_node_variant(workshop: str, function: str, source: str) -> None:
    """setup --runtime nodejs: Node.js 22.x (nodejs20.x can no longer be created on AWS since
    2026-06-01, Lambda runtimes page), handler index.handler in index.mjs, the Node code folder."""
    w = load_workshop(workshop)
    assert w.resource(function).properties["runtime"] == "python3.12"
    props = with_runtime(w, "nodejs").resource(function).properties
    assert (props["runtime"], props["handler"], props["source"]) == ("nodejs22.x", "index.handler", source)
    assert "variants" not in props
    assert (ROOT / "lambda_src" / source / "index.mjs").is_file()
    assert with_runtime(w, "python") is w
