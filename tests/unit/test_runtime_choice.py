"""The language of the workshops' functions: ``--runtime python|nodejs`` (engine/runtime_choice.py,
workshop/variants.py) and how ``verify`` judges a student's Node.js function.

Seeds 000 and 003: "Choisissez Runtime (ex. : Python 3.x ou Node.js)", "le runtime de votre choix
(ex. : Python 3.x ou Node.js)": a Node.js ManageProjects or UploadFile is the student's right, not
even advice. Seed 004: "Choisir Python": a Node.js ProcessOrder built by hand fails the runtime
check. Runtime dates: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
(nodejs20.x: function creation blocked since 2026-06-01, update since 2026-07-01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from codecraft_cli.engine.narrate import OfflineContext
from codecraft_cli.engine.runtime_choice import Runtime, check_runtime, for_prerequisite
from codecraft_cli.errors import UserError
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed
from codecraft_cli.resources.lambda_checks import variant_problems
from codecraft_cli.workshop import load_workshop

from .conftest import Run


def _by_hand(workshop: str, function: str, runtime: str, handler: str) -> tuple[Any, Any, list[Any]]:
    res = load_workshop(workshop).resource(function)
    props = dict(res.properties)
    fn = handler_for("lambda.function")
    env = {k: str(v) for k, v in (props.get("environment") or {}).items()}
    observed = Observed(True, {"Runtime": runtime, "Handler": handler, "Timeout": props.get("timeout"),
                               "MemorySize": props.get("memory"), "Environment": {"Variables": env}})
    return fn, res, fn.check(OfflineContext(), res, props, observed, by_hand=True)  # type: ignore[arg-type]


@pytest.mark.parametrize(("workshop", "function"), [("workshop2", "manage_projects"), ("workshop3", "upload_file")])
def test_a_students_nodejs_function_is_accepted_where_the_seed_allows_it(workshop: str, function: str) -> None:
    _fn, _res, findings = _by_hand(workshop, function, "nodejs22.x", "index.handler")
    assert [f.prop for f in findings if not isinstance(f, str)] == []


def test_a_retired_node_version_is_said_against_the_node_variant(monkeypatch: pytest.MonkeyPatch) -> None:
    """nodejs20.x by hand: AWS blocks updating it since 2026-07-01; the fix names Node.js 22.x, not Python."""
    import codecraft_cli.resources.lambda_checks as checks

    real = checks.runtime_findings
    monkeypatch.setattr(checks, "runtime_findings", lambda *a, **k: real(*a, **{**k, "today": date(2026, 11, 29)}))
    fn, res, findings = _by_hand("workshop3", "upload_file", "nodejs20.x", "index.handler")
    (runtime,) = [f for f in findings if not isinstance(f, str)]
    assert runtime.prop == "runtime" and "Node.js 22.x" in runtime.fix and "Python" not in runtime.fix
    assert not fn.requires(res, runtime)  # the seed leaves the runtime open: advice


def test_a_nodejs_process_order_by_hand_fails_since_the_seed_says_python() -> None:
    fn, res, findings = _by_hand("anycompany-orders", "process_order", "nodejs22.x", "index.handler")
    runtime = [f for f in findings if not isinstance(f, str) and f.prop == "runtime"]
    assert runtime and fn.requires(res, runtime[0]) and "Python 3.12" in runtime[0].fix


def test_the_python_function_is_still_judged_as_before() -> None:
    _fn, _res, findings = _by_hand("workshop3", "upload_file", "python3.12", "lambda_function.lambda_handler")
    assert [f for f in findings if not isinstance(f, str)] == []


def test_variants_are_checked_when_the_workshop_loads() -> None:
    assert variant_problems({"nodejs": {"source": "upload_file_node", "handler": "index.handler",
                                        "runtime": "nodejs22.x"}}) == []
    assert len(variant_problems({"nodejs": {"source": "upload_file_node", "handler": "index.handler",
                                            "runtime": "python3.12"}})) == 1  # not that language
    assert len(variant_problems({"nodejs": {"source": "upload_file_node", "runtime": "nodejs22.x"}})) == 1
    assert len(variant_problems({"nodejs": {"source": "nowhere", "handler": "index.handler",
                                            "runtime": "nodejs22.x"}})) == 1
    assert len(variant_problems(["nodejs"])) == 1


def test_runtime_choice_is_bad_input_where_no_function_is_written_in_it() -> None:
    with pytest.raises(UserError) as unknown:
        check_runtime(load_workshop("workshop3"), "java")
    assert unknown.value.hint and "nodejs" in unknown.value.hint
    with pytest.raises(UserError) as none:
        check_runtime(load_workshop("workshop1"), "nodejs")
    assert "workshop1" in str(none.value) and none.value.hint
    check_runtime(load_workshop("workshop3"), "nodejs")
    # a prerequisite without Node.js functions is set up as it is; one with them in Node.js too
    assert for_prerequisite("workshop1", "nodejs") is None and for_prerequisite("workshop2", "nodejs") == "nodejs"


def test_the_nodejs_click_path_names_the_runtime_the_handler_and_the_code_folder() -> None:
    w = Runtime("nodejs").workshop(load_workshop("workshop3"))
    props = w.resource("upload_file").properties
    assert (props["runtime"], props["handler"], props["source"]) == ("nodejs22.x", "index.handler", "upload_file_node")
    for lang in ("fr", "en"):
        said = w.step("function").console[lang]
        assert "Node.js 22.x" in said and "index.handler" in said and "lambda_src/upload_file_node" in said
        assert "Python 3.12" not in said and "lambda_src/upload_file;" not in said
    assert Runtime("python").workshop(load_workshop("workshop3")).step("function").console == \
        load_workshop("workshop3").step("function").console


def test_show_runtime_nodejs(run: Run) -> None:
    code, out, err = run("show", "workshop2", "--runtime", "nodejs")
    assert code == 0, err
    assert "Node.js 22.x" in out and "lambda_src/manage_projects_node" in out and "mysql2" in out
    code, out, err = run("show", "workshop1", "--runtime", "nodejs")
    assert code == 2 and "Traceback" not in err and "workshop1" in err


def test_a_deployment_set_up_in_nodejs_is_judged_and_torn_down_in_nodejs(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """verify, teardown and classroom verify read the language the deployment recorded (no --runtime then)."""
    from codecraft_cli.engine.identity import DeploymentKey, recorded_workshop
    from codecraft_cli.engine.runtime_choice import chosen_runtime, deployed

    monkeypatch.setenv("CODECRAFT_HOME", str(tmp_path))
    key = DeploymentKey("local", "us-east-1", "workshop3", "bob")
    w = load_workshop("workshop3")
    assert deployed(w, key) is w  # nothing recorded: the workshop as written
    state = key.store()
    state.set_meta("runtime", "nodejs")
    state.record("upload_file", "lambda.function", "function", [], "bob-UploadFile", {"name": "bob-UploadFile"})
    assert deployed(w, key).resource("upload_file").properties["runtime"] == "nodejs22.x"
    assert recorded_workshop(key.store()).resource("upload_file").properties["source"] == "upload_file_node"
    assert chosen_runtime(key, "python").workshop(w) is w  # asked again in Python: Python
    other = DeploymentKey("local", "us-east-1", "workshop3", "alice")
    assert deployed(w, other) is w


def test_the_nodejs_click_path_names_the_shared_file_in_each_language() -> None:
    """A student following the Node.js click-path zips the folder it names: the package also holds
    lambda_src/shared/proxy.mjs (its shared.txt), which index.mjs imports — without it the function
    fails with "Cannot find module '/var/task/proxy.mjs'" (found by a newcomer)."""
    from codecraft_cli.workshop import load_workshop

    w = Runtime("nodejs").workshop(load_workshop("workshop3"))
    console = next(s for s in w.steps if any(r.id == "upload_file" for r in s.resources)).console
    assert "lambda_src/shared/proxy.mjs" in console["en"] and "beside its code in the zip" in console["en"]
    assert "lambda_src/shared/proxy.mjs" in console["fr"] and "à côté de son code dans le zip" in console["fr"]
    assert "its npm dependencies" not in console["fr"]  # the note in the text's own language
