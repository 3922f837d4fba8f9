"""codecraft local start|stop|status|reset|env: the embedded emulator."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_, _
from .options import JsonOpt, settings
from .output import console, print_json

app = typer.Typer(help=N_("The embedded local AWS emulator (moto server + API gateway + Lambda runner)."),
                  no_args_is_help=True)


@app.command("start")
def start(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Start the emulator in the background (commands also start it when they need it)."""
    from ..engine.session import resolve_region
    from ..local import process

    with console().status(_("Starting the embedded emulator…")):
        info, started = process.start(resolve_region(settings(ctx)))
    state = process.status()
    if json_out:
        print_json(state)
    else:
        said = (_("[green]Started[/green]: AWS endpoint {endpoint} · API gateway {gateway} · pid {pid}") if started
                else _("Already running: AWS endpoint {endpoint} · API gateway {gateway} · pid {pid}"))
        console().print(said.format(endpoint=info["endpoint"], gateway=info["gateway"], pid=info["pid"]))


@app.command("stop")
def stop(json_out: JsonOpt = False) -> None:
    """Stop the emulator (its resources are forgotten: it keeps them in memory)."""
    from ..local import process

    was = process.stop()
    if json_out:
        print_json({"stopped": was, **process.status()})
    else:
        console().print(_("Stopped.") if was else _("The emulator was not running."))


@app.command("status")
def status(json_out: JsonOpt = False) -> None:
    """Is the emulator running, and where."""
    from ..local import process

    state = process.status()
    if json_out:
        print_json({k: state[k] for k in ("running", "endpoint", "gateway", "mysql")})
    elif state["running"]:
        console().print(_("[green]Running[/green] (pid {pid}): AWS endpoint {endpoint} · API gateway {gateway}")
                        .format(pid=state["pid"], endpoint=state["endpoint"], gateway=state["gateway"]))
    else:
        console().print(_("Not running. Start it with [bold]codecraft local start[/bold] "
                          "(commands start it when they need it)."))


@app.command("reset")
def reset(yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask."))] = False,
          json_out: JsonOpt = False) -> None:
    """Stop the emulator and erase its data and the local deployments' state."""
    import sys

    from ..local import process

    if not yes and sys.stdin.isatty() and not typer.confirm(_("Erase every local deployment?"), err=True):
        from .output import declined

        declined()
    process.reset()
    if json_out:
        print_json({"reset": True, **process.status()})
    else:
        console().print(_("The emulator is stopped and its data erased."))


ENV_HELP = N_("""Print the shell lines that point the AWS CLI and SDKs at the emulator (started if needed).

\b
bash, zsh:   `eval "$(codecraft local env)"`
fish:        `codecraft local env --shell fish | source`
PowerShell:  `codecraft local env --shell powershell | Out-String | Invoke-Expression`

Sets AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION and test keys (the emulator accepts any);
unsets AWS_PROFILE and AWS_SESSION_TOKEN. --json: the variables as an object.""")


@app.command("env", help=ENV_HELP)
def env(ctx: typer.Context,
        shell: Annotated[str, typer.Option(
            "--shell", help=N_("The shell that evaluates the lines: sh (bash, zsh), fish or powershell."))] = "sh",
        json_out: JsonOpt = False) -> None:
    import sys

    from ..engine.local_env import SHELLS, local_env, render

    if shell.lower() not in SHELLS:  # before starting anything
        from ..errors import UserError

        raise UserError(_("Unknown shell {shell!r}.").format(shell=shell),
                        hint=_("Use --shell sh (bash, zsh), fish or powershell."))
    started: list[bool] = []
    with console().status(_("Starting the embedded emulator…")):
        result = local_env(settings(ctx), on_start=lambda: started.append(True))
    if started:
        console().print(_("[green]Started[/green] the embedded emulator: AWS endpoint {endpoint}")
                        .format(endpoint=result.endpoint))
    if json_out:
        print_json(result.as_json())
    else:
        sys.stdout.write(render(result, shell))
        sys.stdout.flush()
