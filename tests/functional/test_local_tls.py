"""MySQL over verified TLS: the emulator's MariaDB requires it, the Lambda code always uses it.

RDS MySQL instances may require secure transport, and RDS MySQL 8.4 creates users with
``caching_sha2_password``, whose full authentication over plaintext needs RSA and the
``cryptography`` package (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.html).
So the functions connect over TLS verified against the RDS CA bundle they ship, and the local
MariaDB refuses plaintext, as such an instance does.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest

from codecraft_cli.local import mysql, tls

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "lambda_src" / "shared"
USER, PASSWORD = "admin", "a-Local-Password-1"

needs_mariadb = pytest.mark.skipif(mysql.mariadbd_path() is None, reason="mariadbd is not installed "
                                   "(apt-get install mariadb-server)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[mysql.MariaDBManager, mysql.Server]]:
    manager = mysql.MariaDBManager(tmp_path_factory.mktemp("local") / "mysql")
    try:
        yield manager, manager.start("tlsdb", USER, PASSWORD, "ProjetOpenSourceDB")
    finally:
        manager.stop_all()


@pytest.fixture
def mysql_conn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The Lambda functions' shared module, fresh, with its credentials given."""
    monkeypatch.syspath_prepend(str(SHARED))
    sys.modules.pop("mysql_conn", None)
    module = importlib.import_module("mysql_conn")
    monkeypatch.setattr(module, "credentials", lambda: {"user": USER, "password": PASSWORD})
    yield module
    if module._connection is not None:
        module._connection.close()
    sys.modules.pop("mysql_conn", None)


@needs_mariadb
def test_the_local_mariadb_refuses_a_plaintext_login(server: tuple[mysql.MariaDBManager, mysql.Server]) -> None:
    _, srv = server
    with pytest.raises(pymysql.err.OperationalError) as refused:
        pymysql.connect(host="127.0.0.1", port=srv.port, user=USER, password=PASSWORD, ssl_disabled=True)
    # MySQL (RDS) answers ER_SECURE_TRANSPORT_REQUIRED (3159); MariaDB answers "Access denied" (1045)
    assert refused.value.args[0] in (3159, 1045)
    # the same credentials over TLS are accepted: it is the transport that was refused
    pymysql.connect(host="127.0.0.1", port=srv.port, user=USER, password=PASSWORD, ssl_verify_cert=False).close()


@needs_mariadb
def test_the_lambda_code_connects_over_verified_tls(server: tuple[mysql.MariaDBManager, mysql.Server],
                                                    mysql_conn: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    manager, srv = server
    bundle = tls.bundle_with_local_ca(SHARED / "rds-ca-bundle.pem", manager.tls().ca, tmp_path / "bundle.pem")
    monkeypatch.setenv("RDS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("DB_HOST", "127.0.0.1")
    monkeypatch.setenv("DB_PORT", str(srv.port))
    monkeypatch.setenv("DB_NAME", "ProjetOpenSourceDB")
    with mysql_conn.connection().cursor() as cur:
        cur.execute("SHOW STATUS LIKE 'Ssl_version'")
        assert cur.fetchone()["Value"].startswith("TLS")


@needs_mariadb
def test_a_certificate_not_signed_by_a_trusted_ca_is_refused(server: tuple[mysql.MariaDBManager, mysql.Server],
                                                             mysql_conn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _, srv = server
    monkeypatch.delenv("RDS_CA_BUNDLE", raising=False)  # the RDS CAs alone: the local CA is unknown
    monkeypatch.setenv("DB_HOST", "127.0.0.1")
    monkeypatch.setenv("DB_PORT", str(srv.port))
    monkeypatch.setenv("DB_NAME", "ProjetOpenSourceDB")
    with pytest.raises(pymysql.err.OperationalError):
        mysql_conn.connection()


def test_the_connection_asks_for_verified_tls(mysql_conn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a server: the arguments PyMySQL gets require TLS and verify the chain and the name."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(mysql_conn.pymysql, "connect", lambda **kw: seen.update(kw) or object())
    monkeypatch.delenv("RDS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("DB_HOST", "db.example.us-east-1.rds.amazonaws.com")
    mysql_conn.connection()
    assert seen["ssl_ca"] == str(SHARED / "rds-ca-bundle.pem")
    assert seen["ssl_verify_identity"] is True
    assert not seen.get("ssl_disabled")
    mysql_conn._connection = None


def test_the_shipped_bundle_holds_valid_rds_root_cas() -> None:
    from cryptography import x509

    certs = x509.load_pem_x509_certificates((SHARED / "rds-ca-bundle.pem").read_bytes())
    names = [c.subject.rfc4514_string() for c in certs]
    assert len(certs) >= 20
    assert any("Amazon RDS us-east-1 Root CA RSA2048 G1" in n for n in names)
    assert all("Amazon RDS" in n for n in names)


def test_functions_that_use_mysql_ship_the_bundle() -> None:
    for folder in (ROOT / "lambda_src").iterdir():
        listing = folder / "shared.txt"
        if listing.exists() and "mysql_conn.py" in listing.read_text().split():
            assert "rds-ca-bundle.pem" in listing.read_text().split(), folder.name
