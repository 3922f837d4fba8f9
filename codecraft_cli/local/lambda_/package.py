"""The code an environment runs: the deployed zip unpacked, and the runtime's libraries.

The package is unzipped once per CodeSha256. It is built for Lambda (CPython 3.12): a top-level
package holding extension modules built for another CPython (Pillow's PIL, for instance) cannot
be imported by this host's Python, so it is set aside and the host's own build of it (installed
with codecraft) is imported instead; the deployed zip is unchanged.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
import uuid
import zipfile
from pathlib import Path

from .function import FunctionConfig

# What Lambda's python runtime provides besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
PLATFORM_PYTHON = "3.12"
_ASIDE = ".codecraft-platform-builds"


class Packages:
    """Unpacked packages and runtime folders under the emulator's ``lambda`` work folder."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self._lock = threading.Lock()
        self._runtime_dirs: dict[tuple[str, ...], Path] = {}

    def code_dir(self, fn: FunctionConfig) -> tuple[Path, list[str]]:
        """The unzipped package, and the packages that fall back to the host's build."""
        sha = fn.code_sha.replace("/", "_").replace("+", "-").rstrip("=")
        target = self.work_dir / f"{fn.name}-{sha}"
        with self._lock:
            if not target.is_dir():
                if fn.code_bytes is None:
                    raise RuntimeError(f"{fn.name} has no zip package (container images do not run here)")
                tmp = target.with_name(target.name + f".tmp{uuid.uuid4().hex[:6]}")
                with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as zf:
                    zf.extractall(tmp)
                _set_aside_foreign_builds(tmp)
                os.replace(tmp, target) if not target.exists() else shutil.rmtree(tmp)
        aside = target / _ASIDE
        return target, sorted(p.name for p in aside.iterdir()) if aside.is_dir() else []

    def runtime_path(self, fallbacks: list[str]) -> Path:
        """A folder linking the runtime's libraries (and host builds set aside for the package)."""
        import importlib.util

        key = tuple(fallbacks)
        with self._lock:
            if key in self._runtime_dirs:
                return self._runtime_dirs[key]
            folder = self.work_dir / (".runtime-" + ("-".join(key) or "base"))
            folder.mkdir(parents=True, exist_ok=True)
            for name in (*RUNTIME_PACKAGES, *fallbacks):
                spec = importlib.util.find_spec(name)
                if spec is None or not spec.origin:
                    continue
                origin = Path(spec.origin)
                source = origin.parent if origin.name == "__init__.py" else origin
                links = [source]
                # bundled shared libraries of a wheel (pillow.libs) sit beside the package
                links += [p for p in source.parent.glob("*.libs") if name.lower() in p.name.lower()]
                for target in links:
                    link = folder / target.name
                    if not link.exists():
                        link.symlink_to(target)
            self._runtime_dirs[key] = folder
            return folder


def fallback_notice(fallbacks: list[str]) -> str:
    """The log line of a cold start that imports host builds instead of the package's own."""
    return (f"[codecraft] {', '.join(fallbacks)}: built for the Lambda platform (CPython "
            f"{PLATFORM_PYTHON}, manylinux x86_64), which this host's Python "
            f"{sys.version_info.major}.{sys.version_info.minor} cannot import; the "
            f"emulator runs the host's build instead (the deployed zip is unchanged)")


def _set_aside_foreign_builds(code_dir: Path) -> None:
    """Move aside top-level packages holding extension modules built for another CPython."""
    tag = f"cpython-{sys.version_info.major}{sys.version_info.minor}-"
    foreign: set[str] = set()
    for ext in code_dir.rglob("*.so"):
        name = ext.name
        if ".cpython-" in name and tag not in name:
            foreign.add(ext.relative_to(code_dir).parts[0])
    for top in sorted(foreign):
        if top.endswith(".libs") or top.endswith(".dist-info"):
            continue
        aside = code_dir / _ASIDE
        aside.mkdir(exist_ok=True)
        os.replace(code_dir / top, aside / top)
