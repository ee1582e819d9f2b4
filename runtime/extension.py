"""Per-app state kept in ``app.extensions["mallkit"]``: settings, engine, Redis.

Domain code (module services, models, jobs) reaches the running app only through here,
never through Flask's ``current_app`` / ``request`` / ``g`` (an import-linter contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from runtime.modules.loader import ModuleSet
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


def state() -> Mallkit:
    return current_app.extensions["mallkit"]


def current() -> Flask:
    """The running app itself (for clients that read its config), outside a request too."""
    return current_app._get_current_object()  # type: ignore[attr-defined]
