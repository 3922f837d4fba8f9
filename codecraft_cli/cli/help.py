"""The help and usage errors of click and Typer, in the user's language.

Typer 0.26+ ships its own copy of click whose words are plain English ("Usage: ", "Show this
message and exit.", "No such option: --x"); Typer's own words ("Options", "Commands",
"default: {default}", "required") go through the standard ``gettext``. So, once the command tree
is built (:func:`translate_tree`):

- every command and group gets a subclass whose help rendering translates its help text, its
  parameters' help, the usage prefix and the help option's text through codecraft's catalogs;
- ``typer.core._`` is codecraft's :func:`~codecraft_cli.i18n._` (Typer looks it up at each call);
- a usage error is said by :func:`usage_error` (its message matched against click's templates).

The message ids of click's and Typer's own words are listed in :data:`THIRD_PARTY` (they are not
in codecraft's source for the extractor to find); a test checks each still exists in the
installed Typer, so an upgrade that rewords one is noticed.
"""

from __future__ import annotations

import inspect
import re
from contextlib import contextmanager
from typing import Any

from ..i18n import N_, _

HELP_OPTION = N_("Show this message and exit.")
USAGE = N_("Usage: ")
TRY_HELP = N_("Try '{command} {option}' for help.")
ERROR = N_("Error: {message}")

# click's usage errors (typer/_click/core.py, parser.py, types.py): template -> the regex that
# reads its values back from the English message
_ERRORS = [(template, re.compile(pattern)) for template, pattern in (
    (N_("No such option: {name}"), r"^No such option: (?P<name>\S+)$"),
    (N_("No such option: {name} (Possible options: {options})"),
     r"^No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)$"),
    (N_("No such option: {name} Did you mean {options}?"), r"^No such option: (?P<name>\S+) Did you mean (?P<options>.+)\?$"),
    (N_("Missing argument '{name}'."), r"^Missing argument '(?P<name>[^']+)'\.$"),
    (N_("Missing option '{name}'."), r"^Missing option '(?P<name>[^']+)'\.$"),
    (N_("Missing command."), r"^Missing command\.$"),
    (N_("No such command '{name}'."), r"^No such command '(?P<name>[^']+)'\.$"),
    (N_("No such command '{name}'. Did you mean {options}?"),
     r"^No such command '(?P<name>[^']+)'\. Did you mean (?P<options>.+)\?$"),
    (N_("Got unexpected extra argument(s) ({args})"), r"^Got unexpected extra argument\(s\) \((?P<args>.+)\)$"),
    (N_("Option '{name}' requires an argument."), r"^Option '(?P<name>[^']+)' requires an argument\.$"),
    (N_("Option '{name}' requires {count} arguments."), r"^Option '(?P<name>[^']+)' requires (?P<count>\d+) arguments\.$"),
    (N_("Invalid value for '{name}': {problem}"), r"^Invalid value for '(?P<name>[^']+)': (?P<problem>.+)$"),
    (N_("Invalid value for {name}: {problem}"), r"^Invalid value for (?P<name>[^:]+): (?P<problem>.+)$"),
)]
# what click says of a bad value (the part after "Invalid value for 'X': ")
_PROBLEMS = [(template, re.compile(pattern)) for template, pattern in (
    (N_("{value!r} is not one of {choices}."), r"^(?P<value>'.*') is not one of (?P<choices>.+)\.$"),
    (N_("{value!r} is not a valid integer."), r"^(?P<value>'.*') is not a valid integer\.$"),
    (N_("{value!r} is not a valid float."), r"^(?P<value>'.*') is not a valid float\.$"),
    (N_("{value} is not in the range {range}."), r"^(?P<value>\S+) is not in the range (?P<range>.+)\.$"),
    (N_("{value!r} is not a valid boolean. Recognized values: {states}"),
     r"^(?P<value>'.*') is not a valid boolean\. Recognized values: (?P<states>.+)$"),
)]
# Typer's own words (typer/core.py: `_("...")`), translated through typer.core._
THIRD_PARTY = (N_("Options"), N_("Arguments"), N_("Commands"), N_("default: {default}"), N_("required"),
               N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"), N_("Missing command."),
               N_("No such command {name!r}."))


def translate_problem(problem: str) -> str:
    for template, pattern in _PROBLEMS:
        found = pattern.match(problem)
        if found:
            return _(template).replace("{value!r}", "{value}").format(**found.groupdict())
    return problem


def translate_message(message: str) -> str:
    """A click usage error's message in the current language (unknown ones as they are)."""
    for template, pattern in _ERRORS:
        found = pattern.match(message)
        if found:
            values = found.groupdict()
            if "problem" in values:
                values["problem"] = translate_problem(values["problem"])
            return _(template).format(**values)
    return message


def usage_error(exc: Any) -> tuple[str, int]:
    """What a click usage error prints (usage line, the try-help line, the error), and its exit code."""
    lines = []
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            option = ctx.help_option_names[0] if ctx.help_option_names else "--help"
            lines.append(_(TRY_HELP).format(command=ctx.command_path, option=option))
        lines.append("")
    lines.append(_(ERROR).format(message=translate_message(exc.format_message())))
    return "\n".join(lines), int(getattr(exc, "exit_code", 2))


@contextmanager
def _help_in_language(command: Any, ctx: Any) -> Any:
    """The command's and its parameters' help texts translated while they are rendered."""
    saved = [(command, command.help)] + [(p, getattr(p, "help", None)) for p in command.get_params(ctx)]
    try:
        for obj, value in saved:
            if value:
                obj.help = _(inspect.cleandoc(value)) if obj is command else _(value)
        yield
    finally:
        for obj, value in saved:
            obj.help = value


def _translated_class(base: type) -> type:
    """``base`` (a Typer command or group class) rendering its help in the current language.
    Made by subclassing ``base`` alone: an existing command object can then take the class."""

    def format_usage(self: Any, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_(USAGE))

    def format_help(self: Any, ctx: Any, formatter: Any) -> None:
        with _help_in_language(self, ctx):
            base.format_help(self, ctx, formatter)  # type: ignore[attr-defined]

    def get_short_help_str(self: Any, limit: int = 45) -> str:
        saved = getattr(self, "help", None)
        try:
            if saved:
                self.help = _(inspect.cleandoc(saved))
            return str(base.get_short_help_str(self, limit))  # type: ignore[attr-defined]
        finally:
            self.help = saved

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = base.get_help_option(self, ctx)  # type: ignore[attr-defined]
        if option is not None and not option.help:  # once: _help_in_language translates it while shown
            option.help = HELP_OPTION  # translated with the other parameters when shown
        return option

    return type(f"Translated{base.__name__}", (base,), {
        "__slots__": (), "translated": True, "format_usage": format_usage, "format_help": format_help,
        "get_short_help_str": get_short_help_str, "get_help_option": get_help_option})


_CLASSES: dict[type, type] = {}


def translate_tree(command: Any) -> Any:
    """Give ``command`` and every subcommand a translating class; route Typer's words through ours."""
    import typer.core

    typer.core._ = _  # type: ignore[attr-defined]
    cls = type(command)
    if not getattr(cls, "translated", False):
        if cls not in _CLASSES:
            _CLASSES[cls] = _translated_class(cls)
        command.__class__ = _CLASSES[cls]
    for sub in (getattr(command, "commands", None) or {}).values():
        translate_tree(sub)
    return command
