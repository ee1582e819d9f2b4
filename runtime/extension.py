"""Per-app state kept in ``app.extensions["mallkit"]``: settings, engine, Redis.

Domain code (module services, models, jobs) reaches the running app only through here,
never through Flask's ``current_app`` / ``request`` / ``g`` (an import-linter contract)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from runtime.modules.loader import ModuleSet
from runtime.redis_client import release
from runtime.settings import Settings


@dataclass
class Mallkit:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    redis: redis.Redis
    modules: ModuleSet
    registries: dict[str, Any] = field(default_factory=dict)
    #: the engine of read-only requests' sessions (``runtime.db.reader_bind``)
    reader: Engine | None = None
    #: what :meth:`close` stops first, the last added first (threads that use Redis)
    closers: list[Callable[[], None]] = field(default_factory=list)
    closed: bool = False

    def close(self) -> None:
        """Stop the app's background parts, then let go of its database and Redis connections
        (the process's last app to close stops an embedded Redis). At exit for apps still
        open; safe to call again."""
        if self.closed:
            return
        self.closed = True
        while self.closers:
            self.closers.pop()()
        self.engine.dispose()  # the reader shares its pool
        release(self.redis)


def state() -> Mallkit:
    return current_app.extensions["mallkit"]


def current() -> Flask:
    """The running app itself (for clients that read its config), outside a request too."""
    return current_app._get_current_object()  # type: ignore[attr-defined]
