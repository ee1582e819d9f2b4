"""Alembic environment: runs on the connection handed over by ``runtime.migrate`` (the
tables' owner, which row-level security lets see every shop's rows)."""

from __future__ import annotations

from alembic import context

from runtime.models import metadata

config = context.config


def include_name(name: str | None, type_: str, _parent: dict) -> bool:
    """Autogenerate ignores SQLite FTS5 search tables (and their shadow tables): migrations
    create them by hand, and the models do not map them."""
    return not (type_ == "table" and name is not None and "_fts" in name)


def run() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


run()
