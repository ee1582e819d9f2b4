"""Per-app state kept in ``app.extensions["mallkit"]``: settings, engine, Redis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import redis
from flask import current_app
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


def state() -> Mallkit:
    return current_app.extensions["mallkit"]
