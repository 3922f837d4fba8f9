"""codecraft test-api"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import CheckFailed, UserError
from ..i18n import N_, _
from ..paths import read_user_file
from .options import json_flag, settings
from .output import console, print_json


# a payload's name in the workshop file (--payload laptop); JSON's own words stay JSON
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_JSON_WORDS = ("true", "false", "null", "NaN", "Infinity")


def _payload_name(raw: str | None) -> str | None:
    """``raw`` when it names a payload rather than holding JSON or ``@file``."""
    return raw if raw is not None and _NAME.fullmatch(raw) and raw not in _JSON_WORDS else None


def parse_payload(raw: str | None) -> Any:
    if raw is None:
        return None
    source = "--payload"
    if raw.startswith("@"):
        path = Path(raw[1:])
        raw = read_user_file(path, _("the payload file"), utf8_hint=_("Save it as UTF-8 JSON."),
                             missing_hint=_("Write --payload @path/to/file.json with an existing file."))
        source = str(path)
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise UserError(_("{source} is nested too deeply.").format(source=source),
                        hint=_("Send a simpler JSON body; nothing was sent.")) from exc
    except json.JSONDecodeError as exc:
        raise UserError(_("{source} is not valid JSON: {problem} (line {line}, column {column}).").format(
            source=source, problem=exc.msg, line=exc.lineno, column=exc.colno),
                        hint=_("Quote it for your shell, e.g. {example}; nothing was sent.").format(
                            example="""--payload '{"order_id": "12345"}'""")) from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise UserError(_("{source} cannot be read as JSON: {problem}.").format(source=source, problem=exc),
                        hint=_("Nothing was sent.")) from exc


def test_api(
    ctx: typer.Context,
    payload: Annotated[str | None, typer.Option(
        "--payload", help=N_("JSON body, @file.json, or the name of one of the workshop's payloads, e.g. laptop "
                            "(default: the workshop's sample payload)."))] = None,
    workshop: Annotated[str | None, typer.Option("--workshop", "-w", help=N_("Workshop id."))] = None,
    route: Annotated[str | None, typer.Option("--route", help=N_('e.g. "POST /orders" (default: the workshop\'s).'))] = None,
    student: Annotated[str | None, typer.Option("--student", help=N_("Call this student's API."))] = None,
    api: Annotated[str | None, typer.Option(
        "--api", help=N_("The REST API's name (default: the one holding the workshop's routes, whatever its name)."))] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help=N_("Send no token, even to a protected route."))] = False,
    json_out: Annotated[bool, json_flag("also for a non-2xx answer")] = False,
) -> None:
    """Send a request through the deployed API, as a client would: status, headers and body.

    On the local target it goes through the emulator's gateway (route, method, authorizer, Lambda
    integration); on AWS through the stage's invoke URL. Exit 1 on a non-2xx answer.
    """
    from ..engine.api_request import ApiRequest, call_api

    name = _payload_name(payload)  # checked against the workshop's payloads once it is known
    body = None if name else parse_payload(payload)  # bad JSON: exit 2 before anything else
    request = ApiRequest(body, workshop, route, student, not no_auth, api=api, payload_name=name)
    method, response = call_api(settings(ctx), request,
                                on_signed_in=lambda: console().print(
                                    "[dim]" + _("Signed in as the workshop's test user; sending its ID token.")
                                    + "[/dim]"))
    if json_out:
        print_json(response.as_json())
    else:
        out = console()
        colour = "green" if 200 <= response.status < 300 else "red"
        out.print(f"{method} {response.url} → [bold {colour}]{response.status}[/bold {colour}] "
                  f"[dim]({response.elapsed_ms:.0f} ms)[/dim]")
        for key, value in response.headers.items():
            out.print(f"  [dim]{key}: {value}[/dim]")
        from rich.json import JSON

        if isinstance(response.body, dict | list):
            out.print(JSON(json.dumps(response.body, ensure_ascii=False)))
        else:
            out.print(str(response.body))
    if not 200 <= response.status < 300:
        hint = response.headers.get("x-codecraft-error") or _("Read the body above for the reason.")
        raise CheckFailed(_("The API answered {status}.").format(status=response.status), hint=hint)
