"""rds.db_instance: creation with a password RDS manages, never one in a plan; deletion
(protected, already gone, already deleting); on the emulator, MariaDB is needed."""

from __future__ import annotations

import pytest

from codecraft_cli.errors import EmulatorError
from codecraft_cli.local import mysql
from codecraft_cli.resources import handler_for
from codecraft_cli.resources.base import Observed, Wait
from codecraft_cli.workshop import load_workshop

from .fakes import PlanContext
from .projects_outputs import DB_HOST, DB_OUTPUTS, DB_SECRET_ARN
from .stubs import Harness, steps, walk


CREATE_DB_INSTANCE = {
    "DBInstanceIdentifier": "projetopensourcedb",
    "Engine": "mysql",
    "EngineVersion": "8.4",  # pinned in workshop1.yaml (a major version: RDS picks its default minor)
    "DBName": "ProjetOpenSourceDB",
    "AllocatedStorage": 20,
    "StorageType": "gp2",
    "MultiAZ": False,
    "MasterUsername": "admin",
    "ManageMasterUserPassword": True,
    "VpcSecurityGroupIds": ["sg-mysql"],
    "BackupRetentionPeriod": 0,
    "CopyTagsToSnapshot": True,
    "Tags": [
        {"Key": "codecraft:workshop", "Value": "workshop1"},
        {"Key": "codecraft:student", "Value": "-"},
        {"Key": "codecraft:deployment", "Value": "workshop1"},
    ],
    "DBInstanceClass": "db.t3.micro",
    "PubliclyAccessible": False,
    "DeletionProtection": False,
}


AVAILABLE_DB = {
    "DBInstanceIdentifier": "projetopensourcedb",
    "DBInstanceClass": "db.t3.micro",
    "Engine": "mysql",
    "DBInstanceStatus": "available",
    "Endpoint": {"Address": DB_HOST, "Port": 3306},
    "PubliclyAccessible": False,
    "DeletionProtection": False,
    "MasterUserSecret": {"SecretArn": DB_SECRET_ARN, "SecretStatus": "active"},
}


def test_create_db_instance_request_waits_and_resolves_outputs(w1: Harness) -> None:
    handler, res, props, calls = w1.plan("db")
    assert steps(calls) == ["create_db_instance", "wait:db_instance_available",
                                         "describe_db_instances"]
    stub = w1.stub("rds")
    stub.add_response("create_db_instance", {"DBInstance": {
        "DBInstanceIdentifier": "projetopensourcedb", "DBInstanceStatus": "creating",
        "MasterUserSecret": {"SecretArn": DB_SECRET_ARN, "SecretStatus": "creating"}}}, CREATE_DB_INSTANCE)
    stub.add_response("describe_db_instances", {"DBInstances": [AVAILABLE_DB]},
                      {"DBInstanceIdentifier": "projetopensourcedb"})  # the waiter
    stub.add_response("describe_db_instances", {"DBInstances": [AVAILABLE_DB]},
                      {"DBInstanceIdentifier": "projetopensourcedb"})

    results = w1.executor().run(calls)

    w1.assert_done()
    assert w1.sent_ops() == ["CreateDBInstance", "DescribeDBInstances", "DescribeDBInstances"]
    sent = w1.sent_params("CreateDBInstance")[0]
    assert sent == CREATE_DB_INSTANCE
    assert "MasterUserPassword" not in sent
    outputs = handler.resolve_outputs(w1.ctx, res, props, Observed(False), results)
    assert outputs == {
        "name": "projetopensourcedb",
        "id": "projetopensourcedb",
        "database": "ProjetOpenSourceDB",
        "instance_class": "db.t3.micro",
        "arn": "arn:aws:rds:eu-west-3:111122223333:db:projetopensourcedb",
        "address": DB_HOST,
        "port": 3306,
        "secret_arn": DB_SECRET_ARN,
    }


def test_db_instance_plans_never_hold_a_password(w1: Harness) -> None:
    _, _, _, create = w1.plan("db")
    drifted = Observed(True, {"DBInstanceClass": "db.t4g.micro", "PubliclyAccessible": True,
                              "DeletionProtection": True})
    _, _, _, modify = w1.plan("db", drifted)
    assert steps(modify) == ["modify_db_instance", "wait:db_instance_available"]
    assert dict(modify[0].params) == {"DBInstanceIdentifier": "projetopensourcedb", "ApplyImmediately": True,
                                      "DBInstanceClass": "db.t3.micro", "PubliclyAccessible": False,
                                      "DeletionProtection": False}
    deletion = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS},
                                                          {"protected": True, "status": "available"})

    for call in [*create, *modify, *deletion]:
        for where, leaf in walk(dict(call.params)):
            if isinstance(leaf, str) and "password" in leaf.lower():
                # the only password-ish thing allowed: asking RDS to manage it itself
                assert leaf == "ManageMasterUserPassword", f"{call.action}{where}: {leaf}"
                assert call.params["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in create[0].params
    assert create[0].params["ManageMasterUserPassword"] is True


# --- deletion ---


def test_delete_protected_db_instance_requests(w1: Harness) -> None:
    calls = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS},
                                                       {"protected": True, "status": "available"})
    assert steps(calls) == ["modify_db_instance", "delete_db_instance", "wait:db_instance_deleted"]
    stub = w1.stub("rds")
    stub.add_response("modify_db_instance", {"DBInstance": {"DBInstanceIdentifier": "projetopensourcedb"}}, {
        "DBInstanceIdentifier": "projetopensourcedb", "DeletionProtection": False, "ApplyImmediately": True})
    stub.add_response("delete_db_instance", {"DBInstance": {
        "DBInstanceIdentifier": "projetopensourcedb", "DBInstanceStatus": "deleting"}}, {
        "DBInstanceIdentifier": "projetopensourcedb", "SkipFinalSnapshot": True, "DeleteAutomatedBackups": True})
    stub.add_client_error("describe_db_instances", "DBInstanceNotFound",
                          "DBInstance projetopensourcedb not found.", 404,
                          expected_params={"DBInstanceIdentifier": "projetopensourcedb"})

    w1.executor().run(calls)  # the waiter treats DBInstanceNotFound as success

    w1.assert_done()
    assert w1.sent_ops() == ["ModifyDBInstance", "DeleteDBInstance", "DescribeDBInstances"]


def test_delete_db_instance_already_gone_is_success(w1: Harness) -> None:
    calls = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS}, {"status": "available"})
    assert steps(calls) == ["delete_db_instance", "wait:db_instance_deleted"]
    stub = w1.stub("rds")
    stub.add_client_error("delete_db_instance", "DBInstanceNotFound", "DBInstance projetopensourcedb not found.",
                          404, expected_params={"DBInstanceIdentifier": "projetopensourcedb",
                                                "SkipFinalSnapshot": True, "DeleteAutomatedBackups": True})
    stub.add_client_error("describe_db_instances", "DBInstanceNotFound",
                          "DBInstance projetopensourcedb not found.", 404,
                          expected_params={"DBInstanceIdentifier": "projetopensourcedb"})

    w1.executor().run(calls)

    w1.assert_done()


def test_delete_db_instance_already_deleting_only_waits(w1: Harness) -> None:
    calls = handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS},
                                                       {"protected": False, "status": "deleting"})
    assert calls == [Wait("rds", "db_instance_deleted", {"DBInstanceIdentifier": "projetopensourcedb"})]
    assert handler_for("rds.db_instance").plan_delete({"outputs": DB_OUTPUTS}, {"gone": True}) == []


# --- on the emulator: a real MariaDB server (exit 3 with the install command without one) ---


def test_missing_mariadbd_is_exit_3_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mysql, "mariadbd_path", lambda: None)
    res = load_workshop("workshop1").resource("db")
    with pytest.raises(EmulatorError) as err:
        handler_for(res.type).prepare(PlanContext(is_local=True), res, res.properties)
    assert err.value.exit_code == 3
    assert "apt-get install mariadb-server" in (err.value.hint or "")


def test_on_aws_mariadbd_is_not_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_for: list[bool] = []
    monkeypatch.setattr(mysql, "mariadbd_path", lambda: looked_for.append(True))  # None: not installed
    res = load_workshop("workshop1").resource("db")
    assert handler_for(res.type).prepare(PlanContext(is_local=False), res, res.properties) is None  # no error
    assert looked_for == []  # on AWS, mariadbd is not even looked for
