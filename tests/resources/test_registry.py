"""The registry: every handler declares its type, outputs, permissions and console page."""

from __future__ import annotations

from codecraft_cli.resources import all_handlers


def test_every_handler_declares_schema_outputs_permissions_and_console_page() -> None:
    for name, handler in all_handlers().items():
        assert handler.info.type == name
        assert handler.outputs, name
        assert handler.permissions, name
        assert all(":" in p for p in handler.permissions), name
        assert handler.info.console, name


def test_a_stream_triggers_label_names_its_table() -> None:
    """A DynamoDB stream's ARN ends with its creation time (StreamArn in DescribeTable,
    ``...:table/Orders/stream/2026-11-29T14:14:14.861``): the label names the table, not the seconds."""
    from codecraft_cli.resources.base import short

    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-11-29T14:14:14.861"
    assert short(arn) == "Orders/stream"
    assert short("arn:aws:lambda:us-east-1:123456789012:function:OrderSummary") == "OrderSummary"
