"""The exports (Terraform, CloudFormation) of the e-mail types: ``ses.identity``.

Terraform: ``aws_sesv2_email_identity`` (tags kept); CloudFormation: ``AWS::SES::EmailIdentity``
(no Tags property; ``Ref`` is the identity). Either way the address is verified by clicking the
link of the e-mail SES sends it: the export notes it. ``sns.subscription`` with protocol email
is exported as the other protocols (export_terraform_types, export_cloudformation_types).
Importing this module registers the translators.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..i18n import _
from ..resources.base import Step
from ..workshop.model import ResourceSpec
from . import export_cloudformation_types as cfn_types
from .export_cloudformation_refs import ATTRS, Template, logical_id
from .export_hcl import Block
from .export_terraform_types import ADDRESSES, Doc, params, resource, tags, translates

ADDRESSES["ses.identity"] = ("aws_sesv2_email_identity", {"email": "email_identity", "arn": "arn"})
ATTRS[("ses.identity", "email")] = ("Ref",)
ATTRS[("ses.identity", "arn")] = ("Sub", "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${%s}")


@translates("ses.identity")
def _terraform_identity(doc: Doc, res: ResourceSpec, plan: Sequence[Step]) -> list[Block]:
    p = params(plan, "create_email_identity")
    return [resource("aws_sesv2_email_identity", res.id, {"email_identity": p["EmailIdentity"],
                                                           "tags": tags(p.get("Tags"))},
                     _("SES sends a verification e-mail to {email}: click its link").format(email=p["EmailIdentity"]))]


def _cloudformation_identity(tpl: Template, res: ResourceSpec, plan: list[Step]) -> None:
    p = cfn_types._one(plan, "create_email_identity")
    tpl.add(logical_id(res.id), "AWS::SES::EmailIdentity", {"EmailIdentity": p["EmailIdentity"]})
    tpl.notes.append(_("SES sends a verification e-mail to {email}: click its link (in the sandbox, mail goes only "
                       "from and to verified addresses).").format(email=p["EmailIdentity"]))


cfn_types.TRANSLATORS["ses.identity"] = _cloudformation_identity
