"""S3 buckets and their Lambda notifications.

YAML::

    - id: files
      type: s3.bucket
      name: codecraft-project-files        # lowercase; a unique suffix is added

    - id: upload_notification
      type: s3.notification
      properties:
        bucket: ${images.name}
        function: ${resize.arn}
        events: ["s3:ObjectCreated:*"]
        prefix: uploads/                   # results go elsewhere: no self-triggering

Bucket names are global and lowercase: the YAML name gets a suffix derived from the account,
the region and the student (stable across reruns, different in every account), and is checked
before any call. Block Public Access stays on. Deletion removes every object version and delete
marker first. ``BucketAlreadyOwnedByYou`` on a rerun is success; ``BucketAlreadyExists`` means
someone else has the name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from ..aws.errors import error_code, is_client_error
from ..aws.retry import S3_DESTINATION
from ..errors import AwsFailure, UserError
from ..i18n import N_, _
from ..workshop.model import ResourceSpec, has_unresolved
from .base import (Call, Context, Finding, Handler, Observed, Prop, Step, TypeInfo, register, tag_list,
                   short, tags_from_list)
from .s3_lifecycle import glacier_findings, has_glacier_rule, put_glacier_rule
from .teaching import finding

_GONE = ("NoSuchBucket",)

BUCKET_BASE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$")
BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
             "RestrictPublicBuckets": True}


def check_bucket_base(name: str) -> str | None:
    """A problem with a bucket base name, or None (S3 rules, room left for the suffix)."""
    if not BUCKET_BASE_RE.match(name):
        return _("bucket name {name!r} must be 3-42 characters: lowercase letters, digits and hyphens, starting "
                 "and ending with a letter or digit (a suffix is added)").format(name=name)
    return None


def bucket_name(base: str, account: str, region: str, student: str | None) -> str:
    digest = hashlib.sha256(f"{account}/{region}/{student or ''}".encode()).hexdigest()
    name = f"{base}-{student}-{digest[:6]}" if student else f"{base}-{digest[:8]}"
    if len(name) > 63:
        raise UserError(_("The bucket name {name} is longer than 63 characters.").format(name=name),
                        hint=_("Use a shorter bucket name in the workshop or a shorter --student name."))
    return name


@register
class Bucket(Handler):
    info = TypeInfo("s3.bucket", "s3", N_("S3 › Buckets"), gone=_GONE, sweep_rank=40, arn_service="s3",
                    id_output="name")
    # glacier_after_days: a lifecycle rule moving the objects under glacier_prefix (all: "") to S3
    # Glacier Flexible Retrieval (StorageClass GLACIER) after that many days (seed 004, 5.1)
    schema = {"versioning": Prop(bool), "glacier_after_days": Prop(int), "glacier_prefix": Prop(str)}
    outputs = ("name", "arn", "account")
    # seed 003: "un nom unique" (an example: its YAML leaves it open); seed 001 names
    # "image-upload-bucket" (taken: names are global). Block Public Access is always required (a
    # Finding "*"): seed 003 asks for it, and it is how S3 makes every new bucket since April 2023
    prescribed = ("name",)
    permissions = ("s3:CreateBucket", "s3:ListBucket", "s3:PutBucketPublicAccessBlock",
                   "s3:GetBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:GetBucketTagging",
                   "s3:PutBucketVersioning", "s3:ListBucketVersions", "s3:DeleteObject",
                   "s3:DeleteObjectVersion", "s3:DeleteBucket", "s3:PutLifecycleConfiguration",
                   "s3:GetLifecycleConfiguration")

    def name(self, ctx: Context, res: ResourceSpec) -> str:
        found = getattr(ctx, "found", None)
        if found and res.id in found:  # the student's bucket, found through the links (engine/discovery)
            return str(found[res.id])
        base = res.name or res.id
        problem = check_bucket_base(base)
        if problem:
            raise UserError(_("Invalid {problem}.").format(problem=problem), hint=_("Fix the name in the workshop file."))
        return bucket_name(base, ctx.account_id, ctx.region, getattr(ctx, "student", None))

    def validate(self, res: ResourceSpec) -> list[str]:
        problem = check_bucket_base(res.name or res.id)
        return [problem] if problem else []

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        client = ctx.client("s3")
        name = self.name(ctx, res)
        try:
            client.head_bucket(Bucket=name)
        except Exception as exc:
            code = error_code(exc) if is_client_error(exc) else ""
            if code in ("404", "NoSuchBucket", "NotFound"):
                return Observed(False)
            if code in ("403", "AccessDenied"):
                raise AwsFailure(_("The bucket name {name} belongs to another account.").format(name=name),
                                 hint=_("Bucket names are global: pick another name (or a --student "
                                        "name).")) from exc
            raise
        tagging = self.fetch(lambda: client.get_bucket_tagging(Bucket=name), ("NoSuchTagSet",))
        tags = tags_from_list((tagging or {}).get("TagSet"))
        got = self.fetch(lambda: client.get_public_access_block(Bucket=name), ("NoSuchPublicAccessBlockConfiguration",))
        block = got["PublicAccessBlockConfiguration"] if got else {}
        versioning = client.get_bucket_versioning(Bucket=name).get("Status") == "Enabled"
        got_rules = self.fetch(lambda: client.get_bucket_lifecycle_configuration(Bucket=name),
                               ("NoSuchLifecycleConfiguration",))
        return Observed(True, {"block": block, "versioning": versioning,
                               "lifecycle": (got_rules or {}).get("Rules", []),
                               "small_objects": (got_rules or {}).get("TransitionDefaultMinimumObjectSize")}, tags)

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        name = self.name(ctx, res)
        calls: list[Step] = []
        if not observed.exists:
            params: dict[str, Any] = {"Bucket": name}
            if ctx.region != "us-east-1":  # us-east-1 refuses a LocationConstraint
                params["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
            calls += [Call("s3", "create_bucket", params, output="created", records=True,
                           gone_ok=("BucketAlreadyOwnedByYou",)),
                      Call("s3", "put_bucket_tagging", {"Bucket": name, "Tagging": {"TagSet": tag_list(ctx.tags)}})]
        if observed.attrs.get("block") != BLOCK_ALL:
            calls.append(Call("s3", "put_public_access_block",
                              {"Bucket": name, "PublicAccessBlockConfiguration": BLOCK_ALL}))
        want_versioning = bool(props.get("versioning", False))
        if want_versioning != bool(observed.attrs.get("versioning")) and (want_versioning or observed.exists):
            calls.append(Call("s3", "put_bucket_versioning", {"Bucket": name, "VersioningConfiguration": {
                "Status": "Enabled" if want_versioning else "Suspended"}}))
        if props.get("glacier_after_days") and not has_glacier_rule(observed.attrs.get("lifecycle") or [], props):
            calls.append(put_glacier_rule(name, observed.attrs.get("lifecycle") or [], props))
        return calls

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        """Block Public Access on, all four settings (always required: the default of every new
        bucket, S3 User Guide, "Blocking public access to your Amazon S3 storage"); versioning is
        codecraft's choice."""
        name, found = self.name(ctx, res), []
        if any(not (observed.attrs.get("block") or {}).get(key) for key in BLOCK_ALL):
            found.append(finding("*",
                                 _('S3 › Buckets › {bucket} › Permissions › Block public access (bucket settings) › '
                                   'Edit: tick "Block all public access"').format(bucket=name),
                                 _("the users' files must not be able to become public")))
        want = bool(props.get("versioning", False))
        if want != bool(observed.attrs.get("versioning")):
            found.append(finding("versioning",
                                 (_("S3 › Buckets › {bucket} › Properties › Bucket Versioning › Edit: Enable") if want
                                  else _("S3 › Buckets › {bucket} › Properties › Bucket Versioning › Edit: Suspend"))
                                 .format(bucket=name),
                                 _("an overwritten or deleted file can be recovered") if want else ""))
        if props.get("glacier_after_days"):
            found += glacier_findings(ctx, name, props, observed.attrs)
        return list(found)

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        name = self.name(ctx, res)
        return {"name": name, "arn": f"arn:aws:s3:::{name}", "account": ctx.account_id}

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        client = ctx.client("s3")
        name = record["outputs"]["name"]
        pages = client.get_paginator("list_object_versions").paginate(Bucket=name)
        objects = self.fetch(lambda: [{"Key": item["Key"], "VersionId": item["VersionId"]} for page in pages
                                      for item in page.get("Versions", []) + page.get("DeleteMarkers", [])])
        return {"gone": True} if objects is None else {"objects": objects}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        found = found or {}
        if found.get("gone"):
            return []
        name = record["outputs"]["name"]
        objects = list(found.get("objects", []))
        calls: list[Step] = [Call("s3", "delete_objects", {"Bucket": name, "Delete": {
            "Objects": objects[i:i + 1000], "Quiet": True}}, gone_ok=_GONE) for i in range(0, len(objects), 1000)]
        calls.append(Call("s3", "delete_bucket", {"Bucket": name}, gone_ok=_GONE))
        return calls

    def from_arn(self, ctx: Context, resource: str, arn: str) -> dict[str, Any] | None:
        return {"name": resource}


@register
class Notification(Handler):
    info = TypeInfo("s3.notification", "s3", N_("S3 › Bucket › Properties › Event notifications"), gone=_GONE,
                    named=False, taggable=False)
    schema = {"bucket": Prop(str, required=True), "function": Prop(str, required=True),
              "events": Prop(list), "prefix": Prop(str), "suffix": Prop(str)}
    outputs = ("id",)
    # seed 001: uploaded images "traitées par une fonction Lambda" that reads the S3 event: the
    # function is notified; which creation events and the prefix are codecraft's choices
    prescribed = ("function",)
    permissions = ("s3:PutBucketNotification", "s3:GetBucketNotification")

    def label(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> str:
        return f"{short(props.get('bucket'))} → {short(props.get('function'))}"

    def serialize_key(self, props: Mapping[str, Any]) -> str | None:
        return f"s3-notifications:{props.get('bucket')}"  # one configuration document per bucket

    def _id(self, res: ResourceSpec) -> str:
        return f"codecraft-{res.id}"

    def _want(self, res: ResourceSpec, props: Mapping[str, Any]) -> dict[str, Any]:
        rules = [{"Name": n, "Value": str(props[n])} for n in ("prefix", "suffix")
                 if props.get(n)]
        config: dict[str, Any] = {"Id": self._id(res), "LambdaFunctionArn": props["function"],
                                  "Events": list(props.get("events") or ["s3:ObjectCreated:*"])}
        if rules:
            config["Filter"] = {"Key": {"FilterRules": rules}}
        return config

    def observe_by_hand(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any]) -> Observed:
        return self.observe(ctx, res, props, by_hand=True)

    def observe(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                by_hand: bool = False) -> Observed:
        if has_unresolved(props["bucket"]):
            return Observed(False, {"others": []})
        got = self.fetch(lambda: ctx.client("s3").get_bucket_notification_configuration(Bucket=props["bucket"]))
        if got is None:  # not created yet (a dry run)
            return Observed(False, {"others": []})
        configs = got.get("LambdaFunctionConfigurations", [])
        mine = next((c for c in configs if c.get("Id") == self._id(res)), None)
        if mine is None and by_hand:  # "Add trigger" in the Lambda console: an Id of its own
            want = _function(str(props["function"]))
            mine = next((c for c in configs if _function(str(c.get("LambdaFunctionArn"))) == want), None)
        others = {k: v for k, v in got.items() if k.endswith("Configurations") or k == "EventBridgeConfiguration"}
        others["LambdaFunctionConfigurations"] = [c for c in configs if c.get("Id") != self._id(res)]
        return Observed(mine is not None, {"mine": mine, "others": others})

    def plan(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed) -> list[Step]:
        want = self._want(res, props)
        if observed.exists and _same(observed.attrs.get("mine") or {}, want):
            return []
        config = dict(observed.attrs.get("others") or {})
        config["LambdaFunctionConfigurations"] = [*config.get("LambdaFunctionConfigurations", []), want]
        # right after Lambda's add_permission, S3 may not see it yet: retried (S3_DESTINATION)
        return [Call("s3", "put_bucket_notification_configuration",
                     {"Bucket": props["bucket"], "NotificationConfiguration": config}, records=True,
                     retry=S3_DESTINATION)]

    def check(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any], observed: Observed,
              by_hand: bool = False) -> list[Finding | str]:
        want, have = self._want(res, props), observed.attrs.get("mine") or {}
        bucket = props["bucket"]
        found: list[Finding | str] = []
        if _function(str(have.get("LambdaFunctionArn"))) != _function(str(want["LambdaFunctionArn"])):
            found.append(finding("function", _("S3 › Buckets › {bucket} › Properties › Event notifications › Edit: "
                                               "Destination, Lambda function {function}").format(
                bucket=bucket, function=_function(str(want["LambdaFunctionArn"])))))
        if sorted(have.get("Events") or []) != sorted(want["Events"]):
            found.append(finding("events", _("S3 › Buckets › {bucket} › Properties › Event notifications › Edit: "
                                             "event types {events}").format(bucket=bucket,
                                                                            events=", ".join(want["Events"])),
                                 _("codecraft's choice: any object creation")))
        if not _same({**have, "LambdaFunctionArn": want["LambdaFunctionArn"], "Events": want["Events"]}, want):
            rules = ", ".join(said.format(value=props[n]) for n, said in (("prefix", _("prefix {value}")),
                                                                          ("suffix", _("suffix {value}")))
                              if props.get(n))
            found.append(finding(
                "prefix",
                _("S3 › Buckets › {bucket} › Properties › Event notifications › Edit: {rules}").format(
                    bucket=bucket, rules=rules) if rules else
                _("S3 › Buckets › {bucket} › Properties › Event notifications › Edit: no filter").format(bucket=bucket),
                _("the function writes its results into the same bucket: without a filter each result triggers it "
                  "again (a loop)") if rules else ""))
        return found

    def resolve_outputs(self, ctx: Context, res: ResourceSpec, props: Mapping[str, Any],
                        observed: Observed, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": self._id(res), "bucket": props["bucket"]}

    def physical_id(self, outputs: Mapping[str, Any]) -> str:
        return f"{outputs['bucket']}/{outputs['id']}"

    def observe_for_delete(self, ctx: Context, record: Mapping[str, Any]) -> dict[str, Any]:
        got = self.fetch(lambda: ctx.client("s3").get_bucket_notification_configuration(
            Bucket=record["outputs"]["bucket"]))
        if got is None:
            return {"gone": True}
        config = {k: v for k, v in got.items() if k.endswith("Configurations") or k == "EventBridgeConfiguration"}
        config["LambdaFunctionConfigurations"] = [c for c in got.get("LambdaFunctionConfigurations", [])
                                                  if c.get("Id") != record["outputs"]["id"]]
        return {"config": config}

    def plan_delete(self, record: Mapping[str, Any], found: Mapping[str, Any] | None = None) -> list[Step]:
        found = found or {}
        if found.get("gone"):
            return []
        return [Call("s3", "put_bucket_notification_configuration",
                     {"Bucket": record["outputs"]["bucket"], "NotificationConfiguration": found.get("config", {})},
                     gone_ok=_GONE)]


def _function(arn: str) -> str:
    """A function's name from its ARN (a version or alias qualifier aside)."""
    return arn.split(":function:", 1)[-1].split(":", 1)[0]


def _same(have: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    def rules(config: Mapping[str, Any]) -> list[tuple[str, str]]:
        items = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
        return sorted((r["Name"].lower(), r["Value"]) for r in items)

    return (have.get("LambdaFunctionArn") == want["LambdaFunctionArn"]
            and sorted(have.get("Events") or []) == sorted(want["Events"]) and rules(have) == rules(want))
