"""Start-up: settings from the environment, the embedded default, schema-version refusal."""

from __future__ import annotations

import subprocess
import sys

import pytest

from runtime.app import create_app
from runtime.db import make_engine
from runtime.migrate import SchemaOutOfDate, code_heads, downgrade
from runtime.settings import Settings, SettingsError


def test_embedded_default_from_an_empty_environment(tmp_path):
    settings = Settings.from_env({"MALLKIT_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'mallkit.sqlite3'}"
    assert settings.embedded_redis and settings.embedded_database
    assert settings.timezone == "Asia/Shanghai"
    again = Settings.from_env({"MALLKIT_DATA_DIR": str(tmp_path)})
    assert settings.secret_key == again.secret_key and len(settings.secret_key) > 40


def test_production_settings_need_a_secret_key(tmp_path):
    env = {"MALLKIT_DATA_DIR": str(tmp_path),
           "MALLKIT_DATABASE_URL": "postgresql+psycopg://u@db/x",
           "MALLKIT_REDIS_URL": "redis://cache:6379/0"}
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env(env)
    settings = Settings.from_env({**env, "MALLKIT_SECRET_KEY": "s" * 40})
    assert not settings.embedded_database and not settings.embedded_redis
    assert settings.secure_cookies is True


@pytest.mark.parametrize("key", ["x", "s" * 31])
def test_production_secret_keys_are_at_least_32_characters(tmp_path, key):
    env = {"MALLKIT_DATA_DIR": str(tmp_path),
           "MALLKIT_DATABASE_URL": "postgresql+psycopg://u@db/x"}
    with pytest.raises(SettingsError, match="at least 32 characters"):
        Settings.from_env({**env, "MALLKIT_SECRET_KEY": key})
    assert Settings.from_env({**env, "MALLKIT_SECRET_KEY": "s" * 32}).secret_key == "s" * 32


@pytest.mark.parametrize("name,value,message", [
    ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
    ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
    ("REDIS_URL", "http://x", "REDIS_URL"),
    ("MAX_REQUEST_BYTES", "lots", "MAX_REQUEST_BYTES"),
])
def test_bad_settings_are_named(tmp_path, name, value, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"MALLKIT_DATA_DIR": str(tmp_path), f"MALLKIT_{name}": value})


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    with app.extensions["mallkit"].engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_app_refuses_an_out_of_date_schema(tmp_path, settings):
    stale = settings.replace(database_url=f"sqlite:///{tmp_path / 'stale.sqlite3'}")
    with pytest.raises(SchemaOutOfDate, match="mallkit db upgrade"):
        create_app(stale)


def test_cli_refuses_out_of_date_schema_and_upgrade_fixes_it(tmp_path):
    env = {"MALLKIT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "MALLKIT_EMBEDDED_WORKER": "0"}
    routes = [sys.executable, "-m", "runtime.cli", "routes"]
    refused = subprocess.run(routes, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "mallkit db upgrade" in refused.stderr
    upgraded = subprocess.run([sys.executable, "-m", "runtime.cli", "db", "upgrade"], env=env,
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    ok = subprocess.run(routes, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "/healthz" in ok.stdout


def test_a_downgraded_database_is_refused(tmp_path, settings):
    url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
    engine = make_engine(url)
    from runtime.migrate import upgrade

    upgrade(engine)
    assert create_app(settings.replace(database_url=url))
    downgrade(engine, "base")
    with pytest.raises(SchemaOutOfDate):
        create_app(settings.replace(database_url=url))
    assert code_heads()


@pytest.mark.postgres
def test_a_superuser_database_role_is_refused_unless_explicitly_allowed(settings, caplog):
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_URL

    admin = make_url(PG_URL)
    as_superuser = make_url(settings.database_url).set(username=admin.username,
                                                      password=admin.password)
    privileged = settings.replace(
        database_url=as_superuser.render_as_string(hide_password=False))
    with pytest.raises(SettingsError, match="superuser"):
        create_app(privileged)
    app = create_app(privileged.replace(allow_privileged_database_role=True))
    app.extensions["mallkit"].engine.dispose()
    assert any("SECURITY WARNING" in r.getMessage() and "superuser" in r.getMessage()
               for r in caplog.records)
    create_app(settings).extensions["mallkit"].engine.dispose()  # the plain app role starts


@pytest.mark.postgres
def test_the_owner_of_the_tables_is_refused_as_the_app_role(settings):
    """Migrations used to run as the app role, which then owned the tables (and could turn
    row-level security off): the app now refuses to connect as the owner."""
    as_owner = settings.replace(database_url=settings.migration_database_url)
    with pytest.raises(SettingsError, match="owner of the tables"):
        create_app(as_owner)


@pytest.mark.postgres
def test_a_database_that_does_not_know_the_apps_key_is_refused(settings):
    """Every tenant query would see no rows: say how to register the key instead."""
    with pytest.raises(SettingsError, match="context key"):
        create_app(settings.replace(secret_key="another-secret-key-of-at-least-32-chars"))
