"""The request's database session and shop: resolved once, guarded everywhere."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy.orm import Session

from runtime import logs
from runtime.db import use_shop
from runtime.extension import state
from runtime.shops.models import Shop
from runtime.shops.service import get_shop_by_slug


def db() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = state().session_factory()
        g.db.info["shop_id"] = None
    return g.db


def enter_shop(slug: str) -> Shop:
    """Resolve ``slug`` (404 if unknown) and scope the request's session to it."""
    shop = get_shop_by_slug(db(), slug)
    use_shop(db(), shop.id)
    g.shop = shop
    logs.bind(shop=shop.slug, shop_id=shop.id)
    return shop


def current_shop() -> Shop | None:
    return g.get("shop")


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()
