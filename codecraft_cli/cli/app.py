"""The ``codecraft`` command: global options, command registration, the error boundary."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from ..engine.settings import Settings
from ..i18n import N_, _, pick_lang, require_lang, set_lang

app = typer.Typer(
    name="codecraft",
    help=N_("Build, check, test and tear down AWS classroom workshops, step by step, on the "
            "embedded local emulator (default) or on a real AWS account (--target aws)."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: no Markdown stack to import (start-up time)
    context_settings={"help_option_names": ["-h", "--help"]},
)

@app.callback()
def _global(
    ctx: typer.Context,
    target: Annotated[str, typer.Option(
        "--target", envvar="CODECRAFT_TARGET",
        help=N_("Where resources live: local (the embedded emulator) or aws."))] = "local",
    profile: Annotated[str | None, typer.Option(
        "--profile", envvar="AWS_PROFILE", help=N_("AWS profile (aws target)."))] = None,
    region: Annotated[str | None, typer.Option(
        "--region", help=N_("AWS region (default: AWS_REGION, your AWS config, or us-east-1 locally)."))] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help=N_("Language of everything codecraft says: fr or en (default: CODECRAFT_LANG, "
                          "then the locale: LC_ALL, LC_MESSAGES, LANG)."))] = None,
    debug: Annotated[bool, typer.Option("--debug", help=N_("Show tracebacks on errors."))] = False,
) -> None:
    from ..errors import UserError

    if target.lower() not in ("local", "aws"):
        raise UserError(_("Unknown target {target!r}.").format(target=target),
                        hint=_("Use --target local (the embedded emulator) or --target aws (or set "
                               "CODECRAFT_TARGET to one of them)."))
    require_lang(lang)
    settings = ctx.ensure_object(Settings)  # main()'s, read by the error boundary; the commands' ctx.obj
    settings.target = target.lower()
    settings.profile = profile
    settings.region = region
    settings.lang = pick_lang(lang)
    set_lang(settings.lang)
    settings.debug = debug


def _register() -> None:
    from . import (cmd_aws, cmd_classroom, cmd_doctor, cmd_inspect, cmd_local, cmd_setup, cmd_show, cmd_status,
                   cmd_teardown, cmd_test_api, cmd_verify, cmd_workshops)

    app.command("workshops")(cmd_workshops.workshops)
    app.command("show")(cmd_show.show)
    app.command("diagram")(__import__(f"{__package__}.cmd_diagram", fromlist=["diagram"]).diagram)
    app.command("export")(__import__(f"{__package__}.cmd_export", fromlist=["export"]).export)
    app.command("setup")(cmd_setup.setup)
    app.command("teardown")(cmd_teardown.teardown)
    app.command("status")(cmd_status.status)
    app.command("doctor")(cmd_doctor.doctor)
    app.command("verify")(cmd_verify.verify)
    app.command("test-api")(cmd_test_api.test_api)
    app.add_typer(cmd_inspect.app, name="inspect")
    app.add_typer(cmd_local.app, name="local")
    app.add_typer(cmd_classroom.app, name="classroom")
    app.command("aws", **cmd_aws.REGISTRATION)(cmd_aws.aws)


_register()


def lang_first(args: list[str]) -> tuple[list[str], str | None]:
    """``args`` with every ``--lang X`` moved before the command (it may be given after the command
    name too), and the language it names. Not past ``--``, nor inside ``codecraft aws ...``."""
    words, chosen, index = list(args), None, 0
    while index < len(words) and words[index] not in ("--", "aws"):
        word = words[index]
        if word == "--lang" and index + 1 < len(words):
            chosen = words[index + 1]
            del words[index:index + 2]
        elif word.startswith("--lang="):
            chosen = word.partition("=")[2]
            del words[index]
        else:
            index += 1
    return ([] if chosen is None else ["--lang", chosen]) + words, chosen


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command; every error is one message and a hint (exit 1/2/3)."""
    from .help import translate_tree, usage_error
    from .output import console

    # Typer 0.26+ raises the exceptions of its own copy of click (typer._click); older ones, click's
    import importlib

    try:
        exceptions = importlib.import_module("typer._click.exceptions")
    except ImportError:
        exceptions = importlib.import_module("click.exceptions")

    def kinds(name: str, *more: type[BaseException]) -> tuple[type[BaseException], ...]:
        return tuple({c for c in (getattr(exceptions, name, None), *more) if c})

    exits, aborts = kinds("Exit", typer.Exit), kinds("Abort", typer.Abort)
    usage = kinds("ClickException")
    args, lang = lang_first(list(sys.argv[1:] if argv is None else argv))
    set_lang(pick_lang(lang))  # before anything is said, help and usage errors included
    debug = "--debug" in args[: args.index("--")] if "--" in args else "--debug" in args
    debug = debug or bool(os.environ.get("CODECRAFT_DEBUG"))
    command = translate_tree(typer.main.get_command(app))
    settings = Settings()
    try:
        code = command.main(args=args, prog_name="codecraft", standalone_mode=False, obj=settings)
    except exits as exc:
        code = getattr(exc, "exit_code", 0)
    except aborts:
        console().print(_("[yellow]Aborted.[/yellow] Nothing more was changed."))
        code = 130
    except usage as exc:
        said, code = usage_error(exc)  # a ClickException: its usage line and message, translated
        print(said, file=sys.stderr)
        code = 2 if code in (1, 2) else code
    except KeyboardInterrupt:
        console().print("\n" + _("[yellow]Interrupted.[/yellow] What was created is recorded: run the same "
                                 "command again to resume, or `codecraft teardown` to remove it."))
        code = 130
    except Exception as exc:
        code = _render_error(exc, debug, settings.target == "local")
    sys.exit(code if isinstance(code, int) else 0)


def run() -> None:
    """The console script: :func:`main`, then a prompt exit.

    A normal interpreter exit frees every object botocore loaded (service models, endpoint
    rulesets): ≈0.2 s after the work is done, on every command. Once the command has finished,
    its output is flushed and the exit handlers have run, nothing is left to do but that, so
    the process ends at once — unless another thread is still working (then Python's own exit
    waits for it as usual).
    """
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - main() always exits
        code = 0
    if isinstance(code, str):  # sys.exit("message") semantics
        print(code, file=sys.stderr)
        code = 1
    code = 0 if code is None else int(code)
    import threading

    if any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


def _render_error(exc: Exception, debug: bool, local: bool) -> int:
    from ..aws.errors import translate
    from ..errors import CodecraftError
    from .output import console

    if type(exc).__module__.startswith("botocore"):
        exc = translate(exc, "an AWS call", local)
    if isinstance(exc, CodecraftError):
        if debug:
            console().print_exception()
        console().print(_("[bold red]Error:[/bold red] {message}").format(message=exc.message),
                        markup=True, highlight=False)
        if exc.hint:
            console().print(_("[bold]Hint:[/bold] {hint}").format(hint=exc.hint))
        return exc.exit_code
    # a bug: say so, without a traceback unless asked
    if debug:
        console().print_exception()
    console().print(_("[bold red]Unexpected error:[/bold red] {kind}: {error}").format(
        kind=type(exc).__name__, error=exc))
    console().print(_("[bold]Hint:[/bold] rerun with --debug to see the traceback."))
    return 3
