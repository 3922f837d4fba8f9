"""codecraft inspect table|queue|topic|logs: the evidence the console would show."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .output import console, print_json

app = typer.Typer(help="Look at the evidence the console would show (nothing is changed or consumed).",
                  no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="JSON on stdout.")]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many entries.")]


def _clients() -> Any:
    from ..aws.clients import Clients
    from ..engine.session import open_target
    from .app import OPTIONS

    return Clients(open_target(OPTIONS))


_NOT_FOUND = ("ResourceNotFoundException", "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
              "NoSuchBucket", "NotFound", "NotFoundException")


def _fail(exc: Exception, what: str, kind: str = "", name: str = "", existing: Any = None) -> Exception:
    """A name that does not exist is bad input (exit 2), said with the names that do exist."""
    from ..aws.errors import error_code, is_client_error, translate
    from ..errors import UserError

    if kind and existing is not None and is_client_error(exc) and error_code(exc) in _NOT_FOUND:
        try:
            names = sorted(existing())
        except Exception:  # listing is a courtesy: say what is known
            names = []
        listed = f"{', '.join(names[:15])}{' …' if len(names) > 15 else ''}."
        if kind == "function":  # a log group appears with the function's first run
            return UserError(f"No logs for a function named {name!r}.",
                             hint=f"Functions with logs: {listed}" if names else
                             "No function has logs yet: set up a workshop and call its API (codecraft test-api).")
        hint = (f"Existing {kind}s: {listed}" if names
                else f"There is no {kind} at all: run `codecraft setup <workshop>` first (or check --region).")
        return UserError(f"No {kind} named {name!r}.", hint=hint)
    return translate(exc, what)


def _iso(millis: str) -> str:
    """An epoch in milliseconds as UTC ISO 8601, as the console shows it."""
    import datetime

    return datetime.datetime.fromtimestamp(int(millis) / 1000, datetime.timezone.utc).isoformat(timespec="seconds")


def _table(rows: list[dict[str, Any]], title: str) -> None:
    from rich.table import Table

    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*[json.dumps(row[c], default=str, ensure_ascii=False) if isinstance(row.get(c), dict | list)
                        else str(row.get(c, "")) for c in columns])
    console().print(table)


@app.command("table")
def table(name: Annotated[str, typer.Argument(help="Table name, e.g. Orders.")],
          limit: LimitOpt = 50, json_out: JsonOpt = False) -> None:
    """Items of a DynamoDB table (DynamoDB › Explore items)."""
    from boto3.dynamodb.types import TypeDeserializer

    client = _clients().client("dynamodb")
    try:
        got = client.scan(TableName=name, Limit=limit)
    except Exception as exc:
        raise _fail(exc, f"dynamodb.scan({name})", "table", name,
                    lambda: client.list_tables().get("TableNames", [])) from exc
    des = TypeDeserializer()
    items = [{k: des.deserialize(v) for k, v in item.items()} for item in got.get("Items", [])]
    if json_out:
        print_json({"table": name, "items": items, "count": len(items)})
    else:
        _table(items, f"{name}: {len(items)} item(s)")


@app.command("queue")
def queue(name: Annotated[str, typer.Argument(help="Queue name, e.g. OrderProcessingQueue.")],
          limit: LimitOpt = 10, json_out: JsonOpt = False) -> None:
    """Messages waiting in an SQS queue, peeked without consuming them (SQS › Poll for messages)."""
    client = _clients().client("sqs")
    try:
        url = client.get_queue_url(QueueName=name)["QueueUrl"]
        attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        got = client.receive_message(QueueUrl=url, MaxNumberOfMessages=min(limit, 10), VisibilityTimeout=0,
                                     WaitTimeSeconds=0, AttributeNames=["SentTimestamp"])
    except Exception as exc:
        raise _fail(exc, f"sqs: reading {name}", "queue", name,
                    lambda: [u.rsplit("/", 1)[-1] for u in client.list_queues().get("QueueUrls", [])]) from exc
    messages = []
    for msg in got.get("Messages", []):
        try:
            body: Any = json.loads(msg["Body"])
        except json.JSONDecodeError:
            body = msg["Body"]
        sent = msg.get("Attributes", {}).get("SentTimestamp")
        messages.append({"id": msg["MessageId"], "body": body,
                         "sent_at": _iso(sent) if sent else None})
    count = int(attrs["Attributes"].get("ApproximateNumberOfMessages", len(messages)))
    if json_out:
        print_json({"queue": name, "messages": messages, "approximate_count": count})
    else:
        _table(messages, f"{name}: about {count} message(s) waiting")


@app.command("bucket")
def bucket(name: Annotated[str, typer.Argument(help="Bucket name (see `codecraft status`).")],
           prefix: Annotated[str, typer.Option("--prefix", help="Only keys under this prefix.")] = "",
           limit: LimitOpt = 100, json_out: JsonOpt = False) -> None:
    """Objects of an S3 bucket with their sizes (S3 › Buckets › Objects)."""
    client = _clients().client("s3")
    try:
        got = client.list_objects_v2(Bucket=name, Prefix=prefix, MaxKeys=limit)
    except Exception as exc:
        raise _fail(exc, f"s3: listing {name}", "bucket", name,
                    lambda: [b["Name"] for b in client.list_buckets().get("Buckets", [])]) from exc
    objects = [{"key": o["Key"], "size": o["Size"], "last_modified": o["LastModified"].isoformat()}
               for o in got.get("Contents", [])]
    if json_out:
        print_json({"bucket": name, "objects": objects, "count": len(objects)})
    else:
        _table(objects, f"{name}: {len(objects)} object(s)")


@app.command("topic")
def topic(name: Annotated[str, typer.Argument(help="Topic name, e.g. OrderNotifications.")],
          json_out: JsonOpt = False) -> None:
    """An SNS topic and its subscriptions (SNS › Topics)."""
    clients = _clients()
    client = clients.client("sns")
    arn = f"arn:aws:sns:{clients.region}:{clients.account_id}:{name}"
    try:
        attrs = client.get_topic_attributes(TopicArn=arn)["Attributes"]
        subs = client.list_subscriptions_by_topic(TopicArn=arn).get("Subscriptions", [])
    except Exception as exc:
        raise _fail(exc, f"sns: reading {name}", "topic", name,
                    lambda: [t["TopicArn"].rsplit(":", 1)[-1] for t in client.list_topics().get("Topics", [])]) from exc
    data = {"topic": name, "arn": arn,
            "subscriptions": [{"protocol": s["Protocol"], "endpoint": s["Endpoint"], "arn": s["SubscriptionArn"]}
                              for s in subs],
            "attributes": {k: v for k, v in attrs.items() if k != "Policy"}}
    if json_out:
        print_json(data)
    else:
        console().print(f"[bold]{arn}[/bold]")
        _table(data["subscriptions"], "subscriptions")


@app.command("logs")
def logs(function: Annotated[str, typer.Argument(help="Function name, e.g. ProcessOrder.")],
         limit: LimitOpt = 100, json_out: JsonOpt = False) -> None:
    """The last log lines of a Lambda function (CloudWatch › Log groups › /aws/lambda/NAME)."""
    client = _clients().client("logs")
    group = f"/aws/lambda/{function}"
    try:
        events = client.filter_log_events(logGroupName=group, limit=10_000).get("events", [])
    except Exception as exc:
        raise _fail(exc, f"logs: reading {group}", "function", function,
                    lambda: [g["logGroupName"].rsplit("/", 1)[-1] for g in client.describe_log_groups(
                        logGroupNamePrefix="/aws/lambda/").get("logGroups", [])]) from exc
    events = sorted(events, key=lambda e: e.get("timestamp", 0))[-limit:]
    lines = [{"timestamp": e.get("timestamp"), "stream": e.get("logStreamName"), "message": e.get("message")}
             for e in events]
    if json_out:
        print_json({"log_group": group, "events": lines})
    else:
        out = console()
        out.print(f"[bold]{group}[/bold] ({len(lines)} line(s))")
        for line in lines:
            out.print(f"  {line['message']}", markup=False, highlight=False)


@app.command("db")
def db(workshop: Annotated[str, typer.Argument(help="Workshop id, e.g. workshop2.")],
       sql: Annotated[str, typer.Argument(help='One read-only statement, e.g. "SELECT name FROM projects".')],
       student: Annotated[str | None, typer.Option("--student", help="This student's database.")] = None,
       limit: LimitOpt = 100, json_out: JsonOpt = False) -> None:
    """Run a read-only query on the workshop's MySQL database (RDS › Query editor).

    The database is private, so the query runs inside the VPC, in the workshop's database
    function, in a READ ONLY transaction; only SELECT, SHOW, DESCRIBE and EXPLAIN are accepted.
    """
    from ..engine.session import open_context, open_target
    from ..resources.database import check_read_only, invoke_admin
    from ..workshop import load_workshop
    from .app import OPTIONS

    sql = check_read_only(sql)
    w = load_workshop(workshop)
    ctx = open_context(w, open_target(OPTIONS), student, OPTIONS.lang)
    function = _db_function(ctx)
    answer = invoke_admin(ctx, function, {"action": "query", "sql": sql, "limit": limit})
    if json_out:
        print_json({"columns": answer.get("columns", []), "rows": answer.get("rows", [])})
        return
    rows = [dict(zip(answer.get("columns", []), row)) for row in answer.get("rows", [])]
    if not rows:
        console().print(f"{sql}: no row.")
        return
    _table(rows, f"{sql} ({len(rows)} row(s))")


def _db_function(ctx: Any) -> str:
    """The deployed database function of the workshop or of one of its prerequisites."""
    from ..engine.session import state_for
    from ..errors import UserError
    from ..workshop import load_workshop

    outputs = {**ctx.prerequisite_outputs(), **{rid: rec.get("outputs", {}) for rid, rec in state_for(ctx).resources.items()}}
    for w in [ctx.workshop, *(load_workshop(r) for r in ctx.workshop.requires)]:
        for res in w.resources:
            if res.type == "lambda.function" and res.properties.get("source") == "db_admin":
                key = res.id if w is ctx.workshop else f"{w.id}:{res.id}"
                name = (outputs.get(key) or {}).get("name")
                if name:
                    return str(name)
    raise UserError(f"No database is deployed for {ctx.workshop.id}.",
                    hint=f"Run `codecraft setup {ctx.workshop.id}` first (it sets up its prerequisites).")
