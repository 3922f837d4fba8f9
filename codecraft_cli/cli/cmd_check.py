"""codecraft verify · codecraft test-api"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import CheckFailed, UserError, read_user_file
from ..i18n import text
from .output import console, ok_mark, print_json


def verify(
    workshop: Annotated[str, typer.Argument(help="Workshop id.")],
    student: Annotated[str | None, typer.Option("--student", help="Check this student's resources.")] = None,
    grade: Annotated[bool, typer.Option("--grade", help="Print the score from the workshop's rubric.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout (also when a check fails).")] = False,
) -> None:
    """Check every step: resources exist with the workshop's settings, and the path works end to end.

    A probe order goes through the API; the checks look for it in the table, the queue and the
    logs, then remove it. Exit 1 if a check fails (the JSON report is still printed).
    """
    from ..engine.grading import score
    from ..engine.session import open_context, open_target
    from ..engine.verifier import NOTHING_BUILT, run_checks
    from ..workshop import load_workshop
    from .app import OPTIONS

    w = load_workshop(workshop)
    target = open_target(OPTIONS)
    ctx = open_context(w, target, student, OPTIONS.lang)
    out = console()
    titles = {step.id: f"{n}. {text(step.title, OPTIONS.lang)}" for n, step in enumerate(w.steps, start=1)}
    shown: set[str] = set()

    def show(result: Any) -> None:
        if json_out:
            return
        if result.step not in shown:
            shown.add(result.step)
            out.print(f"[bold]{titles.get(result.step, result.step)}[/bold]")
        label = result.title or result.check
        out.print(f"  {ok_mark(result.ok)} {label}: [dim]{result.detail}[/dim]")
        if not result.ok and result.fix:
            out.print(f"      [yellow]fix:[/yellow] {result.fix}")

    # resources built by hand in the console count, found by their names
    results = run_checks(ctx, on_result=show, by_hand=True)
    passed = sum(r.ok for r in results)
    pct = score(w, results)
    if json_out:
        print_json({"workshop": w.id, "checks": [r.as_json() for r in results], "passed": passed,
                    "total": len(results), "score": pct})
    else:
        out.print(f"{passed}/{len(results)} checks passed" + (f" · score {pct:g}/100" if grade else ""))
    if grade and not json_out:
        for item in w.rubric:
            ok = all(any(r.ok and (r.check == c or f"{r.step}.{r.check}" == c) for r in results) for c in item.checks)
            out.print(f"  {ok_mark(ok)} {text(item.criterion, OPTIONS.lang)} ({item.points:g} pts)")
    if passed == 0 and any(r.detail == NOTHING_BUILT for r in results):
        raise CheckFailed(f"Nothing of {w.id} exists on the {target.name} target"
                          + (f" for {student}" if student else "") + ".",
                          hint=f"Run `codecraft setup {w.id}`, or build it by hand following "
                          f"`codecraft show {w.id}` (then verify again).")
    if passed != len(results):
        failed_steps = sorted({r.step for r in results if not r.ok}, key=list(titles).index)
        raise CheckFailed(f"{len(results) - passed} check(s) failed, in step(s): "
                          + ", ".join(titles[s] for s in failed_steps),
                          hint=f"Fix what is marked ✘, or rerun `codecraft setup {w.id}`.")


def _parse_payload(raw: str | None) -> Any:
    if raw is None:
        return None
    source = "--payload"
    if raw.startswith("@"):
        path = Path(raw[1:])
        raw = read_user_file(path, "the payload file", utf8_hint="Save it as UTF-8 JSON.",
                             missing_hint="Write --payload @path/to/file.json with an existing file.")
        source = str(path)
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise UserError(f"{source} is nested too deeply.", hint="Send a simpler JSON body; nothing was sent.") from exc
    except json.JSONDecodeError as exc:
        raise UserError(f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
                        hint="""Quote it for your shell, e.g. --payload '{"order_id": "12345"}'; """
                        "nothing was sent.") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise UserError(f"{source} cannot be read as JSON: {exc}.", hint="Nothing was sent.") from exc


def _deployed_workshop(target_name: str, region: str, student: str | None) -> str:
    from ..engine.state import all_states
    from ..workshop import load_workshop

    found = []
    for state in all_states(target_name):
        if state.data.get("region") != region or state.data.get("student") != student:
            continue
        try:
            if load_workshop(state.data["workshop"]).api:
                found.append(state.data["workshop"])
        except UserError:
            continue
    if len(found) == 1:
        return found[0]
    raise UserError("Which workshop's API? " + ("None is deployed." if not found else f"Deployed: {', '.join(found)}."),
                    hint="Pass --workshop, e.g. --workshop anycompany-orders (after `codecraft setup`).")


def test_api(
    payload: Annotated[str | None, typer.Option(
        "--payload", help="JSON body, or @file.json (default: the workshop's sample payload).")] = None,
    workshop: Annotated[str | None, typer.Option("--workshop", "-w", help="Workshop id.")] = None,
    route: Annotated[str | None, typer.Option("--route", help='e.g. "POST /orders" (default: the workshop\'s).')] = None,
    student: Annotated[str | None, typer.Option("--student", help="Call this student's API.")] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Send no token, even to a protected route.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="JSON on stdout (also for a non-2xx answer).")] = False,
) -> None:
    """Send a request through the deployed API, as a client would: status, headers and body.

    On the local target it goes through the emulator's gateway (route, method, authorizer, Lambda
    integration); on AWS through the stage's invoke URL. Exit 1 on a non-2xx answer.
    """
    from ..engine.api import parse_route, route_needs_token, send, sign_in, stage_of
    from ..engine.context import check_student
    from ..engine.session import open_context, open_target, resolve_region, state_for
    from ..workshop import all_workshops, load_workshop
    from .app import OPTIONS

    body = _parse_payload(payload)  # bad JSON: exit 2 before anything else
    check_student(student)
    name = workshop or _deployed_workshop(OPTIONS.target, resolve_region(OPTIONS), student)
    w = load_workshop(name)
    if not w.api:
        with_api = [o.id for o in all_workshops() if o.api]
        raise UserError(f"The workshop {w.id} has no REST API to test.",
                        hint=f"Pick one that has: --workshop {' | '.join(with_api)}.")
    if not (route or w.default_route):
        raise UserError(f"The workshop {w.id} names no default route.",
                        hint='Say which one, e.g. --route "POST /orders".')
    method, path = parse_route(route or w.default_route or "")
    if body is None and w.default_payload:
        body = w.payloads.get(w.default_payload)
    target = open_target(OPTIONS)
    ctx = open_context(w, target, student, OPTIONS.lang)
    state = state_for(ctx)
    outputs = {**ctx.prerequisite_outputs(), **{rid: rec.get("outputs", {}) for rid, rec in state.resources.items()}}
    api_id, stage = stage_of(w, outputs)
    headers = {}
    if not no_auth and route_needs_token(w, method, path) and w.test_user:
        headers["Authorization"] = sign_in(ctx, outputs, w.test_user["client"], w.test_user["user"])
        console().print("[dim]Signed in as the workshop's test user; sending its ID token.[/dim]")
    response = send(ctx, api_id, stage, method, path, body, headers)
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
        hint = response.headers.get("x-codecraft-error") or "Read the body above for the reason."
        raise CheckFailed(f"The API answered {response.status}.", hint=hint)


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("test-api")(test_api)
