"""End to end: the workshops' functions in Node.js (``setup W --runtime nodejs``), on the emulator.

Seeds 000 and 003 let students pick "Python 3.x ou Node.js"; the Node.js variants must give the
same answers, items, messages and rows as the Python functions, so the same checks and rubric pass:
anycompany-orders' ProcessOrder is compared answer for answer with the Python one (another
student's deployment), then ``verify`` must pass for anycompany-orders, workshop2 (ManageProjects:
mysql2 over TLS to the emulator's MySQL) and workshop3 (UploadFile). The runtime is nodejs22.x
(the Lambda runtimes page: nodejs20.x can no longer be created since 2026-06-01), the handler
``index.handler`` (Lambda, "Define Lambda function handler in Node.js"), and the log lines in the Node
runtime's format (``<time>\\t<request id>\\tINFO\\t<message>``, "Log and monitor Node.js Lambda functions").
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli, aws, leftovers_in

pytestmark = pytest.mark.e2e
SHARED_RUNTIME = str(Path(tempfile.gettempdir()) / "codecraft-node-runtime")  # as test_node_e2e.py
ORDER = '{"order_id": "12345", "product": "Laptop", "price": 999.99, "quantity": 2}'
# each answered by the Python function's validation; the Node.js one must say the same
BAD_ORDERS = ['{"product": "Laptop"}', '{"order_id": "1", "price": "cheap"}', '{"order_id": "1", "price": -1}',
              '{"order_id": "1", "quantity": 1.5}', '{"order_id": ""}', '{"order_id": true}', '[1, 2]',
              '{"order_id": 7.5}', '{"order_id": "1", "product": 3}', '{"order_id": "1", "": 1}',
              '{"order_id": "1", "x": 1e400}']


@pytest.fixture(scope="module")
def emulator(cli: Cli) -> dict[str, Any]:
    cli.env["CODECRAFT_NODE_RUNTIME_DIR"] = SHARED_RUNTIME
    started = cli.json("local", "start")
    assert started["running"] is True
    return dict(started)


@pytest.fixture(scope="module")
def orders(cli: Cli, emulator: dict[str, Any]) -> dict[str, Any]:
    proc = cli("setup", "anycompany-orders", "--runtime", "nodejs", "--yes", "--json")
    assert proc.returncode == 0, proc.stderr
    python = cli("setup", "anycompany-orders", "--student", "py", "--yes", "--json")
    assert python.returncode == 0, python.stderr
    return dict(json.loads(proc.stdout))


def _configuration(emulator: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(aws(emulator, "lambda").get_function_configuration(FunctionName=name))


def test_process_order_runs_in_node_and_leaves_the_same_evidence(cli: Cli, emulator: dict, orders: dict) -> None:
    conf = _configuration(emulator, "ProcessOrder")
    assert (conf["Runtime"], conf["Handler"]) == ("nodejs22.x", "index.handler")
    assert _configuration(emulator, "py-ProcessOrder")["Runtime"] == "python3.12"
    answer = cli.json("test-api", "--workshop", "anycompany-orders", "--payload", ORDER)
    assert answer["status"] == 200 and answer["body"] == {"message": "Order processed", "order_id": "12345"}
    item = aws(emulator, "dynamodb").get_item(TableName="Orders", Key={"order_id": {"S": "12345"}})["Item"]
    assert item == {"order_id": {"S": "12345"}, "product": {"S": "Laptop"}, "price": {"N": "999.99"},
                    "quantity": {"N": "2"}}
    queue = cli.json("inspect", "queue", "OrderProcessingQueue")
    # the Python function's message: json.dumps with its Decimals as text
    assert {"event": "order_received", "order": {"order_id": "12345", "product": "Laptop", "price": "999.99",
                                                  "quantity": "2"}} in [m["body"] for m in queue["messages"]]
    messages = [e["message"] for e in cli.json("inspect", "logs", "ProcessOrder")["events"]]
    assert any(re.search(r"\t[0-9a-f-]{36}\tINFO\torder 12345 stored and published", m) for m in messages), messages


def test_the_node_function_answers_bad_orders_as_the_python_one(cli: Cli, orders: dict) -> None:
    for body in BAD_ORDERS + [ORDER.replace("12345", "12399")]:
        node = cli("test-api", "--workshop", "anycompany-orders", "--payload", body, "--json")
        python = cli("test-api", "--workshop", "anycompany-orders", "--student", "py", "--payload", body, "--json")
        said, expected = json.loads(node.stdout), json.loads(python.stdout)
        assert (said["status"], said["body"]) == (expected["status"], expected["body"]), body


def test_verify_passes_and_a_rerun_keeps_the_recorded_runtime(cli: Cli, emulator: dict, orders: dict) -> None:
    report = cli.json("verify", "anycompany-orders")
    assert report["failed"] == 0 and report["passed"] == report["total"], report
    again = cli("setup", "anycompany-orders", "--yes", "--json")  # no --runtime: as set up before
    assert again.returncode == 0, again.stderr
    assert (json.loads(again.stdout)["created"], json.loads(again.stdout)["updated"]) == (0, 0)
    assert _configuration(emulator, "ProcessOrder")["Runtime"] == "nodejs22.x"


@pytest.fixture(scope="module")
def projects(cli: Cli, emulator: dict[str, Any]) -> None:
    proc = cli("setup", "workshop3", "--runtime", "nodejs", "--yes", timeout=600)
    assert proc.returncode == 0, proc.stderr


def test_workshop3_in_node_passes_verify(cli: Cli, emulator: dict, projects: None) -> None:
    for name in ("ManageProjects", "UploadFile"):
        conf = _configuration(emulator, name)
        assert (conf["Runtime"], conf["Handler"]) == ("nodejs22.x", "index.handler"), name
    for workshop in ("workshop3", "workshop2"):
        report = cli.json("verify", workshop)
        assert report["failed"] == 0 and report["passed"] == report["total"], (workshop, report)


def test_manage_projects_in_node_answers_as_the_python_function(cli: Cli, projects: None) -> None:
    created = cli.json("test-api", "--workshop", "workshop2", "--payload",
                       '{"action": "create", "name": "Node demo", "description": "mysql2 over TLS"}')
    assert created["status"] == 201
    project = created["body"]["project"]
    assert created["body"]["message"] == "Project created" and project["name"] == "Node demo"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", project["created_at"])  # Python's isoformat
    updated = cli.json("test-api", "--workshop", "workshop2", "--payload",
                       json.dumps({"action": "update", "id": str(project["id"]), "name": "Renamed"}))
    assert updated["status"] == 200 and updated["body"]["project"]["name"] == "Renamed"
    for body, status, error in (('{"action": "update", "id": 999999, "name": "x"}', 404, "no project with id 999999"),
                                ('{"action": "delete"}', 400, "action must be one of: create, update"),
                                ('{"action": "update", "id": 0}', 400, "id must be a positive whole number"),
                                ('{"action": "create"}', 400, "name is required (a non-empty text)")):
        answer = cli.json("test-api", "--workshop", "workshop2", "--payload", body, code=1)
        assert (answer["status"], answer["body"]) == (status, {"error": error}), body


TLS_PROBE = """
import mysql from "mysql2/promise";
import { readFileSync } from "node:fs";
import { tls } from "./index.mjs";
const secret = JSON.parse(process.env.SECRET);
const said = {};
for (const [what, bundle] of [["rds", ""], ["emulator", process.env.EMULATOR_BUNDLE]]) {
  process.env.RDS_CA_BUNDLE = bundle;
  try {
    const c = await mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT),
      user: secret.username, password: secret.password, ssl: tls() });
    const [rows] = await c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    said[what] = rows[0].Value; await c.end();
  } catch (e) { said[what] = "refused: " + e.message; }
}
console.log(JSON.stringify(said));
"""


def test_manage_projects_in_node_verifies_the_servers_certificate(cli: Cli, emulator: dict, projects: None,
                                                                  tmp_path: Path) -> None:
    """mysql2 with the function's own TLS options (index.mjs ``tls()``): the shipped RDS bundle alone
    refuses the emulator's MySQL (its certificate is signed by the emulator's local CA, not by RDS's),
    the bundle the emulator gives the function (RDS_CA_BUNDLE: RDS's CAs + its local CA) connects,
    encrypted (RDS User Guide, "Using SSL/TLS with a MySQL DB instance")."""
    import subprocess
    import zipfile

    home = Path(cli.env["CODECRAFT_HOME"])
    (package,) = sorted((home / "build").glob("manage_projects_node-*.zip"))
    zipfile.ZipFile(package).extractall(tmp_path)
    env = _configuration(emulator, "ManageProjects")["Environment"]["Variables"]
    secret = aws(emulator, "secretsmanager").get_secret_value(SecretId=env["DB_SECRET_ARN"])["SecretString"]
    (bundle,) = sorted((home / "local" / "tls").glob("bundle-*.pem"))
    (tmp_path / "probe.mjs").write_text(TLS_PROBE)
    runtime = Path(SHARED_RUNTIME)
    hooks = Path(__file__).resolve().parents[2] / "codecraft_cli" / "local" / "lambda_" / "node" / "hooks.mjs"
    (modules,) = [p / "node_modules" for p in runtime.iterdir() if (p / ".complete").is_file()][:1]
    start = (f"import {{ register }} from 'node:module'; register({json.dumps(hooks.as_uri())}, import.meta.url, "
             f"{{ data: {{ paths: [{json.dumps(str(modules))}] }} }}); await import('./probe.mjs');")
    proc = subprocess.run(["node", "--input-type=module", "-e", start], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={**cli.env, "SECRET": secret, "DB_HOST": env["DB_HOST"],
                                           "DB_PORT": env["DB_PORT"], "EMULATOR_BUNDLE": str(bundle)})
    assert proc.returncode == 0, proc.stderr
    said = json.loads(proc.stdout.strip().splitlines()[-1])
    assert said["rds"].startswith("refused:") and "certificate" in said["rds"], said
    assert said["emulator"].startswith("TLS_"), said


def test_upload_file_in_node_stores_the_decoded_bytes_and_the_seed_item(cli: Cli, emulator: dict,
                                                                       projects: None) -> None:
    content = base64.b64encode(b"%PDF-1.4 node").decode()
    answer = cli.json("test-api", "--workshop", "workshop3", "--route", "POST /upload", "--payload", json.dumps(
        {"file_content": content, "file_name": "guide.pdf", "project_id": "p1", "file_type": "pdf"}))
    assert answer["status"] == 200, answer
    body = answer["body"]
    assert {k: body[k] for k in ("message", "fileName", "projectID", "fileType", "s3Key", "size", "content_type")} == {
        "message": "File uploaded", "fileName": "guide.pdf", "projectID": "p1", "fileType": "pdf",
        "s3Key": "p1/guide.pdf", "size": 13, "content_type": "application/pdf"}
    assert re.fullmatch(r"[0-9a-f]{32}", body["fileID"]) and body["uploaded_at"].endswith("+00:00")
    bad = cli.json("test-api", "--workshop", "workshop3", "--route", "POST /upload", "--payload",
                   '{"file_content": "not base64!", "file_name": "a.txt", "project_id": "p1"}', code=1)
    assert (bad["status"], bad["body"]) == (400, {"error": "file_content is not valid base64"})


def test_teardown_all_leaves_nothing(cli: Cli, emulator: dict, orders: dict, projects: None) -> None:
    proc = cli("teardown", "--all", "--yes", timeout=600)
    assert proc.returncode == 0, proc.stderr
    left = leftovers_in(emulator)
    assert left["functions"] == [] and left["apis"] == [] and left["tables"] == [], left
