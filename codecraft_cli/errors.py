"""One exception family for everything a user should see as a message, not a traceback.

Exit codes (the command-line contract):
    0 ok · 1 a check or test failed · 2 bad input · 3 AWS or emulator failure

A message and its hint are already in the user's language: whoever raises translates them (this
module imports nothing of codecraft: ``i18n`` raises a UserError itself). Reading a file the user
names is ``paths.read_user_file``.
"""

from __future__ import annotations


class CodecraftError(Exception):
    """An error with a message and a hint, rendered by the CLI's error boundary."""

    exit_code = 3

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UserError(CodecraftError):
    """Bad input: unknown workshop, invalid YAML, bad payload, bad option (exit 2)."""

    exit_code = 2


class AwsFailure(CodecraftError):
    """A call to AWS (or to the emulator) failed (exit 3)."""

    exit_code = 3


class EmulatorError(CodecraftError):
    """The embedded emulator could not be started or reached (exit 3)."""

    exit_code = 3


class CheckFailed(CodecraftError):
    """A check or a test did not pass (exit 1)."""

    exit_code = 1

