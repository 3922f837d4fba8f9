"""The workshop loader rejects a bad file whole, naming the file, the step and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from codecraft_cli.errors import UserError
from codecraft_cli.workshop import catalogue, load_workshop, load_workshop_file
from codecraft_cli.workshop.model import dependency_order

ORDERS = Path(__file__).resolve().parents[2] / "workshops" / "anycompany-orders.yaml"


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _orders() -> dict:
    return yaml.safe_load(ORDERS.read_text())


def test_every_catalogue_workshop_loads() -> None:
    paths = catalogue()
    assert any(p.stem == "anycompany-orders" for p in paths)
    for path in paths:
        w = load_workshop_file(path)
        assert w.id == path.stem
        for step in w.steps:
            assert step.title.get("fr") and step.title.get("en")
            assert step.console.get("fr") and step.console.get("en")


def test_references_give_a_dependency_order() -> None:
    w = load_workshop("anycompany-orders")
    order = [r.id for r in dependency_order(w.resources)]
    assert order.index("role") < order.index("process_order")
    assert order.index("notifications") < order.index("process_order")
    assert order.index("orders_table") < order.index("role")
    assert order.index("post_orders") < order.index("invoke_permission") < order.index("stage")
    assert set(w.resource("process_order").deps) == {"role", "orders_table", "notifications", "logs"}


def test_unknown_workshop_names_the_known_ones() -> None:
    with pytest.raises(UserError) as err:
        load_workshop("no-such-workshop")
    assert "anycompany-orders" in (err.value.hint or "")
    assert err.value.exit_code == 2


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["steps"][0]["resources"][0].update(type="dynamodb.tabel"),
         "step 'table', resource 'orders_table': unknown type 'dynamodb.tabel'"),
        (lambda d: d["steps"][2]["resources"][0]["properties"].update(visibilty_timeout=3),
         "step 'queue', resource 'processing_queue': unknown property 'visibilty_timeout'"),
        (lambda d: d["steps"][3]["resources"][2]["properties"].pop("handler"),
         "step 'function', resource 'process_order': property 'handler' is required"),
        (lambda d: d["steps"][3]["resources"][2]["properties"].update(runtime="python3.9"),
         "property 'runtime' must be one of: python3.12, python3.13"),
        (lambda d: d["steps"][3]["resources"][2]["properties"].update(role="${rol.arn}"),
         "reference ${rol.arn} names no resource"),
        (lambda d: d["steps"][3]["resources"][2]["properties"].update(role="${role.url}"),
         "a iam.role has no 'url'"),
        (lambda d: d["steps"][0].pop("console"), "step 'table': 'console' must be"),
        (lambda d: d["steps"][0]["title"].pop("fr"), "'title' lacks the language(s): fr"),
        (lambda d: d["steps"][5]["checks"][0].update(type="ping"), "unknown check type 'ping'"),
        (lambda d: d["rubric"][0]["checks"].append("test.nope"), "check 'test.nope' does not exist"),
        (lambda d: d.update(default_route="orders"), "'default_route' must look like 'POST /orders'"),
    ],
)
def test_bad_definitions_name_file_step_and_field(tmp_path: Path, mutate, expected: str) -> None:
    data = _orders()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(UserError) as err:
        load_workshop_file(path)
    assert str(path) in err.value.message
    assert expected in err.value.message


def test_a_reference_cycle_is_rejected(tmp_path: Path) -> None:
    data = _orders()
    data["steps"][0]["resources"][0]["depends_on"] = ["stage"]
    with pytest.raises(UserError, match="cycle"):
        load_workshop_file(_write(tmp_path, data))


def test_invalid_yaml_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nsteps:\n  - id: a\n    title: [unclosed\n")
    with pytest.raises(UserError, match=r"invalid YAML \(line \d+"):
        load_workshop_file(path)


def test_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="must be a YAML mapping"):
        load_workshop_file(_write(tmp_path, ["a", "b"]))


def test_every_check_type_has_one_registered_probe() -> None:
    """The loader's vocabulary of check types and the engine's probes stay in step."""
    import codecraft_cli.engine.verifier  # noqa: F401  it loads every probe module
    from codecraft_cli.engine.probes import PROBES
    from codecraft_cli.workshop.check_types import CHECK_TYPES

    assert set(PROBES) == set(CHECK_TYPES)
    assert all(probe.schema is CHECK_TYPES[name] for name, probe in PROBES.items())
