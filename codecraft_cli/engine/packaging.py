"""Build Lambda deployment packages: a deterministic zip of lambda_src/<name>/ plus its
dependencies, cached under CODECRAFT_HOME/build/ by a hash of code + requirements.

Dependencies are installed for the Lambda platform (manylinux2014_x86_64, CPython 3.12)
whatever the host OS, so the same zip runs on AWS. A Node.js function (a ``package.json``) gets
its production dependencies from its committed lock instead (engine/packaging_node.py). The zip is byte-for-byte reproducible
(sorted entries, fixed timestamps), so unchanged code has the same CodeSha256 and is not
uploaded again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import AwsFailure, UserError
from ..i18n import _

MAX_ZIPPED = 50 * 1024 * 1024  # direct upload limit
MAX_UNZIPPED = 250 * 1024 * 1024
# Lambda's python3.12 runtime is Amazon Linux 2023 (glibc 2.34): manylinux2014 and
# manylinux_2_28 x86_64 wheels both run there.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
PLATFORM = (",".join(PLATFORMS), "cp", "3.12")
_SKIP_DIRS = {"__pycache__", "tests", ".pytest_cache", "node_modules"}  # node_modules: npm ci builds it
_SKIP_FILES = {"requirements.txt", "shared.txt"}


@dataclass(frozen=True)
class Artifact:
    source: str
    path: Path
    zip_bytes: bytes
    code_sha256: str  # base64(sha256(zip)), as Lambda reports it
    built: bool  # False when it came from the cache

    @property
    def size(self) -> int:
        return len(self.zip_bytes)


def _source_files(folder: Path, everything: bool = False) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if everything or d not in _SKIP_DIRS)
        for name in sorted(names):
            if not everything and (name in _SKIP_FILES or name.endswith((".pyc", ".pyo"))):
                continue
            files.append(Path(root) / name)
    return files


def _shared_files(folder: Path) -> list[Path]:
    """Modules of lambda_src/shared/ that the function lists in its shared.txt."""
    listing = folder / "shared.txt"
    if not listing.exists():
        return []
    names = [n.strip() for n in listing.read_text().splitlines() if n.strip() and not n.startswith("#")]
    files = [folder.parent / "shared" / name for name in names]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserError(_("{listing} names missing shared modules: {missing}.").format(
                        listing=listing, missing=", ".join(missing)),
                        hint=_("List file names of lambda_src/shared/, one per line."))
    return files


def content_hash(folder: Path) -> str:
    from .packaging_node import RECIPE, is_node

    digest = hashlib.sha256(RECIPE.encode() if is_node(folder) else "|".join(PLATFORM).encode())
    for path in _source_files(folder):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    for path in _shared_files(folder):
        digest.update(b"shared:" + path.name.encode())
        digest.update(path.read_bytes())
    requirements = folder / "requirements.txt"
    if requirements.exists():
        digest.update(b"requirements:" + requirements.read_bytes())
    return digest.hexdigest()[:20]


def _requirements(folder: Path) -> list[str]:
    req = folder / "requirements.txt"
    if not req.exists():
        return []
    return [line.strip() for line in req.read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")]


def _install_dependencies(folder: Path, target: Path) -> None:
    _platform, implementation, version = PLATFORM
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "--no-compile", *platforms, "--implementation", implementation,
           "--python-version", version, "--only-binary=:all:", "--target", str(target),
           "-r", str(folder / "requirements.txt")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AwsFailure(
            _("Installing the dependencies of {function} for the Lambda platform failed: {detail}").format(
                function=folder.name, detail=(proc.stderr.strip().splitlines() or [_("pip failed")])[-1]),
            hint=_("Check lambda_src/<function>/requirements.txt and your access to PyPI."),
        )


def _zip(folder: Path, deps: Path | None, prefix: str = "") -> bytes:
    """``prefix``: where the dependencies go in the zip (``node_modules/``, taken whole)."""
    buffer = io.BytesIO()
    entries: list[tuple[str, Path]] = [(str(p.relative_to(folder)), p) for p in _source_files(folder)]
    entries += [(p.name, p) for p in _shared_files(folder)]
    if deps is not None:
        entries += [(prefix + str(p.relative_to(deps)), p) for p in _source_files(deps, everything=bool(prefix))]
    unzipped = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, path in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            zf.writestr(info, data)
    if unzipped > MAX_UNZIPPED:
        raise UserError(_("The package of {function} is {size} MB unzipped; Lambda allows 250 MB.").format(
                        function=folder.name, size=unzipped // 2**20),
                        hint=_("Remove unused dependencies or use a layer."))
    return buffer.getvalue()


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _build_lock(zip_path: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(zip_path, threading.Lock())


def _build_into(folder: Path, zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    from .packaging_node import install, is_node

    deps: Path | None = None
    prefix = ""
    with tempfile.TemporaryDirectory(prefix="codecraft-deps-") as tmp:
        if is_node(folder):
            deps, prefix = install(folder, Path(tmp)), "node_modules/"
        elif _requirements(folder):
            deps = Path(tmp)
            _install_dependencies(folder, deps)
        data = _zip(folder, deps, prefix)
    if len(data) > MAX_ZIPPED:
        raise UserError(_("The package of {function} is {size} MB zipped; a direct upload allows 50 MB.").format(
                        function=folder.name, size=len(data) // 2**20), hint=_("Remove unused dependencies."))
    # a name of its own: another codecraft process may be writing the same package
    fd, tmp_name = tempfile.mkstemp(prefix=zip_path.name + ".", suffix=".tmp", dir=zip_path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp_name, zip_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def build(source: str, cache_dir: Path | None = None) -> Artifact:
    """The zip for lambda_src/<source>, from the cache when code and requirements are unchanged."""
    folder = paths.lambda_src_dir() / source
    if not folder.is_dir():
        raise UserError(_("No Lambda source folder {folder}.").format(folder=folder),
                        hint=_("The workshop's `source:` must name a folder under lambda_src/."))
    cache = cache_dir or paths.build_dir()
    zip_path = cache / f"{source}-{content_hash(folder)}.zip"
    built = False
    with _build_lock(zip_path):  # students of a class share one build of each package
        if not zip_path.exists():
            _build_into(folder, zip_path)
            built = True
    data = zip_path.read_bytes()
    sha = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return Artifact(source, zip_path, data, sha, built)
