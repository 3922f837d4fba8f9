"""A latency model of real AWS for the emulator (benchmarks, drills): what takes time there.

``CODECRAFT_EMULATOR_LATENCY="rds=30,lambda=4,iam=6"`` (seconds), read when the emulator starts:

- ``rds``: a new DB instance stays ``creating`` that long before ``available``;
- ``lambda``: a new function stays ``Pending`` that long before ``Active``;
- ``iam``: a role is not assumable by Lambda for that long after it is created:
  ``CreateFunction`` answers InvalidParameterValueException "The role defined for the function
  cannot be assumed by Lambda", as AWS does while the role propagates.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from typing import Any

from . import moto_adapter
from .wsgi import aws_json_error, body_text, signed_for, signed_region

_CREATE_FUNCTION = re.compile(r"^/2015-03-31/functions/?$")


def model() -> dict[str, float]:
    spec = os.environ.get("CODECRAFT_EMULATOR_LATENCY", "")
    return {k: float(v) for k, v in (p.split("=", 1) for p in spec.split(",") if "=" in p)}


def later(seconds: float, action: Any) -> None:
    timer = threading.Timer(seconds, action)
    timer.daemon = True
    timer.start()


class LatencyHook:
    """In front of moto: IAM propagation on CreateFunction, Pending functions."""

    def __init__(self, app: Any, latency: dict[str, float]) -> None:
        self.app = app
        self.latency = latency
        self.role_created: dict[str, float] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if method == "POST" and "Action=CreateRole" in body_text(environ):
            self._remember_role(environ)
        if method != "POST" or not _CREATE_FUNCTION.match(path):
            return self.app(environ, start_response)
        request = json.loads(body_text(environ) or "{}")
        role = str(request.get("Role", "")).rsplit("/", 1)[-1]
        created = self.role_created.get(role)
        if created is not None and time.monotonic() - created < self.latency.get("iam", 0):
            return aws_json_error(start_response, "400 Bad Request", "InvalidParameterValueException", {
                "Type": "User", "message": "The role defined for the function cannot be assumed by Lambda."})
        chunks = list(self.app(environ, start_response))
        if self.latency.get("lambda"):
            self._pending(str(request.get("FunctionName", "")), environ)
        return chunks

    def _remember_role(self, environ: dict[str, Any]) -> None:
        from urllib.parse import parse_qs

        form = parse_qs(body_text(environ))
        name = (form.get("RoleName") or [""])[0]
        if name:
            self.role_created[name] = time.monotonic()

    def _pending(self, name: str, environ: dict[str, Any]) -> None:
        region = signed_region(environ, "lambda") if signed_for(environ, "lambda") else "us-east-1"
        try:
            fn = moto_adapter.lambda_function(region, name)
        except Exception:
            return
        fn.state = "Pending"
        later(self.latency["lambda"], lambda: setattr(fn, "state", "Active"))


def rds_available_later(db: Any, seconds: float) -> None:
    """A new instance is 'creating' for a while (its MariaDB is already up underneath)."""
    db.status = "creating"
    later(seconds, lambda: setattr(db, "status", "available"))
