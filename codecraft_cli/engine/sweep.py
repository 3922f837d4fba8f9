"""Find codecraft's resources without the state file, and delete exactly those.

Ownership is proven by tags only: ``codecraft:workshop`` (and ``codecraft:student``) must
match what is swept. Candidates come from the tagging API, and, for the types it does not list
everywhere (IAM roles, REST APIs, Cognito pools, log groups), from listing the service and
reading each resource's tags. A resource with a workshop's name but without its tags — built by
hand, or by someone else — is never a candidate. Each found resource is deleted with its
handler's own deletion plan, dependants first (functions before roles, the database before its
security groups). What is type-specific (how a type is found from an ARN or listed, its delete
rank) is the handlers' own (``TypeInfo``, ``from_arn``, ``list_tagged``): this module asks the
registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..aws.errors import error_code, is_client_error
from ..errors import AwsFailure
from ..resources import handler_for, swept
from ..resources.base import TAG_STUDENT, TAG_WORKSHOP, Handler, tags_from_list
from .context import DeployContext

_DENIED = ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
           "AuthorizationErrorException")


@dataclass
class Found:
    type: str
    arn: str
    tags: dict[str, str]
    outputs: dict[str, Any] = field(default_factory=dict)
    problem: str = ""  # a look-up or deletion AWS refused (the sweep went on without it)

    @property
    def label(self) -> str:
        return f"{self.type} {self.outputs.get('name') or self.outputs.get('id') or self.arn}"


def _wanted(tags: Mapping[str, str], workshop: str | None, student: str | None) -> bool:
    if TAG_WORKSHOP not in tags:
        return False
    if workshop and tags.get(TAG_WORKSHOP) != workshop:
        return False
    if student is not None and tags.get(TAG_STUDENT) != student:
        return False
    return True


def _code(exc: BaseException) -> str:
    """The AWS error code of a botocore error, or of the one an AwsFailure was made from."""
    if is_client_error(exc):
        return error_code(exc)
    cause = exc.__cause__
    return error_code(cause) if cause is not None and is_client_error(cause) else ""


def _look_up(handler: Handler, ctx: DeployContext, rest: str, arn: str) -> Found | bool:
    """The resource behind ``arn`` if it is of ``handler``'s type; False: not of this type;
    True: of this type, but already deleted (the tagging API lists deleted resources a while)."""
    try:
        outputs = handler.from_arn(ctx, rest, arn)
        if outputs is None:
            return False
        if handler.exists(ctx, outputs) is False:
            return True
    except Exception as exc:
        code = _code(exc)
        if code in handler.info.gone:
            return True
        if code in _DENIED:
            return Found(handler.info.type, arn, {}, {}, problem=f"{code}: {exc}")
        raise
    return Found(handler.info.type, arn, {}, outputs)


def _classify(arn: str, ctx: DeployContext) -> Found | bool:
    parts = arn.split(":", 5)
    service, rest = parts[2] if len(parts) > 2 else "", parts[5] if len(parts) > 5 else ""
    for handler in swept():
        if handler.info.arn_service == service:
            got = _look_up(handler, ctx, rest, arn)
            if got is not False:
                return got
    return False


def _from_arn(arn: str, ctx: DeployContext) -> Found | None:
    got = _classify(arn, ctx)
    return got if isinstance(got, Found) else None


def still_there(ctx: DeployContext, arn: str) -> bool:
    """False when the resource behind a tagging-API ARN is known to be gone (True: it exists, or
    nothing can tell)."""
    try:
        return _classify(arn, ctx) is not True
    except Exception as exc:
        if is_client_error(exc):
            return True  # cannot tell: count it
        raise


def find(ctx: DeployContext, workshop: str | None, student: str | None) -> list[Found]:
    """Every resource whose tags say it is codecraft's (for this workshop / student)."""
    found: dict[str, Found] = {}
    filters = [{"Key": TAG_WORKSHOP, "Values": [workshop]} if workshop else {"Key": TAG_WORKSHOP}]
    pages = ctx.client("resourcegroupstaggingapi").get_paginator("get_resources").paginate(TagFilters=filters)
    for page in pages:
        for item in page.get("ResourceTagMappingList", []):
            tags = tags_from_list(item.get("Tags"))
            if not _wanted(tags, workshop, student):
                continue
            got = _from_arn(item["ResourceARN"], ctx)
            if got:
                got.tags = tags
                found[got.arn] = got
    for got in _listed(ctx):
        if _wanted(got.tags, workshop, student):
            found.setdefault(got.arn, got)
    rank = {handler.info.type: position for position, handler in enumerate(swept())}
    return sorted(found.values(), key=lambda f: (rank[f.type], f.arn))


def _listed(ctx: DeployContext) -> list[Found]:
    """Types the tagging API does not list everywhere: list them and read their tags."""
    return [Found(handler.info.type, arn, tags, outputs)
            for handler in swept() if not handler.info.arn_service
            for arn, tags, outputs in handler.list_tagged(ctx)]


def delete(ctx: DeployContext, found: list[Found], executor: Any) -> list[Found]:
    """Delete in dependency order, each with its handler's plan; "already gone" is done.
    Returns what is gone now; a refused item keeps its ``problem`` and the sweep goes on."""
    done = []
    for item in found:
        if item.problem:
            continue
        handler = handler_for(item.type)
        record = {"type": item.type, "outputs": item.outputs, "tags": item.tags}
        try:
            plan = handler.plan_delete(record, handler.observe_for_delete(ctx, record))
            executor.run(plan)
        except Exception as exc:
            code = _code(exc)
            if code in handler.info.gone:  # deleted meanwhile: nothing left to do
                done.append(item)
                continue
            if code in _DENIED:
                item.problem = getattr(exc, "message", None) or f"{code}: {exc}"
                continue
            if isinstance(exc, AwsFailure):  # reported on the item; the others still go
                item.problem = exc.message
                continue
            raise
        done.append(item)
    return done
