"""RDS (DB instances): identifiers, engines, classes, storage, credentials, deletion."""

from __future__ import annotations

import re

from .base import Params, Refusal, State, number, rule, text

INVALID = "InvalidParameterValue"
COMBINATION = "InvalidParameterCombination"
# "Must contain from 1 to 63 letters, numbers, or hyphens. First character must be a letter.
# Can't end with a hyphen or contain two consecutive hyphens." (API_CreateDBInstance.html,
# DBInstanceIdentifier)
_IDENTIFIER = re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)")
_ENGINES = ("aurora-mysql", "aurora-postgresql", "custom-oracle-ee", "custom-oracle-ee-cdb",
            "custom-oracle-se2", "custom-oracle-se2-cdb", "custom-sqlserver-ee", "custom-sqlserver-se",
            "custom-sqlserver-web", "custom-sqlserver-dev", "db2-ae", "db2-se", "mariadb", "mysql", "oracle-ee",
            "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se",
            "sqlserver-ex", "sqlserver-web")
_MYSQLISH = ("mysql", "mariadb")
# Allocated storage ranges in GiB (CHAP_Storage.html, "Amazon RDS DB instance storage"; the
# AllocatedStorage parameter of API_CreateDBInstance.html): MySQL, MariaDB, PostgreSQL.
_STORAGE = {"gp2": (20, 65536), "gp3": (20, 65536), "io1": (100, 65536), "io2": (100, 65536),
            "standard": (5, 3072)}


def _identifier(value: str | None, parameter: str) -> Refusal | None:
    if value is not None and not _IDENTIFIER.fullmatch(value):
        return Refusal(INVALID, f"The parameter {parameter} is not a valid identifier. Identifiers must begin "
                                "with a letter; must contain only ASCII letters, digits, and hyphens; and must "
                                "not end with a hyphen or contain two consecutive hyphens.")
    return None


@rule("rds", "CreateDBInstance", "DeleteDBInstance", "ModifyDBInstance", "RebootDBInstance")
def instance_identifier(params: Params, state: State) -> Refusal | None:
    refusal = _identifier(text(params.get("DBInstanceIdentifier")), "DBInstanceIdentifier")
    return refusal or _identifier(text(params.get("NewDBInstanceIdentifier")), "NewDBInstanceIdentifier")


@rule("rds", "CreateDBInstance")
def engine_and_class(params: Params, state: State) -> Refusal | None:
    engine = text(params.get("Engine"))
    if engine is not None and engine.lower() not in _ENGINES:
        return Refusal(INVALID, f"Invalid DB engine: {engine}")
    klass = text(params.get("DBInstanceClass"))
    if klass is not None and not re.fullmatch(r"db\.[a-z0-9-]+\.[a-z0-9]+", klass):
        return Refusal(INVALID, f"Invalid DB Instance class: {klass}")
    return None


@rule("rds", "CreateDBInstance")
def master_username(params: Params, state: State) -> Refusal | None:
    """MySQL/MariaDB: 1 to 16 letters or numbers, a letter first, not a reserved word
    (API_CreateDBInstance.html, MasterUsername); required unless restoring."""
    engine = str(params.get("Engine", "")).lower()
    user = text(params.get("MasterUsername"))
    if engine in _MYSQLISH + ("postgres",) and user is None:
        return Refusal(INVALID, "The parameter MasterUsername must be provided and must not be blank.")
    if user is None or engine not in _MYSQLISH + ("postgres",):
        return None
    longest = 16 if engine in _MYSQLISH else 63
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", user) or len(user) > longest:
        return Refusal(INVALID, "The parameter MasterUsername is not a valid identifier. Identifiers must begin "
                                "with a letter; must contain only ASCII letters, digits, and underscores; and "
                                "must not be a reserved word.")
    if user.lower() in ("rdsadmin", "rds_superuser", "postgres" if engine == "postgres" else "mysql.sys"):
        return Refusal(INVALID, f"MasterUsername {user} cannot be used as it is a reserved word used by the "
                                "engine")
    return None


@rule("rds", "CreateDBInstance", "ModifyDBInstance")
def master_password(params: Params, state: State) -> Refusal | None:
    """MasterUserPassword and ManageMasterUserPassword are exclusive ("Can't manage the master
    user password with Secrets Manager if MasterUserPassword is specified",
    API_CreateDBInstance.html); MySQL/MariaDB passwords are 8 to 41 printable ASCII characters
    other than '/', '"', '@' and space."""
    password = text(params.get("MasterUserPassword"))
    if params.get("ManageMasterUserPassword") and password is not None:
        return Refusal(COMBINATION, "You can't specify both the MasterUserPassword and ManageMasterUserPassword "
                                    "parameters.")
    engine = str(params.get("Engine", "")).lower()
    if password is not None and engine in _MYSQLISH:
        if not 8 <= len(password) <= 41:
            return Refusal(INVALID, "The parameter MasterUserPassword is not a valid password because it is "
                                    f"{'shorter than 8' if len(password) < 8 else 'longer than 41'} characters.")
        if any(c in "/\"@ " or not c.isascii() or not c.isprintable() for c in password):
            return Refusal(INVALID, "The parameter MasterUserPassword is not a valid password. Only printable "
                                    "ASCII characters besides '/', '@', '\"', ' ' may be used.")
    if params.get("MasterUserSecretKmsKeyId") and not params.get("ManageMasterUserPassword"):
        return Refusal(COMBINATION, "The MasterUserSecretKmsKeyId parameter requires ManageMasterUserPassword.")
    return None


@rule("rds", "CreateDBInstance", "ModifyDBInstance")
def allocated_storage(params: Params, state: State) -> Refusal | None:
    engine = str(params.get("Engine", "mysql")).lower()
    size = number(params.get("AllocatedStorage"))
    kind = str(params.get("StorageType", "gp2"))
    if size is None or kind not in _STORAGE or engine not in _MYSQLISH + ("postgres",):
        return None
    low, high = _STORAGE[kind]
    if not low <= size <= high:
        return Refusal(INVALID, f"Invalid storage size for engine name {engine} and storage type {kind}: {size}")
    if kind in ("io1", "io2") and params.get("Iops") is None:
        return Refusal(COMBINATION, "You must specify a value for Iops when using the io1 or io2 storage type.")
    return None


@rule("rds", "CreateDBInstance", "ModifyDBInstance")
def backup_retention(params: Params, state: State) -> Refusal | None:
    """BackupRetentionPeriod: 0 to 35 days (API_CreateDBInstance.html)."""
    days = number(params.get("BackupRetentionPeriod"))
    if days is not None and not 0 <= days <= 35:
        return Refusal(INVALID, "Backup retention period must be between 0 and 35 days.")
    return None


@rule("rds", "CreateDBInstance")
def database_name(params: Params, state: State) -> Refusal | None:
    """DBName (MySQL/MariaDB): 1 to 64 letters, digits or underscores, a letter first."""
    name = text(params.get("DBName"))
    engine = str(params.get("Engine", "")).lower()
    if name is not None and engine in _MYSQLISH and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", name):
        return Refusal(INVALID, "The parameter DBName is not a valid identifier. Identifiers must begin with a "
                                "letter; must contain only ASCII letters, digits, and underscores; and must not "
                                "be a reserved word.")
    return None


@rule("rds", "DeleteDBInstance")
def final_snapshot_choice(params: Params, state: State) -> Refusal | None:
    """"FinalDBSnapshotIdentifier ... Required unless SkipFinalSnapshot is specified"; the two
    are exclusive (API_DeleteDBInstance.html); a protected instance cannot be deleted
    (USER_DeleteInstance.html#USER_DeletionProtection)."""
    skip = bool(params.get("SkipFinalSnapshot"))
    final = text(params.get("FinalDBSnapshotIdentifier"))
    if skip and final:
        return Refusal(COMBINATION, "Cannot specify both FinalDBSnapshotIdentifier and SkipFinalSnapshot.")
    if not skip and not final:
        return Refusal(COMBINATION, "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
    if final:
        refusal = _identifier(final, "FinalDBSnapshotIdentifier")
        if refusal:
            return refusal
    identifier = text(params.get("DBInstanceIdentifier"))
    if identifier and state.db_instance_deletion_protection(identifier):
        return Refusal(COMBINATION, "Cannot delete protected DB Instance, please disable deletion protection and "
                                    "try again.")
    return None
