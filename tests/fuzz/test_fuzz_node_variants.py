"""The Node.js ProcessOrder (lambda_src/process_order_node/index.mjs) judges an order as the Python
one (lambda_src/process_order/app.py) does: for random orders, both accept it or both refuse it
with the same message, so the workshop's checks ("An order without order_id gets 400") and a
student comparing the two see one behaviour. Differential, by property-based testing: the bodies go
to Python's ``parse_order`` in process and to Node's ``parseOrder`` in one ``node`` process (the
AWS SDK resolved from the emulator's Node runtime, as Lambda provides it).
Numbers stay within what a double holds exactly (the Python function keeps 38 digits; JSON.parse
cannot): that difference is the language's, said in the Node function.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "codecraft_cli" / "local" / "lambda_" / "node" / "hooks.mjs"
pytestmark = pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                                reason="node and npm are needed")

SCRIPT = """
import { register } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [hooks, modules, source] = process.argv.slice(2);
register(pathToFileURL(hooks).href, import.meta.url, { data: { paths: [modules] } });
const { parseOrder } = await import(pathToFileURL(source).href);
const bodies = JSON.parse(readFileSync(0, 'utf8'));
const said = bodies.map((body) => { try { parseOrder({ body }); return null; } catch (e) { return e.message; } });
process.stdout.write(JSON.stringify(said));
"""


@pytest.fixture(scope="module")
def node_parse(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from codecraft_cli.local.lambda_ import node_runtime

    os.environ.setdefault("CODECRAFT_NODE_RUNTIME_DIR", str(Path(tempfile.gettempdir()) / "codecraft-node-runtime"))
    modules = node_runtime.ensure(tmp_path_factory.mktemp("home"))
    script = tmp_path_factory.mktemp("node") / "parse.mjs"
    script.write_text(SCRIPT)
    # the function as deployed: index.mjs beside the shared modules its shared.txt lists
    from codecraft_cli.engine import packaging

    package = tmp_path_factory.mktemp("package")
    built = packaging.build("process_order_node", tmp_path_factory.mktemp("build"))
    with zipfile.ZipFile(io.BytesIO(built.zip_bytes)) as zf:
        zf.extractall(package)

    def parse(bodies: list[str]) -> list[str | None]:
        proc = subprocess.run(["node", str(script), str(HOOKS), str(modules),
                               str(package / "index.mjs")],
                              input=json.dumps(bodies), capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return list(json.loads(proc.stdout))

    return parse


@pytest.fixture(scope="module")
def python_parse() -> Any:
    spec = importlib.util.spec_from_file_location("process_order_for_node_diff",
                                                  ROOT / "lambda_src" / "process_order" / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def parse(body: str) -> str | None:
        try:
            module.parse_order({"body": body})
            return None
        except module.InvalidOrder as exc:
            return str(exc)

    return parse


# keys that are not array indexes: JavaScript lists those first in an object, Python keeps the text's order
keys = st.one_of(st.sampled_from(["order_id", "product", "price", "quantity", "email", "", "note"]),
                 st.text(min_size=1, max_size=5).map(lambda s: "k" + s))
numbers = st.one_of(st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([1e-131, 1e-130, 9.99e125, 1e126, -1e200, 0.5, 999.99]))
texts = st.one_of(st.text(max_size=30), st.sampled_from(["\ud800", "12345", " 7 ", "x" * 201]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(keys, inner, max_size=3)), max_leaves=12)
orders = st.dictionaries(keys, values, max_size=5)
bodies = st.one_of(orders.map(json.dumps), values.map(json.dumps),
                   st.sampled_from(["", "{", "[]", '{"order_id": NaN}', '{"order_id": "1", "p": -Infinity}',
                                    json.dumps({"order_id": "1", "deep": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}),
                                    '{"order_id": "1"} trailing']))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(bodies, min_size=1, max_size=25))
def test_node_and_python_judge_every_order_alike(node_parse: Any, python_parse: Any, batch: list[str]) -> None:
    assert node_parse(batch) == [python_parse(body) for body in batch]
