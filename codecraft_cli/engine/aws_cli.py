"""``codecraft aws ARGS...``: the AWS CLI against the embedded emulator (like LocalStack's awslocal).

The ``aws`` on PATH when there is one; otherwise a private copy installed on first use into
``CODECRAFT_HOME/tools/awscli`` (a venv, ``pip install awscli``). awscli is not a dependency of
codecraft: only this command needs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .. import paths
from ..errors import CodecraftError
from ..i18n import _
from .local_env import local_env
from .settings import Settings

INSTALL_TIMEOUT = 600.0


def tool_dir() -> Path:
    return paths.home() / "tools" / "awscli"


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def aws_command(on_install: Callable[[Path], None] | None = None) -> list[str]:
    """The command that runs the AWS CLI: ``aws`` on PATH, else the private copy (installed now if missing)."""
    found = shutil.which("aws")
    if found:
        return [found]
    venv = tool_dir()
    python = _venv_python(venv)
    marker = venv / ".installed"
    if not marker.exists():
        if on_install:
            on_install(venv)
        _install(venv, python)
        marker.write_text("awscli\n")
    return [str(python), "-m", "awscli"]


def _install(venv: Path, python: Path) -> None:
    hint = _("Install the AWS CLI yourself (https://docs.aws.amazon.com/cli/) so that `aws` is on PATH, "
             "or check that pip can reach PyPI, then run the command again (the partial copy in {venv} "
             "is replaced).").format(venv=venv)
    if venv.exists():  # an earlier, interrupted install
        shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = ([sys.executable, "-m", "venv", str(venv)],
             [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "awscli"])
    for step in steps:
        try:
            proc = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CodecraftError(_("Could not install the AWS CLI into {venv}: {error}").format(venv=venv, error=exc),
                                 hint=hint) from None
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise CodecraftError(_("Could not install the AWS CLI into {venv} ({step} exited {code}): {detail}")
                                 .format(venv=venv, step=" ".join(step[2:4]), code=proc.returncode,
                                         detail=" / ".join(detail)), hint=hint)


def run_aws(settings: Settings, args: list[str], on_start: Callable[[], None] | None = None,
            on_install: Callable[[Path], None] | None = None) -> int:
    """Run the AWS CLI with ``args`` against the emulator (started if needed); its exit code.

    Its stdout and stderr are this process's: they stream as it writes them.
    """
    env = local_env(settings, on_start)
    command = aws_command(on_install)
    given = any(a == "--endpoint-url" or a.startswith("--endpoint-url=") for a in args)
    endpoint = [] if given else ["--endpoint-url", env.endpoint]
    proc = subprocess.Popen([*command, *endpoint, *args], env=env.apply(os.environ))
    try:
        code = proc.wait()
    except KeyboardInterrupt:  # the AWS CLI got the Ctrl-C too: let it finish and say so itself
        proc.wait()
        return 130
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention
