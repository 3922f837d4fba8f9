"""The production dependencies of a Node.js function (lambda_src/<name>/package.json), for
engine/packaging.py's reproducible zip.

``npm ci --omit=dev`` installs exactly what the committed ``package-lock.json`` pins, without the
development dependencies, into a ``node_modules/`` folder that the zip carries beside
``index.mjs`` (Lambda Developer Guide, "Deploy Node.js Lambda functions with .zip file archives":
https://docs.aws.amazon.com/lambda/latest/dg/nodejs-package.html). The AWS SDK for JavaScript v3
is not packaged: Lambda's Node.js runtimes provide it. ``--ignore-scripts``: no package's install
script runs on this machine; ``--no-bin-links``: no ``.bin`` links (symbolic links do not belong in
a Lambda zip).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..errors import AwsFailure, UserError
from ..i18n import _

RECIPE = "npm ci --omit=dev"  # part of the cache key: another recipe is another package


def is_node(folder: Path) -> bool:
    return (folder / "package.json").is_file()


def has_dependencies(folder: Path) -> bool:
    """The lock pins at least one package (a function without dependencies needs no npm at all)."""
    import json

    lock = folder / "package-lock.json"
    if not lock.is_file():
        return bool(json.loads((folder / "package.json").read_text()).get("dependencies"))
    packages = json.loads(lock.read_text()).get("packages") or {}
    return any(name.startswith("node_modules/") and not spec.get("dev") for name, spec in packages.items())


def install(folder: Path, work: Path) -> Path | None:
    """The function's ``node_modules`` installed under ``work`` from its lock (None: it has none)."""
    if not has_dependencies(folder):
        return None
    if not (folder / "package-lock.json").is_file():
        raise UserError(_("{folder} has no package-lock.json: its dependencies are not pinned.").format(folder=folder),
                        hint=_("Run `npm install --package-lock-only` in that folder and commit the lock."))
    npm = shutil.which("npm")
    if npm is None:
        raise UserError(_("npm is needed to package the Node.js function {function}, and it is not installed.").format(
                        function=folder.name),
                        hint=_("Install Node.js 22 with npm (`codecraft doctor` shows what is found)."))
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(folder / name, work / name)
    cmd = [npm, "ci", "--omit=dev", "--ignore-scripts", "--no-bin-links", "--no-audit", "--no-fund",
           "--loglevel=error"]
    try:
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired as exc:
        raise AwsFailure(_("Installing the npm dependencies of {function} took more than 10 minutes.").format(
                         function=folder.name), hint=_("Check your access to the npm registry.")) from exc
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        raise AwsFailure(
            _("Installing the npm dependencies of {function} failed: {detail}").format(
                function=folder.name, detail=lines[-1] if lines else _("npm failed")),
            hint=_("Check lambda_src/<function>/package-lock.json and your access to the npm registry."))
    modules = work / "node_modules"
    return modules if modules.is_dir() else None
