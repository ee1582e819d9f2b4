"""The request's database session and shop: resolved once, guarded everywhere."""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from sqlalchemy.orm import Session

from runtime import logs
from runtime.db import is_lock_conflict, use_shop
from runtime.extension import state
from runtime.shops.models import Shop
from runtime.shops.service import get_shop_by_slug

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db(*, reader: bool | None = None) -> Session:
    """The request's session, opened on first use and closed at teardown. A safe method's
    is a reader's (``runtime.db.reader_bind``: SQLite reads beside other processes), and so is
    one first opened with ``reader=True`` (an unsafe method that usually writes nothing);
    should it write and meet the lock, :func:`retry_as_writer` makes it a writer for one
    more run."""
    if "db" not in g:
        mk = state()
        if reader is None:
            reader = g.get("db_reader") or (has_request_context()
                                            and request.method in SAFE_METHODS)
        g.db = (mk.session_factory(bind=mk.reader) if reader and mk.reader is not None
                else mk.session_factory())
        g.db.info["shop_id"] = None
        if g.get("db_shop_id") is not None:
            use_shop(g.db, g.db_shop_id)
    return g.db


def read_mostly() -> None:
    """This request, though not a safe method, usually writes nothing: its session, when it
    opens one, is a reader's (as ``db(reader=True)``)."""
    g.db_reader = True


def scope_request(shop_id: int) -> None:
    """Scope the request's session to the shop: at once when it is open, else as it opens
    (a request that reads no table opens none)."""
    g.db_shop_id = shop_id
    if "db" in g:
        use_shop(g.db, shop_id)


def retry_as_writer(exc: BaseException) -> bool:
    """After SQLite refused a reader's request its write lock (a deferred transaction cannot
    upgrade once another connection committed): roll the session back and make it a writer
    (BEGIN IMMEDIATE). True when the caller should run the request again."""
    session = g.get("db")
    mk = state()
    if (session is None or mk.reader is None or mk.reader is mk.engine
            or session.bind is not mk.reader or not is_lock_conflict(exc)):
        return False
    session.rollback()
    session.bind = mk.engine
    return True


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
