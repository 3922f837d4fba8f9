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
from typing import Any

_INVOKE_RE = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")


class LambdaInvokeRoute:
    """In front of moto: ``lambda.invoke`` runs the code with the runner (moto would need
    Docker); every other request goes to moto unchanged."""

    def __init__(self, moto_app: Any, runner: Any) -> None:
        self.moto_app = moto_app
        self.runner = runner

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        from urllib.parse import unquote

        found = _INVOKE_RE.match(environ.get("PATH_INFO", ""))
        if not found or environ.get("REQUEST_METHOD") != "POST":
            return self.moto_app(environ, start_response)
        from werkzeug.wrappers import Request

        from .runner import FunctionNotFound

        request = Request(environ)
        raw = request.get_data()
        try:
            event = json.loads(raw) if raw else {}
            result = self.runner.invoke(unquote(found.group(1)), event)
        except FunctionNotFound as exc:
            body = json.dumps({"Type": "User", "Message": str(exc)}).encode()
            start_response("404 Not Found", [("Content-Type", "application/json"),
                                             ("x-amzn-ErrorType", "ResourceNotFoundException")])
            return [body]
        headers = [("Content-Type", "application/json"), ("X-Amz-Executed-Version", "$LATEST")]
        if not result.ok:
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        if request.headers.get("X-Amz-Log-Type") == "Tail":
            import base64

            tail = "\n".join(result.logs)[-4096:].encode()
            headers.append(("X-Amz-Log-Result", base64.b64encode(tail).decode()))
        start_response("200 OK", headers)
        return [result.payload_bytes]


def _quiet_handler() -> Any:
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return Quiet


def serve(home: Path, region: str) -> None:
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from .gateway import Gateway
    from .runner import LambdaRunner

    local = home / "local"
    local.mkdir(parents=True, exist_ok=True)
    holder: dict[str, Any] = {}
    moto_app = DomainDispatcherApplication(create_backend_app)
    app = LambdaInvokeRoute(moto_app, None)
    moto_server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_quiet_handler())
    endpoint = f"http://127.0.0.1:{moto_server.server_port}"
    runner = LambdaRunner(endpoint, local / "lambda", region)
    app.runner = runner
    gateway_app = Gateway(endpoint, runner, region)
    try:
        from .authorizer import CognitoAuthorizers

        gateway_app.authorizers = CognitoAuthorizers(endpoint)
    except ImportError:
        pass
    gateway_server = make_server("127.0.0.1", 0, gateway_app, threaded=True,
                                 request_handler=_quiet_handler())
    holder["servers"] = (moto_server, gateway_server)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in holder["servers"]]
    for thread in threads:
        thread.start()
    info = {
        "pid": os.getpid(),
        "endpoint": endpoint,
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
    for server in holder["servers"]:
        server.shutdown()
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
