"""``codecraft export W --format cloudformation``: a CloudFormation template (YAML) of a workshop.

Signature (called by cli/cmd_export.py)::

    render(workshop: Workshop, *, student: str | None = None, target: str = "aws",
           lang: str = "en", account_id: str | None = None, region: str | None = None,
           build: Callable[[str], Artifact] | None = None) -> dict[str, bytes | str]

It returns the files to write, relative to the output folder: ``template.yaml`` (str) and one
``lambda/<function name>-<hash>.zip`` (bytes) per Lambda function, built by engine/packaging.py
(the same reproducible zips setup uploads). The template references each zip in S3
(``Code: {S3Bucket: !Ref CodeBucket, S3Key: lambda/...zip}``); inline ``ZipFile`` is not used:
it holds one source file (``index.py``) and codecraft's packages have several files, shared
modules and dependencies. A teacher copies the zips to a bucket and deploys the stack::

    aws s3 cp --recursive lambda s3://BUCKET/lambda/
    aws cloudformation deploy --template-file template.yaml --stack-name codecraft-W \\
        --capabilities CAPABILITY_NAMED_IAM --parameter-overrides CodeBucket=BUCKET

(or uploads the template in the console with the same parameter). ``account_id``/``region``,
when known, give the S3 buckets codecraft's own names (they hold a hash of both); otherwise a
bucket is named ``<name>-<account>-<region>`` by the stack.

One source of truth: every name, setting and policy comes from the handlers' plans for a resource
that does not exist yet (as ``show --as cli`` does), with each ``${resource.attr}`` reference passed
in as a marker that becomes a ``Ref``/``Fn::GetAtt``/``Fn::Sub`` (export_cloudformation_types.py
translates each plan into its resources: AWS's CloudFormation resource reference,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html).
A value from a prerequisite workshop's stack (workshop2 uses workshop1's VPC, database, pool) is a
parameter named after that stack's output; the default VPC and its subnets are parameters too
(CloudFormation cannot look them up).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..workshop.model import Workshop
from . import export_cloudformation_types as types
from . import export_mail as _mail  # noqa: F401 - registers the e-mail types' translators
from . import export_monitoring as _monitoring  # noqa: F401 - registers the monitoring types
from .export_cloudformation_refs import ExportContext, Template
from .packaging import Artifact


def render(workshop: Workshop, *, student: str | None = None, target: str = "aws", lang: str = "en",
           account_id: str | None = None, region: str | None = None,
           build: Callable[[str], Artifact] | None = None, lab_role: bool = False) -> dict[str, bytes | str]:
    """The files of the export: ``template.yaml`` and ``lambda/<function>-<hash>.zip``. ``lab_role``:
    an AWS Academy Learner Lab, where no role may be created: the functions use ``LabRole``."""
    from .packaging import build as build_zip

    ctx = ExportContext(workshop.id, student, target, region)
    tpl = Template(workshop, ctx, account_id, region, build or build_zip)
    tpl.literal_buckets = {str(r.properties["bucket"]).split(".")[0][2:] for r in workshop.resources
                           if r.type == "s3.notification"}
    for res in workshop.resources:
        types.translate(tpl, res)
    types.finish(tpl)
    if lab_role:
        _with_lab_role(tpl)
    tpl.files["template.yaml"] = types.as_yaml(tpl, lang)
    return dict(tpl.files)


LAB_ROLE_ARN = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/LabRole"}


def _with_lab_role(tpl: Any) -> None:
    """The workshop's roles left out, every reference to one pointed at the Learner Lab's LabRole
    (a Learner Lab account may not create roles: setup uses LabRole there too)."""
    roles = {name for name, body in tpl.resources.items() if body["Type"] == "AWS::IAM::Role"}

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("Fn::GetAtt") and value["Fn::GetAtt"][0] in roles:
                return LAB_ROLE_ARN
            if value.get("Ref") in roles:
                return "LabRole"
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value if not (isinstance(v, str) and v in roles)]
        return value

    tpl.resources = {name: swap(body) for name, body in tpl.resources.items() if name not in roles}
    for body in tpl.resources.values():
        if isinstance(body.get("DependsOn"), str) and body["DependsOn"] in roles:
            del body["DependsOn"]
    tpl.outputs = {name: swap(out) for name, out in tpl.outputs.items()}
