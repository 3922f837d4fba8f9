"""Secrets stay secret, everything listens on loopback, and the resources keep their guards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli, aws

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def deployed(cli: Cli, emulator: dict) -> list[str]:
    """workshop2 (with workshop1) and image-pipeline set up and used; every command's output kept."""
    outputs = []
    for args in (["setup", "workshop2", "--yes"], ["setup", "image-pipeline", "--yes"],
                 ["test-api", "--workshop", "workshop2"], ["test-api", "--workshop", "workshop2", "--json"],
                 ["verify", "workshop1", "--json"], ["verify", "workshop2", "--json"], ["status", "--json"],
                 ["inspect", "db", "workshop2", "SELECT * FROM projects", "--json"],
                 ["inspect", "logs", "ManageProjects"], ["local", "status", "--json"], ["setup", "workshop2", "--yes", "--json"]):
        proc = cli(*args, timeout=600)
        assert proc.returncode == 0, (args, proc.stderr)
        outputs += [proc.stdout, proc.stderr]
    return outputs


def secrets(emulator: dict) -> list[str]:
    sm = aws(emulator, "secretsmanager")
    values = []
    for secret in sm.list_secrets()["SecretList"]:
        value = sm.get_secret_value(SecretId=secret["ARN"])["SecretString"]
        try:
            values.append(json.loads(value)["password"])
        except (ValueError, KeyError, TypeError):
            values.append(value)
    assert len(values) >= 2  # the test user's password, the database's master password
    return values


def test_no_secret_value_appears_anywhere(cli: Cli, emulator: dict, deployed: list[str]) -> None:
    values = secrets(emulator)
    home = Path(cli.env["CODECRAFT_HOME"])
    places: dict[str, str] = {f"output {i}": text for i, text in enumerate(deployed)}
    for path in (home / "state").glob("*.json"):
        places[str(path)] = path.read_text()
    places["emulator.log"] = (home / "local" / "emulator.log").read_text(errors="replace")
    for path in (ROOT / "workshops").glob("*.yaml"):
        places[str(path)] = path.read_text()
    lam, logs = aws(emulator, "lambda"), aws(emulator, "logs")
    for fn in lam.list_functions()["Functions"]:
        places[f"env of {fn['FunctionName']}"] = json.dumps(fn.get("Environment", {}))
        group = f"/aws/lambda/{fn['FunctionName']}"
        events = logs.filter_log_events(logGroupName=group, limit=10000).get("events", [])
        places[group] = "\n".join(e["message"] for e in events)
    assert len(places) > 20
    for value in values:
        leaks = [where for where, text in places.items() if value in text]
        assert not leaks, f"a secret value appears in: {leaks}"


def test_functions_get_secret_arns_never_passwords(emulator: dict, deployed: list[str]) -> None:
    for fn in aws(emulator, "lambda").list_functions()["Functions"]:
        names = set((fn.get("Environment") or {}).get("Variables", {}))
        assert not any("PASSWORD" in n or n.endswith("_SECRET") for n in names), (fn["FunctionName"], names)


def test_every_server_listens_on_loopback_only(cli: Cli, emulator: dict, deployed: list[str]) -> None:
    status = cli.json("local", "status")
    ports = {int(status["endpoint"].rsplit(":", 1)[1]), int(status["gateway"].rsplit(":", 1)[1]),
             int(status["mysql"]["port"])}
    listening: dict[int, set[str]] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port = fields[1].split(":")
            if fields[3] == "0A":  # LISTEN
                listening.setdefault(int(port, 16), set()).add(address)
    for port in ports:
        assert listening.get(port) == {"0100007F"}, (port, listening.get(port))  # 127.0.0.1 only


def test_guards_stay_on(emulator: dict, deployed: list[str]) -> None:
    (db,) = aws(emulator, "rds").describe_db_instances()["DBInstances"]
    assert db["PubliclyAccessible"] is False and db["MasterUserSecret"]["SecretArn"]
    s3 = aws(emulator, "s3")
    for bucket in s3.list_buckets()["Buckets"]:
        block = s3.get_public_access_block(Bucket=bucket["Name"])["PublicAccessBlockConfiguration"]
        assert all(block.values()), bucket["Name"]
