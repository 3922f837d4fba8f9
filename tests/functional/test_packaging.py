"""Lambda packages are built for the Lambda platform, cached by content, and not re-uploaded."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from codecraft_cli.engine import packaging
from codecraft_cli.errors import UserError

from .test_deploy_moto import CountingExecutor


def test_the_resize_zip_carries_pillow_for_cpython_312_on_manylinux_x86_64() -> None:
    artifact = packaging.build("image_resize")
    names = zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).namelist()
    assert "app.py" in names
    extensions = [n for n in names if n.startswith("PIL/") and n.endswith(".so")]
    assert extensions and all("cpython-312-x86_64-linux-gnu" in n for n in extensions)
    (wheel,) = [n for n in names if n.startswith("pillow-") and n.endswith(".dist-info/WHEEL")]
    tags = [line.split(": ", 1)[1] for line in zipfile.ZipFile(io.BytesIO(artifact.zip_bytes)).read(wheel)
            .decode().splitlines() if line.startswith("Tag: ")]
    assert tags and all(t.startswith("cp312-cp312-manylinux") and t.endswith("x86_64") for t in tags)
    # CodeSha256 as Lambda reports it
    assert artifact.code_sha256 == base64.b64encode(hashlib.sha256(artifact.zip_bytes).digest()).decode()


def test_a_rebuild_with_no_change_does_no_pip_work_and_is_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    first = packaging.build("manage_projects")
    calls: list[Any] = []
    monkeypatch.setattr(packaging, "_install_dependencies", lambda *a: calls.append(a))
    again = packaging.build("manage_projects")
    assert calls == [] and not again.built
    assert again.code_sha256 == first.code_sha256


def test_a_code_change_gives_a_new_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "lambda_src"
    (src / "fn").mkdir(parents=True)
    (src / "fn" / "app.py").write_text("def lambda_handler(e, c):\n    return 1\n")
    monkeypatch.setenv("CODECRAFT_LAMBDA_SRC", str(src))
    one = packaging.build("fn")
    (src / "fn" / "app.py").write_text("def lambda_handler(e, c):\n    return 2\n")
    two = packaging.build("fn")
    assert one.code_sha256 != two.code_sha256 and two.built


def test_students_building_the_same_package_at_once_share_one_build(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    src = tmp_path / "lambda_src"
    (src / "fn").mkdir(parents=True)
    (src / "fn" / "app.py").write_text("def lambda_handler(e, c):\n    return 1\n")
    (src / "fn" / "requirements.txt").write_text("somepackage\n")
    monkeypatch.setenv("CODECRAFT_LAMBDA_SRC", str(src))
    installs: list[Path] = []

    def slow_install(folder: Path, target: Path) -> None:  # a pip run takes seconds
        installs.append(target)
        import time

        time.sleep(0.3)
        (target / "somepackage.py").write_text("VALUE = 1\n")

    monkeypatch.setattr(packaging, "_install_dependencies", slow_install)
    with ThreadPoolExecutor(8) as pool:
        artifacts = list(pool.map(lambda _: packaging.build("fn", tmp_path / "build"), range(8)))
    assert len(installs) == 1 and sum(a.built for a in artifacts) == 1
    assert len({a.code_sha256 for a in artifacts}) == 1
    assert [p.name for p in (tmp_path / "build").iterdir()] == [artifacts[0].path.name]  # no temp file left


def test_too_large_a_package_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "lambda_src"
    (src / "big").mkdir(parents=True)
    (src / "big" / "app.py").write_text("x = 1\n")
    (src / "big" / "blob.bin").write_bytes(b"\0")
    monkeypatch.setenv("CODECRAFT_LAMBDA_SRC", str(src))
    monkeypatch.setattr(packaging, "MAX_UNZIPPED", 3)
    with pytest.raises(UserError, match="unzipped; Lambda allows 250 MB"):
        packaging.build("big")


def test_a_second_setup_packages_nothing_and_uploads_no_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from codecraft_cli.aws.clients import Clients, Target
    from codecraft_cli.engine.context import DeployContext
    from codecraft_cli.engine.deploy import Deployer
    from codecraft_cli.engine.session import state_for
    from codecraft_cli.workshop import load_workshop

    workshop = load_workshop("image-pipeline")
    with mock_aws():
        def run() -> tuple[CountingExecutor, DeployContext]:
            ctx = DeployContext(workshop, Target("aws", "us-east-1"), Clients(Target("aws", "us-east-1")))
            executor = CountingExecutor(ctx)
            Deployer(ctx, state_for(ctx), executor).setup()
            return executor, ctx

        first, ctx1 = run()
        assert first.mutations.count("lambda.create_function") == 2
        pip: list[Any] = []
        monkeypatch.setattr(packaging, "_install_dependencies", lambda *a: pip.append(a))
        zips: list[Any] = []
        real_zip = packaging._zip
        monkeypatch.setattr(packaging, "_zip", lambda *a: zips.append(a) or real_zip(*a))
        second, ctx2 = run()
        assert pip == [] and zips == []  # no packaging work at all
        assert not any(m.startswith("lambda.") for m in second.mutations)  # no code upload
        assert second.mutations == []
        assert all(not a.built for a in ctx2._artifacts.values())
