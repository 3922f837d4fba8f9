"""``codecraft export W --format terraform``: the workshop as a Terraform configuration.

One source of truth: each handler's plan for a resource that does not exist yet (as ``show --as
cli`` computes it, engine/cli_steps.py), with the references written as Terraform expressions;
its calls' parameters become the blocks' arguments (export_terraform_types.py,
export_terraform_compute.py), so names, settings, policies and tags are codecraft's. The Lambda
packages are engine/packaging.py's reproducible zips, written beside ``main.tf`` and referenced
with their hash. codecraft's ownership tags are left out: what Terraform builds is Terraform's
(``codecraft teardown`` never touches it; ``terraform destroy`` removes it).

Signature (called by cli/cmd_export.py, like export_cloudformation.render)::

    render(workshop, *, student=None, target="aws", lang="en", endpoint=None, gateway=None,
           region=None) -> dict[str, bytes | str]

``target="local"``: the provider talks to the embedded emulator at ``endpoint`` (every service,
the emulator's test credentials, no account look-ups); the invoke URL output is the local
gateway's. A prerequisite workshop's values are read from its own export's state
(``../<prerequisite>-terraform/terraform.tfstate``: apply it first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import paths
from ..i18n import _
from ..resources import handler_for
from ..resources.base import Observed
from ..workshop.model import REF_RE, Workshop
from . import export_terraform_compute as _compute  # noqa: F401 - registers its translators
from . import export_mail as _mail  # noqa: F401 - registers the e-mail types' translators
from . import export_monitoring as _monitoring  # noqa: F401 - registers the monitoring types
from .export_hcl import Block, Expr, Nested, ident
from .export_hcl import render as hcl
from .export_terraform_types import ADDRESSES, TRANSLATORS, Doc
from .narrate import OfflineContext

PROVIDER_VERSION = "~> 5.0"
# the services the workshops use, by the provider's endpoint names (a local provider block names them all)
ENDPOINTS = ("apigateway", "cloudwatch", "cloudwatchlogs", "cognitoidp", "dynamodb", "ec2", "iam", "lambda", "rds",
             "s3", "secretsmanager", "sns", "sqs", "sts")
# outputs worth showing a student, by type
SHOWN = {"dynamodb.table": ("name",), "sns.topic": ("arn",), "sqs.queue": ("url",), "lambda.function": ("name",),
         "s3.bucket": ("name",), "rds.db_instance": ("address",), "cognito.user_pool": ("id",),
         "cognito.user_pool_client": ("id",), "apigateway.rest_api": ("id",)}


class _ExportContext(OfflineContext):
    """narrate's offline context with Terraform's region and account, and the student's names."""

    def physical_name(self, base: str) -> str:
        return f"{self.student}-{base}" if self.student else base


def _used_by_others(workshop_id: str) -> set[tuple[str, str]]:
    """(resource, attribute) that other workshops read from this one: its outputs."""
    used: set[tuple[str, str]] = set()
    for path in sorted(paths.workshops_dir().glob("*.yaml")):
        for m in REF_RE.finditer(path.read_text(encoding="utf-8")):
            if m.group(1) == workshop_id:
                used.add((m.group(2), m.group(3)))
    return used


def _terraform(local: bool) -> Block:
    return Block("terraform", (), {"required_version": ">= 1.5", "required_providers": Nested({
        "aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}})})


def _provider(region: str, endpoint: str | None) -> Block:
    if endpoint is None:
        return Block("provider", ("aws",), {"region": region})
    from ..aws.clients import LOCAL_CREDENTIALS

    return Block("provider", ("aws",), {
        "region": region,
        "access_key": LOCAL_CREDENTIALS["aws_access_key_id"],
        "secret_key": LOCAL_CREDENTIALS["aws_secret_access_key"],
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        "s3_use_path_style": True,
        "endpoints": Nested({name: endpoint for name in ENDPOINTS}),
    }, comment=_("The embedded emulator (codecraft local start): every service at {endpoint}.").format(
        endpoint=endpoint))


def _remote(workshop: str) -> Block:
    return Block("data", ("terraform_remote_state", ident(workshop)), {
        "backend": "local",
        "config": {"path": Expr(f'"${{path.module}}/../{workshop}-terraform/terraform.tfstate"')},
    }, comment=_("Values of the prerequisite {workshop}: apply its export first (codecraft export {workshop} "
                 "--format terraform).").format(workshop=workshop))


def _outputs(doc: Doc, workshop: Workshop) -> list[Block]:
    blocks = [Block("output", (name,), {"value": value, "description": why}) for name, (value, why) in doc.outputs.items()]
    wanted = {(r.id, attr) for r in workshop.resources for attr in SHOWN.get(r.type, ())}
    wanted |= {(rid, attr) for rid, attr in _used_by_others(workshop.id) if rid in doc.resources}
    if any(r.type == "apigateway.rest_api" for r in workshop.resources):
        wanted |= {(r.id, "id") for r in workshop.resources if r.type == "apigateway.rest_api"}
    for rid, attr in sorted(wanted, key=lambda w: [r.id for r in workshop.resources].index(w[0])):
        expr = doc.expr(None, rid, attr)
        blocks.append(Block("output", (f"{rid}_{attr}",), {"value": Expr(expr)}))
    return blocks


def render(workshop: Workshop, *, student: str | None = None, target: str = "aws", lang: str = "en",
           endpoint: str | None = None, gateway: str | None = None, region: str | None = None,
           artifact: Any = None, lab_role: bool = False) -> dict[str, bytes | str]:
    """The files of the export: ``main.tf`` and ``lambda/<function>.zip``. ``lab_role``: an AWS
    Academy Learner Lab, where no role can be created or changed: every function uses ``LabRole``."""
    from .packaging import build

    local = target == "local"
    ctx = _ExportContext(region="${data.aws_region.current.name}",
                         account_id="${data.aws_caller_identity.current.account_id}", student=student, lang=lang)
    doc = Doc({r.id: r for r in workshop.resources}, student, artifact or build,
              gateway if local else None)
    body: list[Block] = []
    for res in workshop.resources:
        props = doc.convert(res.properties)
        plan = handler_for(res.type).plan(ctx, res, props, Observed(False, {"resources": {}}))
        doc.blocks += TRANSLATORS[res.type](doc, res, plan)
    body = doc.blocks
    head = [_terraform(local), _provider(region or "us-east-1", endpoint if local else None),
            Block("data", ("aws_region", "current"), {}), Block("data", ("aws_caller_identity", "current"), {})]
    head += [_remote(w) for w in sorted(doc.remote)]
    title = _("{workshop}: generated by codecraft export from the workshop's definition; "
              "terraform init, then terraform apply.").format(workshop=workshop.id)
    roles = [r.id for r in workshop.resources if r.type == "iam.role"] if lab_role else []
    if roles:  # a Learner Lab may neither create a role nor attach a policy: LabRole, as setup does
        body = [b for b in body if not (b.kind == "resource" and b.labels[0] in _ROLE_TYPES)]
        body = [Block("data", ("aws_iam_role", rid), {"name": "LabRole"}) for rid in roles] + body
    text = f"# {title}\n\n" + hcl(head + body + _outputs(doc, workshop))
    return {"main.tf": _lab_role_references(text, roles), **doc.files}


_ROLE_TYPES = ("aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment")


def _lab_role_references(text: str, roles: list[str]) -> str:
    """References to the workshop's roles pointed at the ``LabRole`` data sources, and waits on
    their policies dropped (AWS Academy Learner Lab: functions run with ``LabRole``)."""
    import re

    for rid in roles:
        text = re.sub(rf"(?<![.\w])aws_iam_role\.{re.escape(rid)}\.", f"data.aws_iam_role.{rid}.", text)
        text = re.sub(rf"(?<![.\w])aws_iam_role_policy(?:_attachment)?\.{re.escape(rid)}\w*,?[ \t]*", "", text)
    return text


def supported_types() -> Mapping[str, str]:
    """codecraft type -> its main Terraform type (the README's table)."""
    return {kind: tf for kind, (tf, _attrs) in ADDRESSES.items() if kind in TRANSLATORS}
