"""Bad input to the codecraft CLI never crashes it, by property-based testing.

A crash here is any exception other than ``UserError`` (exit 2, a message and a hint): the CLI's
error boundary turns it into "Unexpected error" and exit 3. Three inputs are fuzzed:

(a) the workshop loader: random nested structures, random mutations of the real
    workshops/anycompany-orders.yaml (and workshop2.yaml, which has cross-workshop references),
    random text in a YAML file;
(b) ``test-api --payload`` parsing;
(c) the CLI in process (``codecraft_cli.cli.app.main``), for commands that must stop on bad
    input before anything starts: exit 0/1/2, never a traceback. The embedded emulator is never
    started (opening the target is patched to fail the test if a command gets that far).

The bugs these properties found (wrong-typed list fields, non-UTF-8 files, deep nesting, huge
integers, short roster rows, Typer's own click exceptions) are fixed; each has a named test at
the end of its part.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from codecraft_cli import paths
from codecraft_cli.errors import UserError
from codecraft_cli.workshop.loader import load_workshop_file, parse
from codecraft_cli.workshop.model import Workshop

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "50")),  # FUZZ_EXAMPLES=2000 for a deeper run
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much],
)
FEW = settings(FUZZ, max_examples=max(30, FUZZ.max_examples * 3 // 5))

WORKSHOPS = paths.workshops_dir()
KNOWN_WORKSHOPS = ("anycompany-orders", "workshop1", "workshop2", "workshop3", "image-pipeline", "job-events")
BASES = {name: yaml.safe_load((WORKSHOPS / f"{name}.yaml").read_text(encoding="utf-8"))
         for name in ("anycompany-orders", "workshop2")}
RESOURCE_TYPES = ["apigateway.rest_api", "dynamodb.table", "lambda.function", "sns.topic", "sqs.queue", "s3.bucket",
                  "iam.role", "rds.db_instance", "mysql.schema", "cognito.user"]
SCHEMA_KEYS = ["id", "title", "seed", "requires", "services", "steps", "payloads", "api", "default_route",
               "default_payload", "rubric", "description", "test_user", "console", "resources", "checks", "pitfalls",
               "type", "name", "properties", "depends_on", "params", "fix", "criterion", "points", "client", "user",
               "partition_key", "billing", "handler", "runtime", "role", "environment", "method", "path"]

# --- (a) the workshop loader -------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    st.sampled_from(RESOURCE_TYPES + list(KNOWN_WORKSHOPS) + ["${orders_table.arn}", "${x.y}",
                                    "${workshop1:network.vpc_id}", "POST /orders", "fr", "en", ""]))
KEYS = st.sampled_from(SCHEMA_KEYS) | st.text(max_size=10)
NESTED = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)
TOP_LEVEL = st.dictionaries(KEYS, NESTED, max_size=8) | NESTED


def _truthy_non_iterable(value: Any) -> bool:
    """``value or []`` then iterating it raises TypeError (an int, a float, True)."""
    return bool(value) and not isinstance(value, str | bytes | list | tuple | dict | set | Mapping)


def _unhashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return True
    return False


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, str | list | tuple | Mapping) else []


@pytest.fixture
def cached_prerequisites(monkeypatch: pytest.MonkeyPatch) -> None:
    """parse() reads a prerequisite's YAML from disk for every ${workshop:...} reference, on every
    call: remember those reads (the catalogue does not change) so the properties stay fast."""
    from codecraft_cli.workshop import loader

    real = loader.load_workshop
    cache: dict[Any, Any] = {}

    def load_workshop(ref: str) -> Workshop:
        if ref not in cache:
            try:
                cache[ref] = real(ref)
            except UserError as exc:
                cache[ref] = exc
        if isinstance(cache[ref], UserError):
            raise cache[ref]
        return cache[ref]

    monkeypatch.setattr(loader, "load_workshop", load_workshop)


def assert_loads_or_user_error(raw: Any) -> None:
    try:
        result = parse(raw, Path("fuzz.yaml"))
    except UserError as exc:
        assert exc.exit_code == 2 and exc.message
        return
    assert isinstance(result, Workshop)


@FUZZ
@given(raw=TOP_LEVEL)
def test_parse_random_structures(cached_prerequisites: None, raw: Any) -> None:
    assert_loads_or_user_error(raw)


@FUZZ
@given(raw=st.fixed_dictionaries({"id": SCALARS, "title": SCALARS | NESTED},
                                 optional={"steps": st.lists(st.dictionaries(KEYS, NESTED, max_size=6), max_size=3),
                                           "rubric": NESTED, "api": SCALARS, "requires": NESTED}))
def test_parse_random_workshop_shaped_structures(cached_prerequisites: None, raw: Any) -> None:
    assert_loads_or_user_error(raw)


def _locations(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indexes) to a value inside a nested structure."""
    found = []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_locations(child, (*prefix, key)))
    return found


def _container(root: Any, location: tuple[Any, ...]) -> Any:
    for key in location[:-1]:
        root = root[key]
    return root


def _other_type(value: Any) -> st.SearchStrategy[Any]:
    kinds = [st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
             st.lists(SCALARS, max_size=3), st.dictionaries(KEYS, SCALARS, max_size=3)]
    return st.one_of(*kinds).filter(lambda new: type(new) is not type(value))


@st.composite
def mutated_workshops(draw: st.DrawFn) -> Any:
    raw = copy.deepcopy(BASES[draw(st.sampled_from(sorted(BASES)))])
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "retype", "rename_type", "junk", "duplicate"]))
        locations = _locations(raw)
        if op == "rename_type":
            resources = [res for step in raw.get("steps", []) if isinstance(step, dict)
                         for res in step.get("resources") or [] if isinstance(res, dict)]
            if resources:
                draw(st.sampled_from(resources))["type"] = draw(
                    st.sampled_from(RESOURCE_TYPES) | st.text(max_size=20) | st.sampled_from(
                        ["DynamoDB.Table", "sns.topics", "sqs", "lambda.function ", "", "s3.bucket.x"]))
            continue
        if op == "junk":
            dicts = [()] + [loc for loc in locations if isinstance(_container(raw, (*loc, None)), dict)]
            where = draw(st.sampled_from(dicts))
            target = _container(raw, (*where, None))
            target[draw(KEYS)] = draw(NESTED)
            continue
        if not locations:
            continue
        location = draw(st.sampled_from(locations))
        parent = _container(raw, location)
        key = location[-1]
        if op == "drop":
            del parent[key]
        elif op == "retype":
            parent[key] = draw(_other_type(parent[key]))
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))  # e.g. a step or a resource id twice
    return raw


@settings(FUZZ, max_examples=max(80, FUZZ.max_examples))
@given(raw=mutated_workshops())
def test_parse_mutated_real_workshops(cached_prerequisites: None, raw: Any) -> None:
    assert_loads_or_user_error(raw)


def test_the_real_workshops_load() -> None:
    for name in KNOWN_WORKSHOPS:
        assert parse(yaml.safe_load((WORKSHOPS / f"{name}.yaml").read_text(encoding="utf-8")),
                     Path(f"{name}.yaml")).id == name


YAML_TOKENS = st.characters(exclude_categories=("Cs",)) | st.sampled_from(
    list("{}[]:-,&*!|>'\"%@`#?\n\t ") + ["\n  ", ": ", "- ", "id: ", "steps:", "&a ", "*a", "!!str ", "!!binary ", "---\n"])
YAML_TEXTS = st.one_of(
    st.lists(YAML_TOKENS, max_size=60).map("".join),
    st.text(st.characters(exclude_categories=("Cs",))),
    st.builds(lambda value: yaml.safe_dump(value, allow_unicode=True), TOP_LEVEL),
    mutated_workshops().map(lambda raw: yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)),
)


@FUZZ
@example(text="id: [unclosed")
@example(text="!!python/object/apply:os.system ['true']")
@example(text="a: &a [*a]")
@example(text="? [a, b]\n: c")
@example(text="\t- tab indented")
@example(text="\x00")
@given(text=YAML_TEXTS)
def test_load_workshop_file_random_text(cached_prerequisites: None, tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raw = None
    try:
        assert isinstance(load_workshop_file(path), Workshop)
    except UserError as exc:
        assert exc.exit_code == 2 and str(path) in exc.message


# Wrong types the loader once let through as TypeError/ValueError (exit 3): now a UserError
# naming the field (exit 2).

LOADER_BUGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "step_resources_int": lambda r: r["steps"][0].__setitem__("resources", 5),
    "step_checks_int": lambda r: r["steps"][-1].__setitem__("checks", 5),
    "depends_on_int": lambda r: r["steps"][0]["resources"][0].__setitem__("depends_on", 5),
    "depends_on_list_item": lambda r: r["steps"][0]["resources"][0].__setitem__("depends_on", [["orders_table"]]),
    "requires_int": lambda r: r.__setitem__("requires", 5),
    "services_true": lambda r: r.__setitem__("services", True),
    "rubric_int": lambda r: r.__setitem__("rubric", 5),
    "rubric_checks_int": lambda r: r.__setitem__("rubric", [{"criterion": "c", "checks": 5}]),
    "rubric_checks_list_item": lambda r: r.__setitem__("rubric", [{"criterion": "c", "checks": [["table"]]}]),
    "api_list": lambda r: r.__setitem__("api", ["orders_api"]),
    "check_type_list": lambda r: r["steps"][-1]["checks"][0].__setitem__("type", ["http"]),
    "check_params_int": lambda r: r["steps"][-1]["checks"][0].__setitem__("params", 5),
    "check_params_text": lambda r: r["steps"][-1]["checks"][0].__setitem__("params", "route"),
    "check_params_list": lambda r: r["steps"][-1]["checks"][0].__setitem__("params", [1]),
}


@pytest.mark.parametrize("mutate", list(LOADER_BUGS.values()), ids=list(LOADER_BUGS))
def test_loader_wrong_type_for_a_list_field_is_a_user_error(mutate: Callable[[dict[str, Any]], None]) -> None:
    raw = copy.deepcopy(BASES["anycompany-orders"])
    mutate(raw)
    with pytest.raises(UserError):
        parse(raw, Path("fuzz.yaml"))


@pytest.mark.parametrize("item", [5, None, ["workshop1"]])
def test_loader_non_text_prerequisite_is_a_user_error(item: Any) -> None:
    raw = copy.deepcopy(BASES["workshop2"])  # has ${workshop1:...} references, so prerequisites_of runs
    raw["requires"] = [item]
    with pytest.raises(UserError):
        parse(raw, Path("fuzz.yaml"))


def test_loader_prerequisites_given_as_text_are_refused_or_read_as_one() -> None:
    raw = copy.deepcopy(BASES["anycompany-orders"])
    raw["requires"] = "workshop1"
    try:
        workshop = parse(raw, Path("fuzz.yaml"))
    except UserError:
        return
    assert workshop.requires == ("workshop1",)


def test_loader_non_utf8_file_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\xe9\ntitle: Atelier caf\xe9\n".encode("latin-1"))  # saved by an old editor
    with pytest.raises(UserError):
        load_workshop_file(path)


@pytest.mark.parametrize("text", ["[" * 5000, "a: " + "{b: " * 3000, "id: x\ntitle: t\nsteps:\n- id: s\n  title: t\n"
                                  "  console: c\n  resources:\n  - {id: r, type: sns.topic, name: n, properties: &p {a: *p}}\n"],
                         ids=["deep_list", "deep_mapping", "self_referencing_alias"])
def test_loader_deep_or_cyclic_yaml_is_a_user_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError):
        load_workshop_file(path)


# --- (b) test-api --payload ---------------------------------------------------------------------------

JSON_TEXTS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=10,
).map(json.dumps)


@FUZZ
@example(text="")
@example(text="NaN")
@example(text='{"order_id": "12345"')
@example(text="@")
@example(text="@/no/such/file.json")
@given(text=st.text() | JSON_TEXTS | st.text(st.sampled_from(list('{}[]":,0123456789.eE+-tfnrul \\')), max_size=40))
def test_parse_payload_returns_a_value_or_a_user_error(text: str) -> None:
    from codecraft_cli.cli.cmd_test_api import parse_payload as _parse_payload

    assume(not text.startswith("@/"))  # "@path" reads a file: no random absolute paths (/dev/stdin, ...)
    try:
        _parse_payload(text)
    except UserError as exc:
        assert exc.exit_code == 2


@pytest.mark.parametrize("text", ["1" * 5000, '{"order_id": ' + "9" * 5000 + "}", "[" * 100_000],
                         ids=["int_of_5000_digits", "field_of_5000_digits", "deep_nesting"])
def test_parse_payload_huge_or_deep_json_is_a_user_error(text: str) -> None:
    from codecraft_cli.cli.cmd_test_api import parse_payload as _parse_payload

    with pytest.raises(UserError) as info:
        _parse_payload(text)
    assert info.value.exit_code == 2


def test_parse_payload_non_utf8_file_is_a_user_error(tmp_path: Path) -> None:
    from codecraft_cli.cli.cmd_test_api import parse_payload as _parse_payload

    path = tmp_path / "order.json"
    path.write_bytes('{"product": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(UserError):
        _parse_payload(f"@{path}")


# --- (c) the CLI, in process --------------------------------------------------------------------------

STUDENT_RE = re.compile(r"[a-z][a-z0-9-]{0,19}")

# What a shell can pass: no NUL; undecodable bytes arrive as lone surrogates \udc80-\udcff.
# Nothing that starts with "-": click reads it as an option, and every usage error is a known
# bug (exit 3, see test_cli_usage_error_is_exit_2); "--debug" anywhere asks for tracebacks.
ARGV_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30),
    st.binary(max_size=20).map(os.fsdecode).filter(lambda s: "\x00" not in s),
    st.sampled_from(["", " ", "'; rm -rf /", "$(reboot)", "💥", "é", "\udcff", " --help", "a b", "\t", "\\"]),
).filter(lambda s: not s.startswith("-"))
WORKSHOP_ISH = st.one_of(
    st.sampled_from(KNOWN_WORKSHOPS),
    st.sampled_from(["Workshop1", "workshop4", "workshop", "anycompany-orders ", " anycompany-orders", "anycompany_orders",
                     "anycompany-orders.yaml", "workshops/workshop1.yaml", "../workshops/workshop1", "job-events/",
                     "image-pipeline.yml", "~/workshop1", "/etc/passwd", "workshop1\n"]),
    st.from_regex(r"[a-z0-9][a-z0-9-]{0,24}", fullmatch=True),
    ARGV_TEXT,
)


def names_a_workshop(ref: str) -> bool:
    """Would load_workshop(ref) find a file (the catalogue by id, or a path)?"""
    try:
        candidate = Path(ref)
        return (WORKSHOPS / f"{ref}.yaml").exists() or (candidate.suffix in (".yaml", ".yml") and candidate.exists())
    except (OSError, ValueError):
        return False


UNKNOWN_WORKSHOPS = WORKSHOP_ISH.filter(lambda ref: not names_a_workshop(ref))
BAD_STUDENTS = ARGV_TEXT.filter(lambda s: not STUDENT_RE.fullmatch(s)) | st.sampled_from(
    ["Alice", "1alice", "alice_b", "a" * 21, "alice!", "-alice", "élodie", "alice bob", "ALICE"])  # "-alice": a value


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Any]:
    """Run ``codecraft <argv>`` in process: (exit code, stdout + stderr). The emulator never starts."""
    from codecraft_cli.cli.app import main
    from codecraft_cli.engine import session

    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path / "home"))
    for var in ("CODECRAFT_TARGET", "CODECRAFT_DEBUG", "CODECRAFT_LANG", "CODECRAFT_WORKSHOPS", "CODECRAFT_FAULTS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)  # show --format md writes its handout in the current folder
    real_open_target = session.open_target
    allow = {"target": False}

    def no_emulator(options: Any, start: bool = True, on_start: Any = None) -> Any:
        if options.target != "local" or not allow["target"]:
            pytest.fail("the command got as far as opening the target (it would start the emulator)")
        return real_open_target(options, start=False)  # read-only: nothing is started

    monkeypatch.setattr(session, "open_target", no_emulator)

    def run(argv: list[str], allow_target: bool = False) -> tuple[int, str]:
        allow["target"] = allow_target
        capsys.readouterr()
        # the real sys.stderr writes undecodable argv bytes (\udcff) as \xff; capsys's is strict
        sys.stderr.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        with pytest.raises(SystemExit) as info:
            main(argv)
        out = capsys.readouterr()
        code = info.value.code
        assert isinstance(code, int), code
        return code, out.out + out.err

    return run


def assert_clean_exit(code: int, output: str, allowed: set[int] = frozenset({0, 1, 2})) -> None:
    assert "Traceback" not in output, output
    assert "Unexpected error" not in output, output
    assert code in allowed, (code, output)


@FUZZ
@given(workshop=WORKSHOP_ISH)
def test_cli_show_any_workshop_name(cli: Callable[..., Any], workshop: str) -> None:
    code, output = cli(["show", workshop])
    assert_clean_exit(code, output)
    assert code == (0 if names_a_workshop(workshop) else 2), output


@FEW
@example(lang="FR")
@example(lang="english")
@example(lang="")
@given(lang=ARGV_TEXT)
def test_cli_show_any_language(cli: Callable[..., Any], lang: str) -> None:
    code, output = cli(["show", "anycompany-orders", "--lang", lang])
    assert_clean_exit(code, output, {0, 2})
    assert code == (0 if not lang or lang.lower()[:2] in ("fr", "en") else 2), output


@FEW
@example(fmt="md")
@example(fmt="TEXT")
@given(fmt=ARGV_TEXT)
def test_cli_show_any_format(cli: Callable[..., Any], fmt: str) -> None:
    code, output = cli(["show", "anycompany-orders", "--format", fmt])
    assert_clean_exit(code, output, {0, 2})
    assert code == (0 if fmt in ("text", "md", "html") else 2), output


@FUZZ
@example(payload='{"order_id": "1"}', workshop="no-such-workshop")
@example(payload="{bad json", workshop="anycompany-orders")
@example(payload="", workshop="")
@given(payload=ARGV_TEXT | JSON_TEXTS, workshop=UNKNOWN_WORKSHOPS)
def test_cli_test_api_bad_payload_or_unknown_workshop(cli: Callable[..., Any], payload: str, workshop: str) -> None:
    assume(not payload.startswith("@/"))
    code, output = cli(["test-api", "--payload", payload, "--workshop", workshop])
    assert_clean_exit(code, output)
    assert code == 2, output


@st.composite
def teardown_arguments(draw: st.DrawFn) -> tuple[str, str]:
    """An invalid student (any workshop), or a valid student and an unknown workshop."""
    student = draw(BAD_STUDENTS | st.from_regex(STUDENT_RE, fullmatch=True))
    workshops = UNKNOWN_WORKSHOPS if STUDENT_RE.fullmatch(student) else WORKSHOP_ISH
    return student, draw(workshops)


@FUZZ
@example(arguments=("Alice", "anycompany-orders"))
@example(arguments=("alice", "no-such-workshop"))
@example(arguments=("\udcff", "workshop1"))
@given(arguments=teardown_arguments())
def test_cli_teardown_bad_student_or_unknown_workshop(cli: Callable[..., Any], arguments: tuple[str, str]) -> None:
    student, workshop = arguments
    # bad input is said before anything starts: no target (no emulator) is opened for it
    code, output = cli(["teardown", "--student", student, "--yes", workshop])
    assert_clean_exit(code, output)
    assert code == 2, output


@FUZZ
@given(workshop=UNKNOWN_WORKSHOPS)
def test_cli_setup_unknown_workshop(cli: Callable[..., Any], workshop: str) -> None:
    code, output = cli(["setup", workshop])
    assert_clean_exit(code, output)
    assert code == 2, output


# Rosters that must be refused before anything starts: empty, a name twice, a name with no
# usable letter. Built to be invalid (never a roster that would deploy for real).
NO_LETTERS = st.text(st.sampled_from(list("!#$%&*()[]{}<>?/|~^`'._+=;: ") + ["日", "本", "😀", "—", "…", "\u00a0", "ß"]),
                     min_size=1, max_size=12).filter(lambda s: s.strip())
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9 .'-]{0,15}", fullmatch=True) | st.sampled_from(
    ["Élodie Martin", "jean.dupont@example.com", "O'Brien", "Zoë", "ÅSA"])
from codecraft_cli.engine.classroom import COLUMNS as ROSTER_COLUMNS  # noqa: E402

HEADERS = st.sampled_from([None, "student", "Student", " login ", "email", "name", "id", "id,student", "student,email",
                           "prenom,nom"])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


def _slugish(name: str) -> str:
    """Enough of the roster's normalisation to build duplicates: case and punctuation."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@st.composite
def invalid_rosters(draw: st.DrawFn) -> str:
    header = draw(HEADERS)
    columns = 1 if header is None else header.count(",") + 1
    cells = [] if header is None else [h.strip().lower() for h in header.split(",")]
    column = next((cells.index(c) for c in ROSTER_COLUMNS if c in cells), 0)
    both = "prenom" in cells and "nom" in cells  # the student is "prénom nom"
    end = draw(LINE_ENDS)

    def row(name: str) -> str:
        row_cells = [draw(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)) for _ in range(columns)]
        if both:
            row_cells[cells.index("prenom")], row_cells[cells.index("nom")] = name.replace(",", " ").replace('"', ""), ""
        else:
            row_cells[column] = name.replace(",", " ").replace('"', "")
        return ",".join(row_cells)

    kind = draw(st.sampled_from(["empty", "duplicate", "no_letters"]))
    if kind == "empty":
        if not set(cells) & set(ROSTER_COLUMNS):
            header = None  # no known column: the first line would be read as a student
            columns = 1
        blank_cell = st.sampled_from(["", " ", "\t"])
        lines = draw(st.lists(st.lists(blank_cell, min_size=columns, max_size=columns).map(",".join) | st.just(""),
                              max_size=3))
        return draw(st.sampled_from(["", "\ufeff"])) + end.join(([header] if header else []) + lines)
    valid = draw(st.lists(NAMES, max_size=3, unique_by=_slugish).filter(lambda names: all(_slugish(n) for n in names)))
    if kind == "duplicate":
        first = draw(NAMES.filter(lambda n: bool(_slugish(n)) and _slugish(n) not in {_slugish(v) for v in valid}))
        again = draw(st.sampled_from([first, first.upper(), first.lower(), f" {first} ", first.replace(" ", "-")]))
        assume(_slugish(again) == _slugish(first))
        names = [*valid, first, again]
    else:
        names = [*valid, draw(NO_LETTERS)]
        names = draw(st.permutations(names))
    return end.join(([header] if header else []) + [row(name) for name in names]) + draw(st.sampled_from(["", end]))


@FUZZ
@example(roster="")
@example(roster="student\n")
@example(roster="student\nalice\nAlice\n")
@example(roster="alice\n!!!\n")
@example(roster="email\n@example.com\n")
@given(roster=invalid_rosters())
def test_cli_classroom_setup_invalid_roster(cli: Callable[..., Any], tmp_path: Path, roster: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(roster, encoding="utf-8", newline="")
    code, output = cli(["classroom", "setup", "anycompany-orders", "--roster", str(path)])
    assert_clean_exit(code, output)
    assert code == 2, output


def test_cli_classroom_roster_with_a_short_row(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("id,student\n1\n", encoding="utf-8")  # the student cell is missing
    code, output = cli(["classroom", "setup", "anycompany-orders", "--roster", str(path)])
    assert_clean_exit(code, output)
    assert code == 2, output


def test_cli_classroom_roster_not_in_utf8(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes("student\n\xc9lodie Martin\n".encode("cp1252"))
    code, output = cli(["classroom", "setup", "anycompany-orders", "--roster", str(path)])
    assert_clean_exit(code, output)
    assert code == 2, output


def test_cli_classroom_roster_with_a_huge_field(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("student\n" + "!" * 200_000 + "\n", encoding="utf-8")
    code, output = cli(["classroom", "setup", "anycompany-orders", "--roster", str(path)])
    assert_clean_exit(code, output)
    assert code == 2, output


def test_cli_test_api_huge_number_payload(cli: Callable[..., Any]) -> None:
    code, output = cli(["test-api", "--payload", "1" * 5000, "--workshop", "no-such-workshop"])
    assert_clean_exit(code, output)
    assert code == 2, output


@pytest.mark.parametrize("argv", [["show"], ["show", "--"], ["show", "-x"], ["show", "anycompany-orders", "--bogus"],
                                  ["show", "anycompany-orders", "--format"], ["no-such-command"],
                                  ["classroom", "setup", "anycompany-orders"]],
                         ids=["missing_argument", "double_dash", "dash_argument", "unknown_option",
                              "option_without_value", "unknown_command", "missing_roster"])
def test_cli_usage_error_is_exit_2(cli: Callable[..., Any], argv: list[str]) -> None:
    code, output = cli(argv)
    assert_clean_exit(code, output)
    assert code == 2, output
