"""Console accounts: platform admins, merchant users with per-shop roles, agencies."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Registers the account CLI commands and ``mallkit demo``; the shop switcher's flush
    listener comes with its import."""
    from runtime import demo
    from runtime.accounts import cli, switcher  # noqa: F401

    for command in cli.COMMANDS:
        app.cli.add_command(command)
    app.cli.add_command(demo.demo_command)
