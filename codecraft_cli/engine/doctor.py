"""`codecraft doctor`: is this machine (and account) ready for the workshops? What to fix."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from typing import Any

from .. import paths
from ..aws.clients import Clients, Target
from ..i18n import _
from ..resources import handler_for
from ..workshop import all_workshops, load_workshop

LEARNER_LAB_REGIONS = ("us-east-1", "us-west-2")


@dataclass
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"check": self.check, "ok": self.ok, "detail": self.detail, "fix": self.fix}


def needed_permissions(workshop_ids: list[str]) -> list[str]:
    """The IAM actions the handlers of these workshops declare, sorted."""
    actions: set[str] = set()
    for wid in workshop_ids:
        for res in load_workshop(wid).resources:
            actions.update(handler_for(res.type).permissions)
    return sorted(a for a in actions if ":" in a and not a.startswith("apigateway:"))


def local_findings() -> list[Finding]:
    from ..local import process
    from ..local.mysql import INSTALL_HINT, mariadbd_path

    out = [Finding("python", sys.version_info >= (3, 11), f"Python {sys.version.split()[0]}",
                   _("Install Python 3.11 or newer."))]
    missing = [m for m in ("moto", "boto3", "pymysql", "PIL", "werkzeug", "joserfc") if importlib.util.find_spec(m) is None]
    out.append(Finding("packages", not missing, _("all installed") if not missing
                       else _("missing: {packages}").format(packages=", ".join(missing)),
                       _("Reinstall: python3 -m pip install -e .")))
    home = paths.home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        writable = os.access(home, os.W_OK)
    except OSError:
        writable = False
    out.append(Finding("home", writable, str(home), _("Set CODECRAFT_HOME to a writable folder.")))
    binary = mariadbd_path()
    out.append(Finding("mariadbd", binary is not None, binary or _("not installed (RDS workshops need it locally)"),
                       _(INSTALL_HINT)))
    out.append(node_finding())
    state = process.status()
    out.append(Finding("emulator", True, _("running at {endpoint}").format(endpoint=state["endpoint"])
                       if state["running"] else _("not running (commands start it when needed)")))
    return out


def node_finding() -> Finding:
    """The system's node: the emulator runs nodejs20.x/nodejs22.x functions with it, and installs the
    runtime's AWS SDK for JavaScript v3 with npm at the first Node.js invocation."""
    import shutil

    from ..local.lambda_ import node_runtime

    fix = _("Install Node.js 22 with npm (https://nodejs.org or your package manager): the emulator runs "
            "Node.js functions with the system's node.")
    version = node_runtime.node_version()
    if version is None:
        return Finding("node", False, _("not installed (Node.js functions, setup --runtime nodejs, cannot run "
                                        "on the emulator)"), fix)
    detail = _("{version}: runs the Node.js functions (nodejs20.x, nodejs22.x) on the emulator").format(
        version=version)
    if node_runtime.installed(paths.home()) is not None:
        return Finding("node", True, detail + "; " + _("AWS SDK for JavaScript v3 installed"))
    if shutil.which("npm") is None:
        return Finding("node", False, detail + "; " + _("npm not found: the AWS SDK for JavaScript v3 of the "
                                                        "Node.js runtimes cannot be installed"), fix)
    return Finding("node", True, detail + "; " + _("the AWS SDK for JavaScript v3 is installed with npm from the "
                                                   "npm registry at the first Node.js invocation"))


def aws_findings(target: Target, workshop_ids: list[str]) -> list[Finding]:
    from ..aws.errors import error_code, translate

    clients = Clients(target)
    out: list[Finding] = []
    try:
        identity = clients.client("sts").get_caller_identity()
    except Exception as exc:
        failure = translate(exc, "sts.get_caller_identity")
        return [Finding("credentials", False, failure.message, failure.hint or "")]
    arn = str(identity.get("Arn"))
    out.append(Finding("credentials", True, _("{arn} (account {account})").format(arn=arn,
                                                                                   account=identity.get("Account"))))
    lab = clients.learner_lab
    out.append(Finding("learner lab", True, _("AWS Academy Learner Lab detected: functions use LabRole; the session "
                                              "lasts 4 hours") if lab else _("not a Learner Lab account")))
    region_ok = not lab or target.region in LEARNER_LAB_REGIONS
    out.append(Finding("region", region_ok, target.region,
                       _("Learner Lab works in {first} or {second} only: pass --region us-east-1.").format(
                           first=LEARNER_LAB_REGIONS[0], second=LEARNER_LAB_REGIONS[1])))
    actions = needed_permissions(workshop_ids)
    source = _policy_source(arn)
    try:
        pages = clients.client("iam").get_paginator("simulate_principal_policy").paginate(
            PolicySourceArn=source, ActionNames=actions)
        denied = sorted({r["EvalActionName"] for page in pages for r in page.get("EvaluationResults", [])
                         if r.get("EvalDecision") != "allowed"})
        if lab:  # LabRole replaces role creation there
            denied = [a for a in denied if not a.startswith("iam:")]
        allowed = _("{allowed}/{total} actions allowed").format(allowed=len(actions) - len(denied), total=len(actions))
        listed = ", ".join(denied[:8]) + (" …" if len(denied) > 8 else "")
        out.append(Finding("permissions", not denied,
                           _("{allowed}; denied: {actions}").format(allowed=allowed, actions=listed) if denied
                           else allowed,
                           _("Ask for these permissions, or use the embedded emulator (--target local).")))
    except Exception as exc:
        code = error_code(exc)
        out.append(Finding("permissions", True, _("not checked: simulation refused ({reason})").format(
                           reason=code or exc), _("A setup will say which call is denied, if one is.")))
    return out


def _policy_source(arn: str) -> str:
    """The IAM ARN to simulate: an assumed role's session ARN becomes its role ARN."""
    if ":assumed-role/" in arn:
        account = arn.split(":")[4]
        role = arn.split(":assumed-role/")[1].split("/")[0]
        return f"arn:aws:iam::{account}:role/{role}"
    return arn


def all_workshop_ids() -> list[str]:
    return [w.id for w in all_workshops()]
