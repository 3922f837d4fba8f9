"""Which IAM action, on which resource, an API request needs: pure, from the request parameters.

From the "Actions, resources, and condition keys" pages of the Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html),
one per service: DynamoDB (``table/NAME``, ``table/NAME/index/INDEX``), SNS (the topic), SQS (the
queue, whose ARN the queue URL gives), S3 (``bucket`` and ``bucket/key``), Secrets Manager (the
secret's full ARN), CloudWatch Logs (log group / log stream), Lambda (the function), RDS (``db:ID``).

A request may need several authorizations (``BatchWriteItem`` on each table, ``CopyObject`` reads
the source and writes the destination). An operation not listed here needs the action named
after it (``<prefix>:<Operation>``) on ``*``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Target:
    """One authorization a request needs: ``action`` on ``resource`` (an ARN or ``*``)."""

    action: str
    resource: str
    shown: str | None = None  # how the service names the resource in its message, if not the ARN


@dataclass(frozen=True)
class Where:
    region: str
    account: str
    secret_arn: Callable[[str], "str | None"] = lambda secret_id: None  # a name or partial ARN → ARN


# the IAM prefix of a service, by its SigV4 signing name where the two differ
_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "states": "states", "execute-api": "execute-api"}
ALWAYS_ALLOWED = {("sts", "GetCallerIdentity")}  # "no permissions are required" (STS API reference)


def targets(service: str, operation: str, params: Params, where: Where) -> list[Target]:
    """The authorizations one request needs; empty when none is needed."""
    if (service, operation) in ALWAYS_ALLOWED:
        return []
    mapper = _MAPPERS.get(service)
    found = mapper(operation, params, where) if mapper else None
    if found is None:
        return [Target(f"{_PREFIX.get(service, service)}:{operation}", "*")]
    return found


def _text(params: Params, key: str) -> str:
    value = params.get(key)
    return value if isinstance(value, str) else ""


# -- DynamoDB ---------------------------------------------------------------------------------
def table_arn(name: str, where: Where) -> str:
    return name if name.startswith("arn:") else f"arn:aws:dynamodb:{where.region}:{where.account}:table/{name}"


_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem",
             "Get": "GetItem"}


def _dynamodb(operation: str, params: Params, where: Where) -> list[Target] | None:
    if operation in ("BatchWriteItem", "BatchGetItem"):
        return [Target(f"dynamodb:{operation}", table_arn(t, where)) for t in params.get("RequestItems") or {}]
    if operation in ("TransactWriteItems", "TransactGetItems"):
        out = []
        for item in params.get("TransactItems") or []:
            for kind, body in (item or {}).items():
                if kind in _TRANSACT and isinstance(body, Mapping):
                    out.append(Target(f"dynamodb:{_TRANSACT[kind]}", table_arn(_text(body, "TableName"), where)))
        return out or None
    if operation in ("DescribeStream", "GetShardIterator") and params.get("StreamArn"):
        return [Target(f"dynamodb:{operation}", str(params["StreamArn"]))]
    if operation in ("ListTables", "ListStreams", "DescribeLimits", "DescribeEndpoints", "GetRecords"):
        return [Target(f"dynamodb:{operation}", "*")]
    table = _text(params, "TableName") or _text(params, "ResourceArn")
    if not table:
        return None
    arn = table_arn(table, where)
    if operation in ("Query", "Scan") and params.get("IndexName"):
        arn = f"{arn}/index/{params['IndexName']}"
    return [Target(f"dynamodb:{operation}", arn)]


# -- SNS, SQS -----------------------------------------------------------------------------------
def _sns(operation: str, params: Params, where: Where) -> list[Target] | None:
    arn = _text(params, "TopicArn") or _text(params, "TargetArn") or _text(params, "ResourceArn")
    if operation == "Publish" and not arn:
        return [Target("sns:Publish", "*")]  # to a phone number
    if operation == "PublishBatch":
        return [Target("sns:Publish", arn)]
    if operation == "CreateTopic":
        return [Target("sns:CreateTopic", f"arn:aws:sns:{where.region}:{where.account}:{_text(params, 'Name')}")]
    return [Target(f"sns:{operation}", arn)] if arn else None


def queue_arn_from_url(url: str, where: Where) -> str:
    """``https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`` (or the emulator's ``http://host/ACCOUNT/NAME``)."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    account, name = (parts[-2], parts[-1]) if len(parts) >= 2 else (where.account, parts[-1] if parts else "")
    return f"arn:aws:sqs:{where.region}:{account}:{name}"


_SQS_BATCH = {"SendMessageBatch": "SendMessage", "DeleteMessageBatch": "DeleteMessage",
              "ChangeMessageVisibilityBatch": "ChangeMessageVisibility"}


def _sqs(operation: str, params: Params, where: Where) -> list[Target] | None:
    action = f"sqs:{_SQS_BATCH.get(operation, operation)}"
    if params.get("QueueUrl"):
        return [Target(action, queue_arn_from_url(str(params["QueueUrl"]), where))]
    if operation in ("GetQueueUrl", "CreateQueue") and params.get("QueueName"):
        account = _text(params, "QueueOwnerAWSAccountId") or where.account
        return [Target(action, f"arn:aws:sqs:{where.region}:{account}:{params['QueueName']}")]
    return [Target(action, "*")] if operation == "ListQueues" else None


# -- S3 -----------------------------------------------------------------------------------------
_S3_OBJECT = {"HeadObject": "GetObject", "CreateMultipartUpload": "PutObject", "UploadPart": "PutObject",
              "CompleteMultipartUpload": "PutObject", "AbortMultipartUpload": "AbortMultipartUpload",
              "GetObject": "GetObject", "PutObject": "PutObject", "DeleteObject": "DeleteObject",
              "GetObjectTagging": "GetObjectTagging", "PutObjectTagging": "PutObjectTagging",
              "GetObjectAcl": "GetObjectAcl", "PutObjectAcl": "PutObjectAcl", "GetObjectAttributes": "GetObject"}
_S3_BUCKET = {"ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadBucket": "ListBucket",
              "ListObjectVersions": "ListBucketVersions", "ListMultipartUploads": "ListBucketMultipartUploads",
              "GetBucketLocation": "GetBucketLocation", "CreateBucket": "CreateBucket", "DeleteBucket": "DeleteBucket",
              "PutBucketNotificationConfiguration": "PutBucketNotification",
              "GetBucketNotificationConfiguration": "GetBucketNotification"}


def _s3(operation: str, params: Params, where: Where) -> list[Target] | None:
    if operation == "ListBuckets":
        return [Target("s3:ListAllMyBuckets", "*")]
    bucket = _text(params, "Bucket")
    if not bucket:
        return None
    key = _text(params, "Key")

    def obj(action: str, b: str, k: str) -> Target:
        arn = f"arn:aws:s3:::{b}/{k}"
        return Target(f"s3:{action}", arn, f'"{arn}"')  # S3 quotes the resource in its message

    if operation == "CopyObject":
        source = unquote(str(params.get("CopySource") or "")).lstrip("/").split("?")[0]
        src_bucket, _, src_key = source.partition("/")
        return [obj("GetObject", src_bucket, src_key), obj("PutObject", bucket, key)]
    if operation == "DeleteObjects":
        keys = [o.get("Key", "") for o in (params.get("Delete") or {}).get("Objects") or []]
        return [obj("DeleteObject", bucket, k) for k in keys] or None
    if key and operation in _S3_OBJECT:
        return [obj(_S3_OBJECT[operation], bucket, key)]
    if key:
        return [obj(operation, bucket, key)]
    arn = f"arn:aws:s3:::{bucket}"
    return [Target(f"s3:{_S3_BUCKET.get(operation, operation)}", arn, f'"{arn}"')]


# -- Secrets Manager, Logs, Lambda, RDS ------------------------------------------------------------
def _secretsmanager(operation: str, params: Params, where: Where) -> list[Target] | None:
    secret = _text(params, "SecretId")
    if not secret:
        return None
    arn = where.secret_arn(secret) or (
        secret if secret.startswith("arn:") else f"arn:aws:secretsmanager:{where.region}:{where.account}:secret:{secret}")
    return [Target(f"secretsmanager:{operation}", arn, secret)]  # the message names it as asked


def _logs(operation: str, params: Params, where: Where) -> list[Target] | None:
    group = _text(params, "logGroupName")
    if not group:
        return [Target(f"logs:{operation}", "*")] if operation.startswith("Describe") else None
    base = f"arn:aws:logs:{where.region}:{where.account}:log-group:{group}"
    stream = _text(params, "logStreamName")
    if operation in ("CreateLogStream", "PutLogEvents", "GetLogEvents", "DeleteLogStream") and stream:
        return [Target(f"logs:{operation}", f"{base}:log-stream:{stream}")]
    return [Target(f"logs:{operation}", f"{base}:log-stream:" if operation == "CreateLogGroup" else f"{base}:*")]


_LAMBDA_ACTION = {"Invoke": "InvokeFunction", "InvokeAsync": "InvokeFunction",
                  "InvokeWithResponseStream": "InvokeFunction"}


def function_arn(name: str, where: Where) -> str:
    if name.startswith("arn:"):
        return ":".join(name.split(":")[:7])
    if ":" in name:  # ACCOUNT:function:NAME or NAME:QUALIFIER
        parts = name.split(":")
        name = parts[2] if len(parts) >= 3 and parts[1] == "function" else parts[0]
    return f"arn:aws:lambda:{where.region}:{where.account}:function:{name}"


# -- SES (v1 and v2: the same actions) --------------------------------------------------------------
def _ses(operation: str, params: Params, where: Where) -> list[Target] | None:
    """Sending (SES v1 or v2) needs the action on the sender's identity and, in the sandbox, on each recipient's
    (Service Authorization Reference, Amazon SES: SendEmail/SendRawEmail, resource ``identity``;
    AWS's answer names ``identity/<recipient>`` when a sandbox recipient is not allowed)."""
    if operation not in ("SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail"):
        return None
    from email.utils import parseaddr

    destination = params.get("Destination") or {}
    recipients = [a for key in ("ToAddresses", "CcAddresses", "BccAddresses")
                  for a in (destination.get(key) or [] if isinstance(destination, Mapping) else [])]
    recipients += [a for a in params.get("Destinations") or [] if isinstance(a, str)]
    sender = _text(params, "Source") or _text(params, "FromEmailAddress")  # SES v1, SES v2
    addresses = [parseaddr(a)[1] for a in [sender, *recipients]]
    found = [Target(f"ses:{operation}", f"arn:aws:ses:{where.region}:{where.account}:identity/{a}")
             for a in dict.fromkeys(a for a in addresses if a)]
    return found or None


def _lambda(operation: str, params: Params, where: Where) -> list[Target] | None:
    action = f"lambda:{_LAMBDA_ACTION.get(operation, operation)}"
    name = _text(params, "FunctionName")
    if not name:
        return [Target(action, "*")] if operation.startswith("List") else None
    return [Target(action, function_arn(name, where))]


def _rds(operation: str, params: Params, where: Where) -> list[Target] | None:
    instance = _text(params, "DBInstanceIdentifier")
    if instance.startswith("arn:"):
        return [Target(f"rds:{operation}", instance)]
    resource = f"arn:aws:rds:{where.region}:{where.account}:db:{instance}" if instance else "*"
    return [Target(f"rds:{operation}", resource)]


_MAPPERS: dict[str, Callable[[str, Params, Where], "list[Target] | None"]] = {
    "dynamodb": _dynamodb, "sns": _sns, "sqs": _sqs, "s3": _s3, "secretsmanager": _secretsmanager,
    "logs": _logs, "lambda": _lambda, "rds": _rds, "ses": _ses,
}
