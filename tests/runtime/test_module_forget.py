"""A module removed from the code after its migrations were applied: start-up and ``mallkit
db upgrade`` go on (its version rows set aside, not crashed on), and ``mallkit module
forget ID [--drop-tables]`` drops its version rows and tables (SQLite; sign-in as the
removed module, left out with ``MALLKIT_EXCLUDED_MODULES`` as if its package were gone)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import inspect, text

from runtime.app import create_app
from runtime.db import make_engine
from runtime.migrate import ForgetRefused, SchemaOutOfDate, check_schema, forget, upgrade
from runtime.modules.loader import discover
from runtime.schema_ledger import records, version_rows
from tests.factories import Factory

SIGNIN_TABLES = {"signin_records", "signin_states", "signin_milestone_grants"}


@pytest.fixture
def db_with_signin(tmp_path):
    """A database migrated with every module, one shop with sign-in switched on."""
    url = f"sqlite:///{tmp_path / 'removed.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def _tables(engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _cli(tmp_path, url, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"MALLKIT_DATA_DIR": str(tmp_path), "MALLKIT_DATABASE_URL": url,
           "MALLKIT_EXCLUDED_MODULES": "signin", "MALLKIT_EMBEDDED_WORKER": "0",
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "runtime.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_ledger_records_each_modules_revisions_and_tables(db_with_signin):
    _, engine = db_with_signin
    with engine.connect() as conn:
        signin = records(conn)["signin"]
        assert "0010_signin" in version_rows(conn)
    assert signin.revisions == ("0010_signin",)
    assert set(signin.needs) == {"0001_platform", "0007_members"}
    assert set(signin.tables) == SIGNIN_TABLES


def test_start_and_upgrade_go_on_without_the_module_then_forget_drops_it(
        db_with_signin, settings, tmp_path):
    url, engine = db_with_signin
    without = [d for d in discover() if d.id != "signin"]
    app = create_app(settings.replace(database_url=url, redis_url="", data_dir=tmp_path,
                                      excluded_modules=("signin",)))
    shop = Factory(app).shop(slug="kept", name="留下")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO shop_modules (shop_id, module_id, enabled, settings, "
                          "created_at, updated_at) VALUES (:s, 'signin', 1, '{}', "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"s": shop.id})
    app.extensions["mallkit"].engine.dispose()

    upgraded = _cli(tmp_path, url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "0010_signin" in upgraded.stdout  # set aside while migrating, then kept
    current = _cli(tmp_path, url, "db", "current")
    assert current.returncode == 0, current.stderr
    assert "not installed: signin" in current.stdout
    check_schema(engine, without)

    assert _cli(tmp_path, url, "module", "forget", "catalog").returncode != 0  # installed
    forgot = _cli(tmp_path, url, "module", "forget", "signin", "--drop-tables", "--yes")
    assert forgot.returncode == 0, forgot.stderr
    assert "version rows 0010_signin removed; tables dropped" in forgot.stdout
    with engine.connect() as conn:
        assert "0010_signin" not in version_rows(conn)
        assert "signin" not in records(conn)
        assert conn.scalar(text("SELECT count(*) FROM shop_modules "
                                "WHERE module_id = 'signin'")) == 0
    assert not SIGNIN_TABLES & _tables(engine)
    assert "shops" in _tables(engine)
    check_schema(engine, without)
    with pytest.raises(SchemaOutOfDate):  # the module is gone for good: with it back, it is due
        check_schema(engine, discover())

    upgrade(engine)  # reinstalled: its migration runs again on a clean slate
    assert _tables(engine) >= SIGNIN_TABLES
    check_schema(engine, discover())


def test_forget_without_drop_keeps_the_tables(db_with_signin):
    _, engine = db_with_signin
    without = [d for d in discover() if d.id != "signin"]
    change = forget(engine, "signin", found=without)
    assert change.removed == ["0010_signin"]
    assert _tables(engine) >= SIGNIN_TABLES
    check_schema(engine, without)
    with pytest.raises(ForgetRefused, match="no schema recorded"):
        forget(engine, "signin", found=without)
    with pytest.raises(ForgetRefused, match="is installed"):
        forget(engine, "signin")


def test_an_unrecorded_unknown_revision_is_refused_clearly(db_with_signin):
    _, engine = db_with_signin
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999_from_newer_code')"))
    for run in (lambda: check_schema(engine), lambda: upgrade(engine)):
        with pytest.raises(SchemaOutOfDate, match=r"9999_from_newer_code.*newer code"):
            run()
