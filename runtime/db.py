"""Engine, sessions, the declarative base and tenant scoping by ``shop_id``.

A session carries its tenant in ``session.info``: ``shop_id`` (the current shop) or a
``platform`` reason (an explicit, audited escape for platform-wide work). Queries on tenant
tables only ever see the current shop's rows; with neither set they raise
:class:`NoShopContext`; new or changed rows cannot carry another shop's ``shop_id``.
On PostgreSQL the same context is set per transaction through the owner's
``mallkit_set_context`` (``runtime/migrations/rls.py``), which seals it with the app's context
key, for the row-level security policies: the app role cannot set it by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
    with_loader_criteria,
)
from sqlalchemy.sql import visitors

from runtime.clock import utcnow

audit_log = logging.getLogger("mallkit.audit")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use runtime.clock.utcnow() or an aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Every table: a big-integer ``id`` and UTC ``created_at`` / ``updated_at``."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TenantMixin:
    """Marks a table as tenant data: it belongs to exactly one shop."""

    @declared_attr
    def shop_id(cls) -> Mapped[int]:
        return mapped_column(BigId, ForeignKey("shops.id", ondelete="CASCADE"), index=True)


class TenancyError(RuntimeError):
    """Base of the errors raised when code steps outside its shop."""


class NoShopContext(TenancyError):
    """A tenant table was queried with no current shop and no platform escape."""


class CrossShopWrite(TenancyError):
    """A row was written with a ``shop_id`` that is not the current shop's."""


_tenant_tables: tuple[int, frozenset[str]] = (-1, frozenset())


def tenant_tables() -> frozenset[str]:
    """The names of the tenant tables, computed again only when a table was added."""
    global _tenant_tables
    count, names = _tenant_tables
    if count != len(Base.metadata.tables):
        count = len(Base.metadata.tables)
        names = frozenset(m.local_table.name for m in Base.registry.mappers
                          if issubclass(m.class_, TenantMixin))
        _tenant_tables = (count, names)
    return names


# --- engine ---------------------------------------------------------------------------------


def role_privileges(engine: Engine) -> list[str]:
    """What lets the connecting PostgreSQL role see every shop's rows despite row-level
    security: ``superuser``, ``BYPASSRLS`` and/or ``owner of the tables`` (an owner can turn
    the policies off); empty on SQLite and for a plain role."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT rolsuper, rolbypassrls, EXISTS (SELECT 1 FROM pg_tables WHERE "
            "schemaname = current_schema() AND tableowner = current_user) "
            "FROM pg_roles WHERE rolname = current_user")).one()
    return [name for name, held in zip(("superuser", "BYPASSRLS", "owner of the tables"), row,
                                       strict=True) if held]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the per-backend settings mallkit relies on."""
    if url.startswith("sqlite"):
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 50)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_when_idle(engine)
    return engine


#: A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 10.0
_USED_AT = "mallkit_used_at"


def ping_when_idle(engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
    """Ping a pooled connection before use only when it sat idle for ``IDLE_PING_SECONDS``
    (a dead one is replaced at once): ``pool_pre_ping`` would cost every request one more
    round trip, while a connection in steady use proves itself alive."""

    def returned(_dbapi_conn: Any, record: Any) -> None:
        record.info[_USED_AT] = clock()

    def checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        used_at = record.info.get(_USED_AT)
        if used_at is None or clock() - used_at < IDLE_PING_SECONDS:
            return  # new, or in steady use
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"an idle pooled connection is gone: {exc}") from exc

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", checked_out)


#: Execution option of the engine :func:`reader_bind` returns (SQLite: BEGIN DEFERRED).
DEFERRED = "mallkit_deferred"
SQLITE_BUSY, SQLITE_LOCKED = 5, 6


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for a unit of work that may write: it takes the write lock at
    BEGIN, so concurrent writers queue (``busy_timeout``) instead of failing when a read
    transaction tries to upgrade; a reader's (:func:`reader_bind`) begins DEFERRED and reads
    a WAL snapshot beside the others."""
    deferred = conn.get_execution_options().get(DEFERRED, False)
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def reader_bind(engine: Engine) -> Engine:
    """``engine`` for units of work expected only to read (safe HTTP methods): on SQLite
    their transactions begin DEFERRED, so processes read at once instead of queueing for the
    write lock. A write in one that read first can fail with 'database is locked'
    (:func:`is_lock_conflict`): run the unit of work again as a writer (``runtime.tenancy``
    does it for requests). Elsewhere it is ``engine`` itself."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(**{DEFERRED: True})


def is_lock_conflict(exc: BaseException) -> bool:
    """SQLite refused a lock (SQLITE_BUSY, including a deferred reader's upgrade after
    another connection's commit, or SQLITE_LOCKED)."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let the "begin" listener issue BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    # a 32 MiB page cache (the default is 2 MiB): a bulk write whose indexes outgrow 2 MiB
    # (100 000 automatic reviews) otherwise re-reads its B-tree pages from the file
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# --- tenant context -------------------------------------------------------------------------


def use_shop(session: Session, shop_id: int | None) -> None:
    """Make ``shop_id`` the session's tenant (None clears it).

    Switching from one shop to another empties the identity map, so an object loaded for
    the previous shop can never be handed out by ``session.get`` for the new one.
    """
    previous = session.info.get("shop_id")
    if previous is not None and previous != shop_id:
        session.expunge_all()
    session.info["shop_id"] = shop_id
    _sync_pg_context(session)


def current_shop_id(session: Session) -> int | None:
    return session.info.get("shop_id")


def reads_latest_commits(session: Session) -> bool:
    """Does each statement of the session's transaction see every transaction committed
    before the statement began (PostgreSQL's READ COMMITTED)? A value cached under a version
    read before its statement then never predates that version; SQLite reads one snapshot
    per transaction, which can."""
    connection = session.connection()
    level = (connection.get_execution_options().get("isolation_level")
             or connection.default_isolation_level)
    return level == "READ COMMITTED"


@contextmanager
def platform_access(session: Session, reason: str) -> Iterator[Session]:
    """Lift tenant scoping for platform-wide work; every use is written to the audit log."""
    if not reason.strip():
        raise ValueError("platform_access needs a reason")
    previous = session.info.get("platform")
    audit_log.info("platform access: %s (shop context %s)", reason, session.info.get("shop_id"))
    session.info["platform"] = reason
    _sync_pg_context(session)
    try:
        yield session
    finally:
        session.info["platform"] = previous
        _sync_pg_context(session)


_PG_CONTEXT = "mallkit.pg_context"

_context_keys: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def context_key(secret_key: str) -> str:
    """The key the app proves itself with to ``mallkit_set_context`` (derived from the
    secret key; the database keeps only its SHA-256, registered by ``mallkit db upgrade``)."""
    return hmac.new(secret_key.encode(), b"mallkit database context", hashlib.sha256).hexdigest()


def use_context_key(engine: Engine, key: str) -> None:
    """Sessions and connections on ``engine`` set their tenant context with ``key``."""
    _context_keys[engine] = key


def set_connection_context(connection: Any, shop_id: int | None,
                           platform: bool = False) -> None:
    """Set the row-level security context of ``connection``'s transaction (PostgreSQL): the
    shop whose rows it sees, or every shop's for platform work. Engines without a context
    key (the owner's: migrations, backups) see every row anyway and skip it."""
    key = _context_keys.get(connection.engine)
    if key is None or connection.dialect.name != "postgresql":
        return
    connection.execute(text("SELECT mallkit_set_context(:key, :shop, :platform)"),
                       {"key": key, "shop": shop_id, "platform": platform})


def _sync_pg_context(session: Session) -> None:
    """Mirror the tenant context into the open PostgreSQL transaction, if any (a round trip
    only when it differs from what this transaction was last given)."""
    bind = session.get_bind()
    if session.in_transaction() and bind.dialect.name == "postgresql" \
            and session.info.get(_PG_CONTEXT) != _context(session):
        _set_pg_context(session, session.connection())


def _context(session: Session) -> tuple[str, str]:
    shop_id = session.info.get("shop_id")
    return ("" if shop_id is None else str(shop_id),
            "on" if session.info.get("platform") else "off")


def _set_pg_context(session: Session, connection: Any) -> None:
    context = _context(session)
    set_connection_context(connection, session.info.get("shop_id"),
                           bool(session.info.get("platform")))
    session.info[_PG_CONTEXT] = context


#: The context of a transaction that was given none: no shop, no platform escape.
_NO_CONTEXT = ("", "off")


@event.listens_for(Session, "after_begin")
def _after_begin(session: Session, transaction: Any, connection: Any) -> None:
    # A savepoint keeps its transaction's settings: only a new transaction needs them. The
    # settings are transaction-local, so a new transaction starts with none, which sees no
    # tenant row: an empty context needs no round trip (the shop look-up of every request).
    if connection.dialect.name == "postgresql" and not transaction.nested:
        if _context(session) == _NO_CONTEXT:
            session.info[_PG_CONTEXT] = _NO_CONTEXT
        else:
            _set_pg_context(session, connection)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, _transaction: Any) -> None:
    # Ended (a rolled-back savepoint undoes a set_config inside it): set again when next used.
    session.info.pop(_PG_CONTEXT, None)


def _statement_tables(statement: Any) -> set[str]:
    names: set[str] = set()
    for element in visitors.iterate(statement):
        name = getattr(element, "name", None)
        if name and element.__visit_name__ == "table":
            names.add(name)
    return names


def _touches_tenant(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, TenantMixin) for m in state.all_mappers):
        return True
    return bool(_statement_tables(state.statement) & tenant_tables())


@event.listens_for(Session, "do_orm_execute")
def _scope_to_shop(state: ORMExecuteState) -> None:
    session = state.session
    if session.info.get("platform"):
        return
    shop_id = session.info.get("shop_id")
    if state.is_insert:
        _check_insert_params(state, shop_id)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if shop_id is None:
        if _touches_tenant(state):
            raise NoShopContext(
                "tenant tables queried with no current shop; call use_shop() or, for "
                "platform-wide work, wrap it in platform_access(session, reason)")
        return
    if state.is_update:
        _check_update_values(state, shop_id)
    state.statement = state.statement.options(
        with_loader_criteria(TenantMixin, lambda cls: cls.shop_id == shop_id,
                             include_aliases=True))


def _check_insert_params(state: ORMExecuteState, shop_id: int | None) -> None:
    if not _touches_tenant(state):
        return
    if shop_id is None:
        raise NoShopContext("insert into a tenant table with no current shop")
    params = state.parameters
    rows = params if isinstance(params, list) else [params or {}]
    values = [row.get("shop_id") for row in rows]
    values += _inserted_shop_ids(state.statement)
    for value in values:
        if value is not None and value != shop_id:
            raise CrossShopWrite(f"insert with shop_id={value} from shop context {shop_id}")


def _inserted_shop_ids(statement: Any) -> list[Any]:
    """The ``shop_id`` values an INSERT carries itself (``.values(...)``, one row or many),
    read off the statement instead of compiling it."""
    rows = [getattr(statement, "_values", None) or {}]
    for batch in getattr(statement, "_multi_values", None) or ():
        rows.extend(batch)
    return [getattr(value, "value", value) for row in rows for key, value in row.items()
            if getattr(key, "key", key) == "shop_id"]


def _check_update_values(state: ORMExecuteState, shop_id: int) -> None:
    values = getattr(state.statement, "_values", None) or {}
    for key in values:
        if getattr(key, "key", key) == "shop_id":
            raise CrossShopWrite(f"an UPDATE may not change shop_id (context {shop_id})")


@event.listens_for(Session, "before_flush")
def _guard_tenant_writes(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get("platform"):
        return
    shop_id = session.info.get("shop_id")
    for obj in session.new:
        if isinstance(obj, TenantMixin):
            if shop_id is None:
                raise NoShopContext(f"new {type(obj).__name__} with no current shop")
            if obj.shop_id is None:
                obj.shop_id = shop_id
            elif obj.shop_id != shop_id:
                raise CrossShopWrite(
                    f"new {type(obj).__name__} for shop {obj.shop_id} from shop {shop_id}")
    for obj in session.dirty:
        if isinstance(obj, TenantMixin) and inspect(obj).attrs.shop_id.history.has_changes():
            raise CrossShopWrite(f"{type(obj).__name__}.shop_id may not change")


@contextmanager
def session_scope(factory: sessionmaker[Session], shop_id: int | None = None) -> Iterator[Session]:
    """A unit of work for jobs and commands: commit on success, roll back on error."""
    session = factory()
    session.info["shop_id"] = shop_id
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def shop_fk() -> Any:
    """A column referring to a shop, for platform tables that name one (not tenant rows)."""
    return mapped_column(BigId, ForeignKey("shops.id", ondelete="CASCADE"), index=True)
