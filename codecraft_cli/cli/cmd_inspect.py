"""codecraft inspect table|queue|bucket|topic|logs|api|db|mail|metrics|alarms|traces: the evidence the console would show."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from ..i18n import N_, _, ngettext
from .options import JsonOpt, settings
from .output import document, print_json

app = typer.Typer(help=N_("Look at the evidence the console would show (nothing is changed or consumed)."),
                  no_args_is_help=True)

LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=1000, help=N_("At most this many entries."))]


def _table(rows: list[dict[str, Any]], title: str) -> None:
    from rich.table import Table

    if not rows:  # a table without columns prints nothing: its title ("0 alarms") says it
        document().print(title)
        return
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*[json.dumps(row[c], default=str, ensure_ascii=False) if isinstance(row.get(c), dict | list)
                        else str(row.get(c, "")) for c in columns])
    document().print(table)


def _document(data: dict[str, Any], json_out: bool, rows: str, title: str) -> None:
    """The --json document, or its ``rows`` as a table."""
    if json_out:
        print_json(data)
    else:
        _table(data[rows], title)


@app.command("table")
def table(ctx: typer.Context, name: Annotated[str, typer.Argument(help=N_("Table name, e.g. Orders."))],
          limit: LimitOpt = 50, json_out: JsonOpt = False) -> None:
    """Items of a DynamoDB table (DynamoDB › Explore items)."""
    from ..engine import inspect

    data = inspect.table(settings(ctx), name, limit)
    _document(data, json_out, "items", ngettext("{name}: {count} item", "{name}: {count} items", data["count"])
              .format(name=name, count=data["count"]))


@app.command("queue")
def queue(ctx: typer.Context, name: Annotated[str, typer.Argument(help=N_("Queue name, e.g. OrderProcessingQueue."))],
          limit: LimitOpt = 10, json_out: JsonOpt = False) -> None:
    """Messages waiting in an SQS queue, peeked without consuming them (SQS › Poll for messages)."""
    from ..engine import inspect

    data = inspect.queue(settings(ctx), name, limit)
    _document(data, json_out, "messages", ngettext(
        "{name}: about {count} message waiting", "{name}: about {count} messages waiting",
        int(data["approximate_count"] or 0)).format(name=name, count=data["approximate_count"]))


@app.command("bucket")
def bucket(ctx: typer.Context, name: Annotated[str, typer.Argument(help=N_("Bucket name (see `codecraft status`)."))],
           prefix: Annotated[str, typer.Option("--prefix", help=N_("Only keys under this prefix."))] = "",
           limit: LimitOpt = 100, json_out: JsonOpt = False) -> None:
    """Objects of an S3 bucket with their sizes (S3 › Buckets › Objects)."""
    from ..engine import inspect

    data = inspect.bucket(settings(ctx), name, prefix, limit)
    _document(data, json_out, "objects", ngettext("{name}: {count} object", "{name}: {count} objects", data["count"])
              .format(name=name, count=data["count"]))


@app.command("topic")
def topic(ctx: typer.Context, name: Annotated[str, typer.Argument(help=N_("Topic name, e.g. OrderNotifications."))],
          json_out: JsonOpt = False) -> None:
    """An SNS topic and its subscriptions (SNS › Topics)."""
    from ..engine import inspect

    data = inspect.topic(settings(ctx), name)
    if not json_out:
        document().print(f"[bold]{data['arn']}[/bold]")
    _document(data, json_out, "subscriptions", _("subscriptions"))


@app.command("logs")
def logs(ctx: typer.Context, function: Annotated[str, typer.Argument(help=N_("Function name, e.g. ProcessOrder."))],
         limit: LimitOpt = 100, json_out: JsonOpt = False) -> None:
    """The last log lines of a Lambda function (CloudWatch › Log groups › /aws/lambda/NAME)."""
    from ..engine import inspect

    data = inspect.logs(settings(ctx), function, limit)
    if json_out:
        print_json(data)
    else:
        out = document()
        out.print(ngettext("[bold]{group}[/bold] ({count} line)", "[bold]{group}[/bold] ({count} lines)",
                           len(data["events"])).format(group=data["log_group"], count=len(data["events"])))
        for line in data["events"]:  # as the log holds it: a traceback is not folded mid-word
            out.print(f"  {line['message']}", markup=False, highlight=False, soft_wrap=True)


@app.command("api")
def api(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help=N_("Workshop id, e.g. anycompany-orders."))],
        api_name: Annotated[str | None, typer.Option(
            "--api", metavar="NAME", help=N_("This REST API (default: the one holding the workshop's routes)."))] = None,
        student: Annotated[str | None, typer.Option("--student", help=N_("This student's API."))] = None,
        json_out: JsonOpt = False) -> None:
    """The workshop's REST API, its stage, routes and integrations (API Gateway › APIs), found by
    its routes whatever its name: built by codecraft, by hand or by another tool."""
    from ..engine import inspect

    data = inspect.api(settings(ctx), workshop, student, api_name)
    if not json_out:
        document().print(_("[bold]{api}[/bold] ({id}), stage {stage}: {url}").format(
            api=data["api"], id=data["id"], stage=data["stage"], url=data["invoke_url"]))
    _document(data, json_out, "routes", _("routes"))


@app.command("db")
def db(ctx: typer.Context, workshop: Annotated[str, typer.Argument(help=N_("Workshop id, e.g. workshop2."))],
       sql: Annotated[str, typer.Argument(help=N_('One read-only statement, e.g. "SELECT name FROM projects".'))],
       student: Annotated[str | None, typer.Option("--student", help=N_("This student's database."))] = None,
       limit: LimitOpt = 100, json_out: JsonOpt = False) -> None:
    """Run a read-only query on the workshop's MySQL database (RDS › Query editor).

    The database is private, so the query runs inside the VPC, in the workshop's database
    function, in a READ ONLY transaction; only SELECT, SHOW, DESCRIBE and EXPLAIN are accepted.
    """
    from ..engine import inspect

    sql, data = inspect.db(settings(ctx), workshop, sql, student, limit)
    if json_out:
        print_json(data)
        return
    rows = [dict(zip(data["columns"], row)) for row in data["rows"]]
    if not rows:
        document().print(_("{sql}: no row.").format(sql=sql), markup=False)
        return
    _table(rows, ngettext("{sql} ({count} row)", "{sql} ({count} rows)", len(rows)).format(sql=sql, count=len(rows)))


@app.command("mail")
def mail(ctx: typer.Context,
         to: Annotated[str | None, typer.Option("--to", metavar="ADDRESS", help=N_("Only mail to this address."))] = None,
         limit: LimitOpt = 20, json_out: JsonOpt = False) -> None:
    """E-mail the emulator delivered (SES, SNS e-mail subscriptions, verification and confirmation
    messages) to its local mailbox, oldest first. On --target aws the mail is in the real inbox."""
    from ..engine import mail as engine_mail

    data = engine_mail.document(settings(ctx), to, limit)
    if json_out:
        print_json(data)
        return
    out = document()
    out.print(ngettext("{count} e-mail", "{count} e-mails", data["count"]).format(count=data["count"]))
    for message in data["messages"]:
        out.print(f"\n[bold]{message['subject']}[/bold]", highlight=False)
        out.print(_("{time} · from {sender} · to {to} · {kind}").format(
            time=message["time"], sender=message["from"], to=", ".join(message["to"] or []), kind=message["kind"]),
            markup=False, highlight=False)
        out.print(message["body"], markup=False, highlight=False, soft_wrap=True)


MinutesOpt = Annotated[int, typer.Option("--minutes", min=1, max=1440, help=N_("Look this many minutes back."))]


@app.command("metrics")
def metrics(ctx: typer.Context, function: Annotated[str, typer.Argument(help=N_("Function name, e.g. UploadFile."))],
            minutes: MinutesOpt = 60, json_out: JsonOpt = False) -> None:
    """A function's AWS/Lambda metrics per minute: invocations, errors, throttles, duration
    (CloudWatch › Metrics › Lambda › By Function Name)."""
    from ..engine import inspect_monitoring

    data = inspect_monitoring.metrics(settings(ctx), function, minutes)
    totals = data["totals"]
    _document(data, json_out, "datapoints", _("{function}: {invocations:g} invocations, {errors:g} errors, "
                                              "{throttles:g} throttles in {minutes} min").format(
        function=function, minutes=minutes, **totals))


@app.command("alarms")
def alarms(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """CloudWatch alarms: state, reason, condition and actions (CloudWatch › Alarms)."""
    from ..engine import inspect_monitoring

    data = inspect_monitoring.alarms(settings(ctx))
    _document(data, json_out, "alarms", ngettext("{count} alarm", "{count} alarms", len(data["alarms"])).format(
        count=len(data["alarms"])))


@app.command("traces")
def traces(ctx: typer.Context,
           function: Annotated[str | None, typer.Argument(help=N_("Only the traces of this function."))] = None,
           minutes: MinutesOpt = 60, limit: LimitOpt = 20, json_out: JsonOpt = False) -> None:
    """X-Ray traces and their segments, oldest first (CloudWatch › X-Ray traces › Traces)."""
    from ..engine import inspect_monitoring

    data = inspect_monitoring.traces(settings(ctx), function, minutes, limit)
    if json_out:
        print_json(data)
        return
    out = document()
    out.print(ngettext("{count} trace", "{count} traces", data["count"]).format(count=data["count"]))
    for trace in data["traces"]:
        out.print(f"\n[bold]{trace['id']}[/bold]", highlight=False)
        for seg in trace["segments"]:
            out.print(f"  {seg['name']} ({seg['origin']}) {seg['duration_ms']} ms"
                      + (" FAULT" if seg["fault"] else "") + (f" [{', '.join(seg['subsegments'])}]"
                                                              if seg["subsegments"] else ""),
                      markup=False, highlight=False)
