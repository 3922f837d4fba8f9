"""A whole class at once: every student's deployment of a workshop, side by side in one account.

Each student's resources carry the student's prefix and tags (``--student``), so deployments
coexist and one can be torn down without touching the others. Operations run concurrently,
a few students at a time (AWS throttles bursts of control-plane calls; botocore's standard
retry mode absorbs the rest). The calls AWS limits per account (API Gateway: DeleteRestApi one
every 30 s, CreateDeployment one every 5 s) are paced across the whole class by one
:class:`~codecraft_cli.aws.retry.Pacer`, and each wait shows in the student's row.
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..aws.clients import Clients, Target
from ..aws.retry import PACED, Pacer
from ..errors import CodecraftError, UserError
from ..i18n import N_, _, number
from ..paths import read_user_file
from ..workshop import load_workshop
from .context import DeployContext, check_student
from .deploy import Deployer, ResourceResult
from .executor import Executor
from .grading import score
from .identity import Deployments, prerequisites
from .state import StateStore
from .verifier import CheckResult, run_checks

COLUMNS = ("student", "étudiant", "etudiant", "élève", "eleve", "login", "identifiant", "id", "name",
           "nom", "email", "e-mail", "courriel", "mail")  # the first found names the students
FIRST_NAMES = ("prénom", "prenom", "first name", "firstname")  # joined to "nom"/"last name" when both exist
LAST_NAMES = ("nom", "last name", "lastname")


def slug(name: str) -> str:
    """'Élodie Martin' -> 'elodie-martin': a valid --student name."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = plain.split("@", 1)[0]
    plain = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if plain and not plain[0].isalpha():
        plain = "s-" + plain
    return plain[:20].rstrip("-")


def read_roster(path: Path) -> list[str]:
    """Student names from a CSV (comma, semicolon or tab separated): the first of the columns in
    COLUMNS (English or French headers), else the first column of every line; names become
    --student names (lowercase, ascii, hyphens)."""
    text = read_user_file(path, _("the roster"), utf8_hint=_("Save the CSV as UTF-8."), encoding="utf-8-sig",
                          missing_hint=_("Give a CSV file with one student per line (a 'student' column)."))
    lines = text.splitlines()
    try:  # French spreadsheets write ';' between columns
        delimiter = csv.Sniffer().sniff(lines[0] if lines else "", delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = list(csv.reader(lines, delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise UserError(_("The roster {path} is not a readable CSV: {error}.").format(path=path, error=exc),
                        hint=_("One student per line.")) from exc
    if not rows:
        raise UserError(_("The roster {path} is empty.").format(path=path),
                        hint=_("One student per line, with a 'student' header."))
    header = [h.strip().lower() for h in rows[0]]
    column = next((header.index(c) for c in COLUMNS if c in header), None)
    first = next((header.index(c) for c in FIRST_NAMES if c in header), None)
    last = next((header.index(c) for c in LAST_NAMES if c in header), None)
    if first is not None and last is not None and header[column or 0] in LAST_NAMES:
        column = None  # "prénom" + "nom": the student is both
    body = rows[1:] if column is not None or first is not None else rows
    students: list[str] = []
    for line, row in enumerate(body, start=2 if body is not rows else 1):
        if first is not None and last is not None and column is None:
            cell = " ".join(row[i].strip() for i in (first, last) if len(row) > i)
        else:
            cell = row[column or 0] if len(row) > (column or 0) else ""
        if not cell.strip():
            continue
        name = slug(cell)
        try:
            check_student(name)
        except UserError as exc:
            raise UserError(_("{path}, line {line}: {cell!r} gives no usable student name.").format(
                            path=path, line=line, cell=cell), hint=exc.hint) from exc
        if name in students:
            raise UserError(_("{path}, line {line}: {name} appears twice.").format(path=path, line=line, name=name),
                            hint=_("Make each student unique."))
        students.append(name)
    if not students:
        raise UserError(_("The roster {path} names no student.").format(path=path), hint=_("One student per line."))
    return students


@dataclass
class StudentRun:
    student: str
    status: str = "waiting"  # waiting | running | done | failed
    current: str = ""
    created: int = 0
    unchanged: int = 0
    deleted: int = 0
    score: float | None = None
    passed: int = 0
    total: int = 0
    seconds: float = 0.0
    error: str = ""
    failed_checks: list[str] = field(default_factory=list)


Update = Callable[[StudentRun], None]
CLASS_PACER = Pacer()  # one account: the students' paced calls take turns


def _executor(ctx: DeployContext) -> Executor:
    return Executor(ctx, pacer=CLASS_PACER)


def teardown_estimate(workshop_id: str, target: Target, students: int) -> str | None:
    """What the per-account quotas make the class's teardown last at least (None: no quota applies)."""
    if target.is_local:
        return None
    chain = [workshop_id, *prerequisites(load_workshop(workshop_id))]
    apis = students * sum(1 for wid in chain for res in load_workshop(wid).resources
                          if res.type == "apigateway.rest_api")
    if not apis:
        return None
    interval = PACED[("apigateway", "delete_rest_api")]
    minutes = (apis - 1) * interval / 60
    return (_("API Gateway deletes one REST API every {interval} s per account: the {apis} APIs of the class "
              "take about {minutes} min").format(interval=f"{interval:g}", apis=apis, minutes=number(minutes, 0))
            if apis > 1 else None)


def _context(workshop_id: str, target: Target, student: str, lang: str) -> DeployContext:
    from .runtime_choice import deployed  # its functions in the language recorded (setup --runtime)

    w = deployed(load_workshop(workshop_id), Deployments(target.name, target.region).key(workshop_id, student))
    return DeployContext(w, target, Clients(target), student, lang)


def _state(ctx: DeployContext) -> StateStore:
    return ctx.key.store()


def setup_student(workshop_id: str, target: Target, run: StudentRun, lang: str, update: Update) -> None:
    """The workshop and its prerequisites, for one student."""
    for wid in [*reversed(prerequisites(load_workshop(workshop_id))), workshop_id]:
        ctx = _context(wid, target, run.student, lang)

        def event(kind: str, result: ResourceResult) -> None:
            if kind == "start":
                run.current = f"{wid}: {result.name}"
            elif kind == "wait":
                run.current = f"{wid}: {result.name}: {result.note}"
            elif result.action == "created":
                run.created += 1
            elif result.action == "unchanged":
                run.unchanged += 1
            update(run)

        Deployer(ctx, _state(ctx), _executor(ctx), event).setup()


def verify_student(workshop_id: str, target: Target, run: StudentRun, lang: str, update: Update) -> list[CheckResult]:
    ctx = _context(workshop_id, target, run.student, lang)

    def progress(result: CheckResult) -> None:
        run.current = result.step
        update(run)

    results = run_checks(ctx, on_result=progress, by_hand=True)  # built in the console counts
    run.passed, run.total = sum(r.ok for r in results), len(results)
    run.score = score(ctx.workshop, results)
    run.failed_checks = [f"{r.step}.{r.check}" for r in results if r.failed]
    return results


def teardown_student(workshop_id: str, target: Target, run: StudentRun, lang: str, update: Update) -> None:
    """The workshop, then the prerequisites no other of the student's deployments uses."""
    order = [workshop_id, *prerequisites(load_workshop(workshop_id))]
    for wid in order:
        ctx = _context(wid, target, run.student, lang)
        state = _state(ctx)
        if not state.resources:
            continue

        def event(kind: str, result: ResourceResult) -> None:
            if kind == "start":
                run.current = f"{wid}: {result.name}"
            elif kind == "wait":
                run.current = f"{wid}: {result.name}: {result.note}"
            elif result.action == "deleted":
                run.deleted += 1
            update(run)

        Deployer(ctx, state, _executor(ctx), event).teardown()


def for_class(students: list[str], work: Callable[[StudentRun], object], update: Update,
              workers: int = 4) -> list[StudentRun]:
    """Run ``work`` for every student, ``workers`` at a time; a failure stays the student's."""
    runs = [StudentRun(s) for s in students]

    def one(run: StudentRun) -> None:
        run.status = "running"
        update(run)
        started = time.monotonic()
        try:
            work(run)
            run.status = "done"
        except CodecraftError as exc:
            run.status, run.error = "failed", exc.message
        except Exception as exc:  # one student's bug must not stop the class
            run.status, run.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            run.seconds = time.monotonic() - started
            run.current = ""
            update(run)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="class") as pool:
        for future in as_completed([pool.submit(one, run) for run in runs]):
            future.result()
    return runs


def leftovers(target: Target, students: list[str]) -> list[str]:
    """Resources still recorded for these students, and resources still tagged with their names."""
    left = [f"{s.data.get('workshop')}/{s.data.get('student')}: {rid}"
            for s in Deployments(target.name).all() if s.data.get("student") in students for rid in s.resources]
    from .identity import unlisted_workshop
    from .sweep import still_there

    clients = Clients(target)
    ctx = DeployContext(unlisted_workshop("*", Path(".")), target, clients)
    try:
        pages = clients.client("resourcegroupstaggingapi").get_paginator("get_resources").paginate(
            TagFilters=[{"Key": "codecraft:student", "Values": students}])
        tagged = [r["ResourceARN"] for page in pages for r in page.get("ResourceTagMappingList", [])]
        left += [arn for arn in tagged if still_there(ctx, arn)]  # the tagging API lists deleted ones a while
    except Exception as exc:  # the tagging API is a second opinion, not the only one
        if not type(exc).__module__.startswith("botocore"):
            raise
    return sorted(set(left))


def class_status(target: str, workshop_id: str, students: list[str]) -> list[dict[str, Any]]:
    """Per student: is the workshop deployed, how many resources, which workshops."""
    recorded = Deployments(target)  # the state files, read once for the class
    rows: list[dict[str, Any]] = []
    for student in students:
        states = recorded.find(student=student, any_student=False)
        mine = [s for s in states if s.data.get("workshop") == workshop_id]
        rows.append({"student": student, "deployed": bool(mine and mine[0].resources),
                     "resources": sum(len(s.resources) for s in states),
                     "workshops": sorted({str(s.data.get("workshop")) for s in states if s.resources})})
    return rows


# The grades CSV is for the teacher: its header row is in the chosen language (issue 13: "the grades
# CSV's human headers"; `--lang en` gives the English names a script may expect, and `classroom`
# reads either as a roster); the values stay machine-readable in every language (the score with a
# dot, check ids, counts); ``error`` is codecraft's message in the chosen language.
GRADES_COLUMNS = (N_("student"), N_("workshop"), N_("score"), N_("passed"), N_("total"), N_("failed_checks"),
                  N_("error"))


def write_grades(path: Path, workshop_id: str, runs: list[StudentRun]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([_(column) for column in GRADES_COLUMNS])
        for run in runs:
            writer.writerow([run.student, workshop_id, "" if run.score is None else f"{run.score:g}",
                             run.passed, run.total, " ".join(run.failed_checks), run.error])


