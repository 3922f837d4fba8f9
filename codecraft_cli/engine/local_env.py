"""The environment that points the AWS CLI and SDKs at the embedded emulator (``codecraft local env``).

The emulator accepts any credentials; these are the ones codecraft itself uses locally.
``AWS_PROFILE`` (and a stale ``AWS_SESSION_TOKEN``) are unset so a real account's settings do
not leak into calls meant for the emulator.

The shells also get an ``aws`` function that passes ``--endpoint-url`` explicitly: AWS CLI v1
(still what ``pip install awscli`` gives) ignores ``AWS_ENDPOINT_URL`` for SQS (every region) and
RDS/Neptune/DocumentDB in us-east-1, whose endpoints its ``overridesslcommonname`` customization
forces unless ``--endpoint-url`` is on the command line. ``unset -f aws`` (``functions -e aws`` in
fish) removes it.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..aws.clients import LOCAL_CREDENTIALS
from ..errors import UserError
from ..i18n import _
from .session import open_target
from .settings import Settings

SHELLS = ("sh", "bash", "zsh", "fish", "powershell")
UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN")


@dataclass(frozen=True)
class LocalEnv:
    """What to set (``variables``) and unset (``unset``) to talk to the emulator at ``endpoint``."""

    endpoint: str
    region: str
    variables: dict[str, str]
    unset: tuple[str, ...] = UNSET

    def as_json(self) -> dict[str, str]:
        return dict(self.variables)

    def apply(self, environ: Mapping[str, str]) -> dict[str, str]:
        """``environ`` with these variables set and the others unset (for a child process)."""
        env = {k: v for k, v in environ.items() if k not in self.unset}
        env.update(self.variables)
        return env


def local_env(settings: Settings, on_start: Callable[[], None] | None = None) -> LocalEnv:
    """The emulator's environment; starts the emulator first if it is not running."""
    target = open_target(dataclasses.replace(settings, target="local"), on_start=on_start)
    assert target.endpoint is not None  # a started local target always has one
    variables = {
        "AWS_ENDPOINT_URL": target.endpoint,
        "AWS_REGION": target.region,
        "AWS_DEFAULT_REGION": target.region,
        "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
    }
    return LocalEnv(target.endpoint, target.region, variables)


def render(env: LocalEnv, shell: str = "sh") -> str:
    """The lines a shell evaluates to take ``env`` (sh/bash/zsh, fish or PowerShell)."""
    shell = shell.lower()
    if shell not in SHELLS:
        raise UserError(_("Unknown shell {shell!r}.").format(shell=shell),
                        hint=_("Use --shell sh (bash, zsh), fish or powershell."))
    if shell == "fish":
        lines = [f"set -gx {k} {shlex.quote(v)};" for k, v in env.variables.items()]
        lines += [f"set -e {k};" for k in env.unset]
        lines.append("function aws; command aws --endpoint-url $AWS_ENDPOINT_URL $argv; end;")
    elif shell == "powershell":
        lines = [f"$env:{k} = '{v.replace(chr(39), chr(39) * 2)}'" for k, v in env.variables.items()]
        lines += [f"Remove-Item Env:{k} -ErrorAction SilentlyContinue" for k in env.unset]
        lines.append("function aws { & (Get-Command aws -CommandType Application | Select-Object -First 1) "
                     "--endpoint-url $env:AWS_ENDPOINT_URL @args }")
    else:
        lines = [f"export {k}={shlex.quote(v)}" for k, v in env.variables.items()]
        lines += [f"unset {k}" for k in env.unset]
        lines.append('aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }')
    return "\n".join(lines) + "\n"
