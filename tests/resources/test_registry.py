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
