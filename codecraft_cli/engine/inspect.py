"""``inspect``: the evidence the console would show (items, messages, objects, subscriptions,
log lines, rows), read without changing or consuming anything. Each function returns the
``--json`` document; a name that does not exist is bad input naming those that do."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from ..aws.clients import Clients
from ..errors import UserError
from ..i18n import N_, _
from .session import open_context, open_target
from .settings import Settings

# what ``inspect`` reads, as the error messages name it (``kind``: the code's word, not shown)
_NO_SUCH = {"table": (N_("No table named {name!r}."), N_("Existing tables: {names}"),
                      N_("There is no table at all: run `codecraft setup <workshop>` first (or check --region).")),
            "queue": (N_("No queue named {name!r}."), N_("Existing queues: {names}"),
                      N_("There is no queue at all: run `codecraft setup <workshop>` first (or check --region).")),
            "bucket": (N_("No bucket named {name!r}."), N_("Existing buckets: {names}"),
                       N_("There is no bucket at all: run `codecraft setup <workshop>` first (or check --region).")),
            "topic": (N_("No topic named {name!r}."), N_("Existing topics: {names}"),
                      N_("There is no topic at all: run `codecraft setup <workshop>` first (or check --region).")),
            "function": (N_("No logs for a function named {name!r}."), N_("Functions with logs: {names}"),
                         N_("No function has logs yet: set up a workshop and call its API (codecraft test-api)."))}
# the error codes that mean "no such table/queue/bucket/topic/log group"
_NOT_FOUND = ("ResourceNotFoundException", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
              "NoSuchBucket", "NotFound", "NotFoundException")


def clients(settings: Settings) -> Clients:
    return Clients(open_target(settings))


def _reading(what: str, kind: str, name: str, existing: Callable[[], Iterable[str]], call: Callable[[], Any]) -> Any:
    """``call()``; a name that does not exist is a UserError (exit 2) listing the names that do."""
    from ..aws.errors import error_code, is_client_error, translate

    try:
        return call()
    except Exception as exc:
        if not (is_client_error(exc) and error_code(exc) in _NOT_FOUND):
            raise translate(exc, what) from exc
        try:
            names = sorted(existing())
        except Exception:  # listing is a courtesy: say what is known
            names = []
        listed = f"{', '.join(names[:15])}{' …' if len(names) > 15 else ''}."
        # a function's log group appears with the function's first run
        message, some, none = _NO_SUCH[kind]
        raise UserError(_(message).format(name=name),
                        hint=_(some).format(names=listed) if names else _(none)) from exc


def _iso(millis: str) -> str:
    """An epoch in milliseconds as UTC ISO 8601, as the console shows it."""
    import datetime

    return datetime.datetime.fromtimestamp(int(millis) / 1000, datetime.timezone.utc).isoformat(timespec="seconds")


def table(settings: Settings, name: str, limit: int) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    client = clients(settings).client("dynamodb")
    got = _reading(f"dynamodb.scan({name})", "table", name, lambda: client.list_tables().get("TableNames", []),
                   lambda: client.scan(TableName=name, Limit=limit))
    des = TypeDeserializer()
    items = [{k: des.deserialize(v) for k, v in item.items()} for item in got.get("Items", [])]
    return {"table": name, "items": items, "count": len(items)}


def queue(settings: Settings, name: str, limit: int) -> dict[str, Any]:
    client = clients(settings).client("sqs")

    def read() -> tuple[Any, Any]:
        url = client.get_queue_url(QueueName=name)["QueueUrl"]
        attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return attrs, client.receive_message(QueueUrl=url, MaxNumberOfMessages=min(limit, 10), VisibilityTimeout=0,
                                             WaitTimeSeconds=0, AttributeNames=["SentTimestamp"])

    attrs, got = _reading(_("SQS: reading {queue}").format(queue=name), "queue", name,
                          lambda: [u.rsplit("/", 1)[-1] for u in client.list_queues().get("QueueUrls", [])], read)
    messages = []
    for msg in got.get("Messages", []):
        try:
            body: Any = json.loads(msg["Body"])
        except json.JSONDecodeError:
            body = msg["Body"]
        sent = msg.get("Attributes", {}).get("SentTimestamp")
        messages.append({"id": msg["MessageId"], "body": body, "sent_at": _iso(sent) if sent else None})
    count = int(attrs["Attributes"].get("ApproximateNumberOfMessages", len(messages)))
    return {"queue": name, "messages": messages, "approximate_count": count}


def bucket(settings: Settings, name: str, prefix: str, limit: int) -> dict[str, Any]:
    client = clients(settings).client("s3")
    got = _reading(_("S3: listing {bucket}").format(bucket=name), "bucket", name,
                   lambda: [b["Name"] for b in client.list_buckets().get("Buckets", [])],
                   lambda: client.list_objects_v2(Bucket=name, Prefix=prefix, MaxKeys=limit))
    objects = [{"key": o["Key"], "size": o["Size"], "last_modified": o["LastModified"].isoformat()}
               for o in got.get("Contents", [])]
    return {"bucket": name, "objects": objects, "count": len(objects)}


def topic(settings: Settings, name: str) -> dict[str, Any]:
    found = clients(settings)
    client = found.client("sns")
    arn = f"arn:aws:sns:{found.region}:{found.account_id}:{name}"
    attrs, subs = _reading(_("SNS: reading {topic}").format(topic=name), "topic", name,
                           lambda: [t["TopicArn"].rsplit(":", 1)[-1] for t in client.list_topics().get("Topics", [])],
                           lambda: (client.get_topic_attributes(TopicArn=arn)["Attributes"],
                                    client.list_subscriptions_by_topic(TopicArn=arn).get("Subscriptions", [])))
    return {"topic": name, "arn": arn,
            "subscriptions": [{"protocol": s["Protocol"], "endpoint": s["Endpoint"], "arn": s["SubscriptionArn"]}
                              for s in subs],
            "attributes": {k: v for k, v in attrs.items() if k != "Policy"}}


def logs(settings: Settings, function: str, limit: int) -> dict[str, Any]:
    from ..resources.lambda_logging import log_group_of

    found = clients(settings)
    client = found.client("logs")
    group = log_group_of(found.client("lambda"), function)  # a custom LoggingConfig.LogGroup too
    events = _reading(_("CloudWatch Logs: reading {group}").format(group=group), "function", function,
                      lambda: [g["logGroupName"].rsplit("/", 1)[-1] for g in client.describe_log_groups(
                          logGroupNamePrefix="/aws/lambda/").get("logGroups", [])],
                      lambda: client.filter_log_events(logGroupName=group, limit=10_000).get("events", []))
    events = sorted(events, key=lambda e: e.get("timestamp", 0))[-limit:]
    return {"log_group": group, "events": [{"timestamp": e.get("timestamp"), "stream": e.get("logStreamName"),
                                            "message": e.get("message")} for e in events]}


def db(settings: Settings, workshop: str, sql: str, student: str | None, limit: int) -> tuple[str, dict[str, Any]]:
    """(the statement, its answer): a read-only query, run in the workshop's database function
    (the database is private)."""
    from ..resources.database import check_read_only, invoke_admin
    from ..workshop import load_workshop

    sql = check_read_only(sql)
    w = load_workshop(workshop)
    ctx = open_context(w, open_target(settings), student, settings.lang)
    answer = invoke_admin(ctx, _db_function(ctx), {"action": "query", "sql": sql, "limit": limit})
    return sql, {"columns": answer.get("columns", []), "rows": answer.get("rows", [])}


def _db_function(ctx: Any) -> str:
    """The deployed database function of the workshop or of one of its prerequisites."""
    from ..workshop import load_workshop

    from ..aws.errors import if_exists
    from ..resources import handler_for

    outputs = ctx.known_outputs()
    for w in [ctx.workshop, *(load_workshop(r) for r in ctx.workshop.requires)]:
        for res in w.resources:
            if res.type == "lambda.function" and res.properties.get("source") == "db_admin":
                key = res.id if w is ctx.workshop else f"{w.id}:{res.id}"
                name = (outputs.get(key) or {}).get("name")
                if name:
                    return str(name)
                # not set up by codecraft: the function of that name, built by hand or another tool
                name = handler_for(res.type).name(ctx, res)
                if if_exists(lambda: ctx.client("lambda").get_function(FunctionName=name),
                             ("ResourceNotFoundException",)):
                    return str(name)
    raise UserError(_("No database is deployed for {workshop}.").format(workshop=ctx.workshop.id),
                    hint=_("Run `codecraft setup {workshop}` first (it sets up its prerequisites).").format(
                        workshop=ctx.workshop.id))


def api(settings: Settings, workshop: str, student: str | None, api_name: str | None) -> dict[str, Any]:
    """The workshop's REST API as the console shows it (API Gateway › APIs): the one holding the
    workshop's routes whatever its name (built by hand or by another tool), or ``api_name``."""
    from ..resources.apigateway import invoke_url
    from ..workshop import load_workshop
    from .api import stage_of
    from .discovery import API_ID, discover

    w = load_workshop(workshop)
    if not w.api:
        raise UserError(_("The workshop {workshop} has no REST API.").format(workshop=w.id),
                        hint=_("Pick a workshop with an API."))
    ctx = open_context(w, open_target(settings), student, settings.lang)
    outputs = ctx.known_outputs()
    found = discover(ctx, w, outputs, api_name=api_name)
    if not found.get(w.api + API_ID) and not (outputs.get(w.api) or {}).get("id"):
        raise UserError(_("No REST API here serves the routes of {workshop}.").format(workshop=w.id),
                        hint=_("Build it (`codecraft show {workshop}`), run `codecraft setup {workshop}`, "
                               "or name it with --api NAME.").format(workshop=w.id))
    api_id, stage = stage_of(w, outputs, found)
    client = ctx.client("apigateway")
    name = found.get(w.api) or (outputs.get(w.api) or {}).get("name")
    routes = []
    for page in client.get_paginator("get_resources").paginate(restApiId=api_id, embed=["methods"]):
        for item in page.get("items", []):
            for method, detail in sorted((item.get("resourceMethods") or {}).items()):
                if "methodIntegration" not in (detail or {}):
                    detail = client.get_method(restApiId=api_id, resourceId=item["id"], httpMethod=method)
                integration = detail.get("methodIntegration") or {}
                uri = str(integration.get("uri") or "")
                routes.append({"method": method, "path": item.get("path"), "integration": integration.get("type"),
                               "function": uri.split("function:", 1)[1].split("/", 1)[0] if "function:" in uri else None,
                               "authorization": detail.get("authorizationType")})
    stages = [s["stageName"] for s in client.get_stages(restApiId=api_id).get("item", [])]
    return {"workshop": w.id, "api": name, "id": api_id, "stage": stage, "stages": sorted(stages),
            "invoke_url": invoke_url(ctx, api_id, stage), "found_through_routes": w.api + API_ID in found,
            "routes": sorted(routes, key=lambda r: (str(r["path"]), r["method"]))}
