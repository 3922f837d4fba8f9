"""Real MySQL for the emulator: one MariaDB server per RDS instance.

When the emulator's RDS creates a DB instance, a ``mariadbd`` (Debian's mariadb-server) is
started for it with its own data directory under ``CODECRAFT_HOME/local/mysql/<id>``, on a
loopback port, with the database the instance names and the master user and password of the
instance's managed secret. The emulated instance's endpoint then points at it, so every client
(codecraft, the Lambda code through pymysql) talks to a real server. Deleting the instance
stops the server and removes its data.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..i18n import N_
from .tls import ServerTLS, server_tls

# shown by doctor and setup in the user's language (``_(INSTALL_HINT)``); the emulator's own RDS
# error answers carry it in English, as AWS's answers are
INSTALL_HINT = N_("Install it: `sudo apt-get install mariadb-server` (Debian/Ubuntu), then run the command again.")


class MariaDBMissing(RuntimeError):
    pass


def find_binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()), None)


def mariadbd_path() -> str | None:
    return find_binary("mariadbd") or find_binary("mysqld")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    instance: str
    port: int
    datadir: Path
    process: subprocess.Popen[bytes]

    @property
    def socket_path(self) -> Path:
        return self.datadir.parent / "mysqld.sock"


class MariaDBManager:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.servers: dict[str, Server] = {}
        self._lock = threading.Lock()

    def start(self, instance: str, user: str, password: str, database: str | None,
              timeout: float = 60.0) -> Server:
        with self._lock:
            if instance in self.servers and self.servers[instance].process.poll() is None:
                return self.servers[instance]
            server_bin = mariadbd_path()
            install_bin = find_binary("mariadb-install-db") or find_binary("mysql_install_db")
            if not server_bin or not install_bin:
                raise MariaDBMissing(f"mariadbd is not installed. {INSTALL_HINT}")
            home = self.base / instance
            shutil.rmtree(home, ignore_errors=True)
            datadir = home / "data"
            datadir.mkdir(parents=True)
            user_args = ["--user=root"] if os.geteuid() == 0 else []
            init = subprocess.run(
                [install_bin, "--no-defaults", f"--datadir={datadir}", "--auth-root-authentication-method=socket",
                 "--skip-test-db", *user_args],
                capture_output=True, text=True)
            if init.returncode != 0:
                raise RuntimeError(f"mariadb-install-db failed: {init.stderr.strip()[-300:]}")
            port = _free_port()
            sock = home / "mysqld.sock"
            tls = self.tls()
            process = subprocess.Popen(
                [server_bin, "--no-defaults", f"--datadir={datadir}", f"--port={port}", "--bind-address=127.0.0.1",
                 f"--socket={sock}", f"--pid-file={home / 'mysqld.pid'}", f"--log-error={home / 'error.log'}",
                 "--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--performance-schema=OFF",
                 # TCP clients must use TLS, as an RDS instance with require_secure_transport does
                 # (the local socket used to provision the server counts as secure)
                 f"--ssl-ca={tls.ca}", f"--ssl-cert={tls.cert}", f"--ssl-key={tls.key}",
                 "--require-secure-transport=ON", *user_args],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            server = Server(instance, port, datadir, process)
            try:
                self._wait_ready(server, timeout)
                self._provision(server, user, password, database)
            except BaseException:
                _terminate(process)  # no half-started server left behind
                raise
            self.servers[instance] = server
            return server

    def tls(self) -> ServerTLS:
        """The emulator's CA and the certificate its MariaDB servers present (made once)."""
        return server_tls(self.base.parent / "tls")

    def _wait_ready(self, server: Server, timeout: float) -> None:
        import pymysql  # type: ignore[import-untyped]

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                log = (server.datadir.parent / "error.log")
                tail = log.read_text(errors="replace")[-400:] if log.exists() else ""
                raise RuntimeError(f"mariadbd exited during start-up: {tail}")
            try:
                pymysql.connect(unix_socket=str(server.socket_path), user=_os_user(), connect_timeout=1).close()
                return
            except pymysql.err.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("mariadbd did not accept connections in time")

    def _provision(self, server: Server, user: str, password: str, database: str | None) -> None:
        import pymysql

        conn = pymysql.connect(unix_socket=str(server.socket_path), user=_os_user(), autocommit=True)
        try:
            with conn.cursor() as cur:
                if database:
                    cur.execute(f"CREATE DATABASE IF NOT EXISTS `{database}`")
                cur.execute("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s", (user, password))
                cur.execute("GRANT ALL PRIVILEGES ON *.* TO %s@'%%' WITH GRANT OPTION", (user,))
        finally:
            conn.close()

    def stop(self, instance: str, remove: bool = True) -> None:
        with self._lock:
            server = self.servers.pop(instance, None)
        if server is not None:
            _terminate(server.process)
        if remove:
            shutil.rmtree(self.base / instance, ignore_errors=True)

    def stop_all(self, remove: bool = True) -> None:
        for instance in list(self.servers):
            self.stop(instance, remove)

    def endpoints(self) -> list[dict[str, object]]:
        with self._lock:
            servers = list(self.servers.values())
        return [{"instance": s.instance, "host": "127.0.0.1", "port": s.port}
                for s in servers if s.process.poll() is None]


def _os_user() -> str:
    """Socket authentication: the server's administrator is the OS user that started it."""
    import getpass

    return "root" if os.geteuid() == 0 else getpass.getuser()


def _terminate(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
