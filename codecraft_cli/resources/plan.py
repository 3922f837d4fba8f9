"""The instructions of a plan: data, run by the executor or only displayed by ``--dry-run``.

A plan is a list of :class:`Call` (one AWS API call) and :class:`Wait` (a botocore waiter)
values. Values known only after an earlier call of the same plan are :class:`Var` placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..aws.retry import RetryPolicy


@dataclass(frozen=True)
class Var:
    """A value produced by an earlier call of the same plan: ``vars[name][path...]``."""

    name: str
    path: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return "<" + ".".join((self.name, *self.path)) + ">"


@dataclass(frozen=True)
class Call:
    """One AWS API call of a plan.

    ``method`` is a boto3 client method. ``output`` stores the response under that name for
    later :class:`Var` lookups. ``records`` marks the call after which the resource exists (the
    state file records it at once). ``gone_ok`` lists error codes that mean "already gone"
    (deletions). ``retry`` is a bounded retry policy for a known AWS eventual-consistency error.
    ``tombstone``: a key remembered (aws/tombstones) once the call succeeds: a deletion whose
    effect AWS completes later (an SQS queue answers for up to 60 s after DeleteQueue).
    ``revives``: the id (a :class:`Var` of this call's own output) made anew by the call: a
    deletion remembered as ``<service>:<id>`` is forgotten once the call succeeds.
    """

    service: str
    method: str
    params: Mapping[str, Any] = field(default_factory=dict)
    output: str | None = None
    records: bool = False
    gone_ok: tuple[str, ...] = ()
    retry: RetryPolicy | None = None
    tombstone: str = ""
    revives: Var | None = None

    @property
    def action(self) -> str:
        """What the console or a log names: the API method."""
        return self.method

    def describe(self) -> str:
        return _describe(f"{self.service}.{self.method}", self.params)


@dataclass(frozen=True)
class Wait:
    """Wait with a botocore waiter (``table_exists``) until the resource reaches a state."""

    service: str
    waiter: str
    params: Mapping[str, Any] = field(default_factory=dict)
    says: str = ""  # what it waits for, said while waiting and as the hint if it times out (a human's click)

    @property
    def action(self) -> str:
        return self.waiter

    def describe(self) -> str:
        return _describe(f"{self.service}.wait:{self.waiter}", self.params)


Step = Call | Wait


def _describe(what: str, params: Mapping[str, Any]) -> str:
    args = ", ".join(f"{k}={_short(v)}" for k, v in params.items())
    return f"{what}({args})"


def _short(value: Any) -> str:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
