"""The emulator process: ``python -m codecraft_cli.local.server --home DIR``.

Started in the background by ``codecraft local start``; writes ``local/emulator.json``
(pid, endpoints) once both servers listen, and stops cleanly on SIGTERM.
Both servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .wsgi import aws_json_error, buffered_body, call_capturing, signed_for, signed_region

if TYPE_CHECKING:
    from .clients import EmulatorClients

_INVOKE_RE = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")


class LambdaInvokeRoute:
    """In front of moto: ``lambda.invoke`` runs the code with the runner (moto would need
    Docker); every other request goes to moto unchanged."""

    def __init__(self, moto_app: Any, runner: Any) -> None:
        self.moto_app = moto_app
        self.runner = runner
        self.pump: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        from urllib.parse import unquote

        found = _INVOKE_RE.match(environ.get("PATH_INFO", ""))
        if not found or environ.get("REQUEST_METHOD") != "POST":
            return self.moto_app(environ, start_response)
        from werkzeug.wrappers import Request

        from .lambda_.function import FunctionNotFound

        request = Request(environ)
        raw = request.get_data()
        name = unquote(found.group(1))
        kind = request.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        try:
            event = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return _lambda_error(start_response, 400, "InvalidRequestContentException",
                                 "Could not parse request body into json")
        try:
            self.runner.function(name)
        except FunctionNotFound as exc:
            return _lambda_error(start_response, 404, "ResourceNotFoundException", str(exc))
        if kind == "DryRun":  # permissions and parameters only: nothing runs
            start_response("204 No Content", [])
            return [b""]
        if kind == "Event":  # queued: answered at once, run in the background with retries
            self.pump.invoke_in_background(name, event)
            start_response("202 Accepted", [("Content-Length", "0")])
            return [b""]
        from .iam.credentials import RoleNotAssumable

        try:
            result = self.runner.invoke(name, event)
        except RoleNotAssumable as exc:  # Lambda cannot assume the function's role
            return _lambda_error(start_response, exc.status, exc.code, str(exc))
        except Exception as exc:
            return _lambda_error(start_response, 500, "ServiceException", f"the emulator failed: {exc}")
        headers = [("Content-Type", "application/json"), ("X-Amz-Executed-Version", "$LATEST")]
        if not result.ok:
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        if request.headers.get("X-Amz-Log-Type") == "Tail":
            import base64

            tail = "\n".join(result.logs)[-4096:].encode()
            headers.append(("X-Amz-Log-Result", base64.b64encode(tail).decode()))
        start_response("200 OK", headers)
        return [result.payload_bytes]


def _lambda_error(start_response: Any, status: int, code: str, message: str) -> Any:
    return aws_json_error(start_response, f"{status} Error", code, {"Type": "User", "Message": message})


class RdsHook:
    """In front of moto: an RDS DB instance gets a real MariaDB server.

    CreateDBInstance: moto records the instance and its managed secret; then a mariadbd is
    started with that secret's user and password and the instance's endpoint is pointed at it.
    DeleteDBInstance: moto deletes the instance; then its server is stopped and its data removed.
    If mariadbd is not installed, CreateDBInstance fails with the install command.
    """

    def __init__(self, app: Any, clients: EmulatorClients, mysql: Any,
                 latency: dict[str, float] | None = None) -> None:
        self.app = app
        self.clients = clients
        self.mysql = mysql
        self.latency = latency or {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        from urllib.parse import parse_qs

        if environ.get("REQUEST_METHOD") != "POST" or not signed_for(environ, "rds"):
            return self.app(environ, start_response)
        form = {k: v[0] for k, v in parse_qs(buffered_body(environ).decode("utf-8", "replace")).items()}
        action = form.get("Action")
        region = signed_region(environ, "rds")
        if action == "CreateDBInstance":
            from .mysql import INSTALL_HINT, mariadbd_path

            if not mariadbd_path():
                return _rds_error(start_response, "CodecraftMariaDBMissing",
                                  f"The emulator needs mariadbd to run an RDS instance. {INSTALL_HINT}")
        status, chunks = call_capturing(self.app, environ, start_response)
        if status.startswith("200"):
            instance = (form.get("DBInstanceIdentifier") or "").lower()
            if action == "CreateDBInstance":
                self._start(region, instance, form)
            elif action == "DeleteDBInstance":
                self.mysql.stop(instance)
        return chunks

    def _start(self, region: str, instance: str, form: dict[str, str]) -> None:
        from . import moto_adapter

        db = moto_adapter.db_instance(region, instance)
        user = form.get("MasterUsername") or "admin"
        password = form.get("MasterUserPassword")
        secret = getattr(db, "master_user_secret", None)
        if not password and secret is not None:
            client = self.clients.client("secretsmanager", region)
            arn = secret.secret_arn
            value = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
            user, password = value.get("username", user), value["password"]
        server = self.mysql.start(instance, user, password or "", form.get("DBName"))
        moto_adapter.serve_instance_at(db, "127.0.0.1", server.port)
        if self.latency.get("rds"):
            from .latency import rds_available_later

            rds_available_later(db, self.latency["rds"])


class DeploymentSnapshots:
    """In front of moto: each API Gateway deployment keeps the API as it was when deployed.

    API Gateway serves a stage from its deployment, not from the API being edited: a method
    added after the last "Deploy API" answers 403 until the API is deployed again. moto keeps no
    snapshot, so this hook takes one when CreateDeployment succeeds; the gateway serves it.
    """

    _PATH = re.compile(r"^/restapis/([^/]+)/deployments/?$")

    def __init__(self, app: Any, clients: EmulatorClients) -> None:
        self.app = app
        self.clients = clients
        self.snapshots: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        found = self._PATH.match(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD") != "POST" or not found or not signed_for(environ, "apigateway"):
            return self.app(environ, start_response)
        status, chunks = call_capturing(self.app, environ, start_response)
        if status.startswith(("200", "201")):
            region = signed_region(environ, "apigateway")
            deployment_id = json.loads(b"".join(chunks) or b"{}").get("id")
            if deployment_id:
                self.snapshots[(found.group(1), deployment_id)] = self._snapshot(region, found.group(1))
        return chunks

    def _snapshot(self, region: str, api_id: str) -> list[dict[str, Any]]:
        client = self.clients.client("apigateway", region)
        items = [item for page in client.get_paginator("get_resources").paginate(restApiId=api_id)
                 for item in page.get("items", [])]
        for item in items:
            item["methods"] = {m: client.get_method(restApiId=api_id, resourceId=item["id"], httpMethod=m)
                               for m in (item.get("resourceMethods") or {})}
        return items


def _rds_error(start_response: Any, code: str, message: str) -> list[bytes]:
    from xml.sax.saxutils import escape

    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}"
            "</Message></Error><RequestId>codecraft</RequestId></ErrorResponse>").encode()
    start_response("400 Bad Request", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


def _quiet_handler() -> Any:
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return Quiet


def serve(home: Path, region: str) -> None:
    from werkzeug.serving import make_server

    from . import moto_adapter
    from .authorizer import CognitoAuthorizers
    from .clients import EmulatorClients
    from .front import RefusalFront
    from .iam.authorize import authorize
    from .gateway import Gateway
    from .lambda_.service import LambdaRunner
    from .latency import LatencyHook, model
    from .mysql import MariaDBManager
    from .pump import EventPump, route_deliveries

    local = home / "local"
    local.mkdir(parents=True, exist_ok=True)
    moto_app = moto_adapter.wsgi_app()
    moto_adapter.point_rds_endpoints_at_real_servers()
    clients = EmulatorClients()
    mysql = MariaDBManager(local / "mysql")
    latency = model()
    inner: Any = RdsHook(moto_app, clients, mysql, latency)
    if latency:
        inner = LatencyHook(inner, latency)
        print(f"codecraft emulator: latency model {latency}", flush=True)
    snapshots = DeploymentSnapshots(inner, clients)
    app = LambdaInvokeRoute(snapshots, None)
    front = RefusalFront(app, authorize)  # every AWS API request: refused here where AWS refuses it
    moto_server = make_server("127.0.0.1", 0, front, threaded=True, request_handler=_quiet_handler())
    clients.endpoint = f"http://127.0.0.1:{moto_server.server_port}"
    runner = LambdaRunner(clients, local / "lambda", region)
    app.runner = runner
    gateway_app = Gateway(clients, runner, region, CognitoAuthorizers(clients), snapshots.snapshots)
    gateway_app.status = lambda: {"mysql": mysql.endpoints()}
    pump = EventPump(clients, runner)
    app.pump = pump
    route_deliveries(pump)
    from .mail_routes import MailRoutes, install  # SES and SNS e-mail into the local mailbox

    mail = install(local / "mail")
    gateway_server = make_server("127.0.0.1", 0, MailRoutes(gateway_app, mail), threaded=True,
                                 request_handler=_quiet_handler())
    mail.base = f"http://127.0.0.1:{gateway_server.server_port}"
    servers = (moto_server, gateway_server)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    pump.start()
    from .alarms import AlarmEvaluator  # CloudWatch alarms evaluated, their SNS actions published
    from .moto_monitoring import honour_tracing_config

    honour_tracing_config()  # X-Ray active tracing turned on after creation (workshop4)
    from .moto_logging import honour_logging_config

    honour_logging_config()  # LoggingConfig (JSON logs, levels, log group) kept and returned
    from .moto_monitoring import put_trace_segments
    from .xray import XRayDaemon

    xray = XRayDaemon(lambda docs: put_trace_segments(region, docs))  # the X-Ray SDK's subsegments
    xray.start()
    os.environ["CODECRAFT_XRAY_DAEMON_ADDRESS"] = xray.address  # AWS_XRAY_DAEMON_ADDRESS of functions
    from .moto_dynamodb_streams import honour_disabled_streams

    honour_disabled_streams()  # a table whose stream was turned off keeps accepting writes (anycompany-challenge)

    alarms = AlarmEvaluator(lambda region, topic, subject, message, email: clients.client("sns", region).publish(
        TopicArn=topic, Subject=subject, MessageStructure="json",
        Message=json.dumps({"default": message, "email": email})))
    alarms.start()
    info = {
        "pid": os.getpid(),
        "endpoint": clients.endpoint,
        "gateway": f"http://127.0.0.1:{gateway_server.server_port}",
        "region": region,
        "started_at": time.time(),
    }
    tmp = local / "emulator.json.tmp"
    tmp.write_text(json.dumps(info))
    os.replace(tmp, local / "emulator.json")
    print(f"codecraft emulator ready: {info}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        stop.wait(1.0)
    pump.stop()
    alarms.stop()
    xray.stop()
    for server in servers:
        server.shutdown()
    runner.close()
    mysql.stop_all()
    print("codecraft emulator stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="codecraft-emulator")
    parser.add_argument("--home", required=True)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)
    serve(Path(args.home), args.region)
    return 0


if __name__ == "__main__":
    sys.exit(main())
