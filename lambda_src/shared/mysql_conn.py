"""A MySQL connection for Lambda code, with credentials from the RDS-managed secret.

Nothing secret is in the code or the environment: DB_SECRET_ARN names the secret RDS manages
for the instance, read once per cold start; DB_HOST, DB_PORT and DB_NAME say where to connect.
PyMySQL negotiates TLS whenever the server offers it (RDS MySQL 8.4 requires it).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pymysql
import pymysql.cursors

_credentials: dict[str, str] | None = None
_connection: Any = None


def credentials() -> dict[str, str]:
    global _credentials
    if _credentials is None:
        secret = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])
        value = json.loads(secret["SecretString"])
        _credentials = {"user": value["username"], "password": value["password"]}
    return _credentials


def connection() -> Any:
    """One connection per execution environment, reconnected when the server dropped it."""
    global _connection
    if _connection is not None:
        try:
            _connection.ping(reconnect=True)
            return _connection
        except pymysql.err.Error:
            _connection = None
    _connection = pymysql.connect(
        host=os.environ["DB_HOST"], port=int(os.environ.get("DB_PORT", "3306")),
        database=os.environ.get("DB_NAME") or None, charset="utf8mb4", autocommit=True,
        connect_timeout=5, read_timeout=15, write_timeout=15,
        cursorclass=pymysql.cursors.DictCursor, **credentials())
    return _connection
