"""S3: bucket names, location constraints, tags, notifications and objects."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from .base import Params, Refusal, State, rule, text

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# General purpose bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/
# bucketnamingrules.html): reserved prefixes and suffixes.
_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_name_problem(name: str) -> bool:
    """True when the name breaks a naming rule: 3-63 characters; lowercase letters, digits,
    dots and hyphens; a letter or digit first and last; no two adjacent periods; not an IP
    address; none of the reserved prefixes and suffixes."""
    if not _BUCKET.fullmatch(name) or ".." in name:
        return True
    try:
        ipaddress.IPv4Address(name)
        return True
    except ValueError:
        pass
    return name.startswith(_PREFIXES) or name.endswith(_SUFFIXES)


@rule("s3", "CreateBucket")
def bucket_name(params: Params, state: State) -> Refusal | None:
    name = text(params.get("Bucket"))
    if name is not None and bucket_name_problem(name):
        return Refusal("InvalidBucketName", "The specified bucket is not valid.")
    return None


@rule("s3", "CreateBucket")
def location_constraint(params: Params, state: State) -> Refusal | None:
    """us-east-1 takes no LocationConstraint (``us-east-1`` itself is refused); every other
    Region requires its own (API_CreateBucket.html, CreateBucketConfiguration; the
    "IllegalLocationConstraintException" and "InvalidLocationConstraint" codes of ErrorResponses)."""
    config = params.get("CreateBucketConfiguration")
    location = config.get("LocationConstraint") if isinstance(config, dict) else None
    region = state.region
    if location == "us-east-1":
        return Refusal("InvalidLocationConstraint", "The specified location-constraint is not valid")
    if region == "us-east-1":
        return None
    if not location:
        return Refusal("IllegalLocationConstraintException", "The unspecified location constraint is "
                       "incompatible for the region specific endpoint this request was sent to.")
    if location != region and not (location == "EU" and region == "eu-west-1"):
        return Refusal("IllegalLocationConstraintException", f"The {location} location constraint is "
                       "incompatible for the region specific endpoint this request was sent to.")
    return None


@rule("s3", "PutBucketTagging", "PutObjectTagging")
def tag_set(params: Params, state: State) -> Refusal | None:
    """Buckets: up to 50 tags, objects up to 10; keys up to 128 characters, values up to 256,
    distinct keys, no ``aws:`` prefix (tagging-managing.html, object-tagging.html)."""
    tagging = params.get("Tagging")
    tags = tagging.get("TagSet") if isinstance(tagging, dict) else None
    if not isinstance(tags, list):
        return None
    limit = 50 if "Key" not in params else 10
    if len(tags) > limit:
        return Refusal("BadRequest", f"Object tags cannot be greater than {limit}" if limit == 10
                       else "Bucket tag count cannot be greater than 50")
    keys = [str(t.get("Key", "")) for t in tags if isinstance(t, dict)]
    if len(set(keys)) != len(keys):
        return Refusal("InvalidTag", "Cannot provide multiple Tags with the same key")
    for tag in tags:
        key, value = str(tag.get("Key", "")), str(tag.get("Value", ""))
        if key.lower().startswith("aws:"):
            return Refusal("InvalidTag", "System tags cannot be added/updated by requester")
        if not 1 <= len(key) <= 128:
            return Refusal("InvalidTag", "The TagKey you have provided is invalid")
        if len(value) > 256:
            return Refusal("InvalidTag", "The TagValue you have provided is invalid")
    return None


def _rules(config: dict[str, Any]) -> tuple[str, str]:
    prefix = suffix = ""
    filters = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    for item in filters:
        name = str(item.get("Name", "")).lower()
        if name == "prefix":
            prefix = str(item.get("Value", ""))
        elif name == "suffix":
            suffix = str(item.get("Value", ""))
    return prefix, suffix


def _events_overlap(a: list[str], b: list[str]) -> bool:
    def covers(x: str, y: str) -> bool:
        return x == y or (x.endswith("*") and y.startswith(x[:-1])) or (y.endswith("*") and x.startswith(y[:-1]))

    return any(covers(x, y) for x in a for y in b)


@rule("s3", "PutBucketNotificationConfiguration")
def notification_overlap(params: Params, state: State) -> Refusal | None:
    """"Configuration is ambiguously defined": two configurations for overlapping event types
    whose prefixes and suffixes both overlap (notification-how-to-filtering.html)."""
    config = params.get("NotificationConfiguration")
    if not isinstance(config, dict):
        return None
    entries: list[dict[str, Any]] = []
    for key in ("LambdaFunctionConfigurations", "QueueConfigurations", "TopicConfigurations"):
        entries += [e for e in config.get(key) or [] if isinstance(e, dict)]
    for entry in entries:
        names = [str(r.get("Name", "")).lower() for r in
                 ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []]
        if len(set(names)) != len(names):
            return Refusal("InvalidArgument", "Cannot specify more than one prefix rule in a filter." if
                           names.count("prefix") > 1 else "Cannot specify more than one suffix rule in a filter.")
    for i, first in enumerate(entries):
        for second in entries[i + 1:]:
            if not _events_overlap(first.get("Events") or [], second.get("Events") or []):
                continue
            (p1, s1), (p2, s2) = _rules(first), _rules(second)
            if (p1.startswith(p2) or p2.startswith(p1)) and (s1.endswith(s2) or s2.endswith(s1)):
                return Refusal("InvalidArgument", "Configuration is ambiguously defined. Cannot have "
                               "overlapping suffixes in two rules if the prefixes are overlapping for the "
                               "same event type.")
    return None


@rule("s3", "PutObject", "CopyObject", "CreateMultipartUpload", "GetObject", "HeadObject", "DeleteObject")
def object_key(params: Params, state: State) -> Refusal | None:
    """Object keys: at most 1,024 bytes of UTF-8 (object-keys.html)."""
    key = text(params.get("Key"))
    if key is not None and len(key.encode()) > 1024:
        return Refusal("KeyTooLongError", "Your key is too long")
    return None


@rule("s3", "PutObject")
def object_size_and_metadata(params: Params, state: State) -> Refusal | None:
    """A single PUT is at most 5 GB (upload-objects.html); user-defined metadata at most 2 KB
    (UsingMetadata.html)."""
    body = params.get("Body")
    if isinstance(body, bytes | str) and len(body) > 5 * 1024 ** 3:
        return Refusal("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
    metadata = params.get("Metadata")
    if isinstance(metadata, dict):
        size = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in metadata.items())
        if size > 2048:
            return Refusal("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size")
    return None


@rule("s3", "DeleteObjects")
def delete_objects_count(params: Params, state: State) -> Refusal | None:
    """"The request can contain a list of up to 1,000 keys" (API_DeleteObjects.html)."""
    delete = params.get("Delete")
    objects = delete.get("Objects") if isinstance(delete, dict) else None
    if isinstance(objects, list) and len(objects) > 1000:
        return Refusal("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                                       "our published schema")
    return None
