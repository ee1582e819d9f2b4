"""Alembic environment: runs on the connection handed over by ``runtime.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from runtime.models import metadata

config = context.config


def include_name(name: str | None, type_: str, _parent: dict) -> bool:
    """Autogenerate ignores SQLite FTS5 search tables (and their shadow tables): migrations
    create them by hand, and the models do not map them."""
    return not (type_ == "table" and name is not None and "_fts" in name)


def run() -> None:
    connection = config.attributes["connection"]
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT set_config('mallkit.platform', 'on', false)"))
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


run()
