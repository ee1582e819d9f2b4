"""The one Flask app: storefront (/s/<shop>/), API (/api/v1), console (/console), health."""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import weakref
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from runtime import errors, headers, logs, tenancy
from runtime.db import (
    context_key,
    make_engine,
    make_session_factory,
    reader_bind,
    role_privileges,
    set_connection_context,
    use_context_key,
)
from runtime.extension import Mallkit
from runtime.http import CookieSessions, HeadAsGet, JSONProvider
from runtime.migrate import check_schema
from runtime.modules.loader import (
    SESSION_KEY,
    build_module_set,
    discover,
    register_blueprints_and_commands,
)
from runtime.redis_client import connect
from runtime.settings import PREFIX, Settings, SettingsError

TEMPLATES = Path(__file__).parent / "templates"

#: The platform's own parts (not modules: always there), each with ``init_app(app)``.
#: Modules are not listed anywhere: :mod:`runtime.modules.loader` finds them.
RUNTIME_PARTS = ["runtime.health", "runtime.api", "runtime.api.openapi", "runtime.pages",
                 "runtime.storefront", "runtime.storefront.shop", "runtime.accounts",
                 "runtime.media", "runtime.wechat", "runtime.secrets_cli", "runtime.audit"]
#: The console's platform screens (imported by name: runtime never imports builder).
CONSOLE_PARTS = ["builder.console", "builder.pages", "builder.editor", "builder.media",
                 "builder.themes", "builder.wechat", "builder.audit", "builder.invitations"]
LAST_PARTS = ["builder.modules", "runtime.blocklib", "runtime.wechat.demo"]


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` path segments: only values a BIGINT id column can hold match, so a larger
    number is a 404 like any unknown id instead of an overflow in the database driver."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


class MallkitFlask(Flask):
    """Flask that runs a request once more, as a writer, when it began as a reader (a safe
    method: SQLite BEGIN DEFERRED) and then met SQLite's write lock (``runtime.tenancy``),
    and that asks whether a view or hook is a coroutine function once per function, not on
    every call (``inspect`` on some ten functions per request)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._synced[func]
        except KeyError:
            synced = self._synced[func] = super().ensure_sync(func)
            return synced

    def handle_user_exception(self, e: Exception) -> Any:
        if isinstance(e, OperationalError) and tenancy.retry_as_writer(e):
            try:
                rv = self.preprocess_request()
                return rv if rv is not None else self.dispatch_request()
            except Exception as again:
                return super().handle_user_exception(again)
        return super().handle_user_exception(e)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    settings.validate()
    app = MallkitFlask("mallkit", template_folder=str(TEMPLATES),
                static_folder=str(Path(__file__).parent / "static"), static_url_path="/static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
        SESSION_COOKIE_NAME="mallkit_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        JSON_SORT_KEYS=False,
        TESTING=settings.testing,
    )
    app.json = JSONProvider(app)
    app.session_interface = CookieSessions()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.url_map.converters["int"] = DatabaseIdConverter
    if settings.embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)

    found = discover(module_dirs(settings), exclude=settings.excluded_modules)
    modules = build_module_set(found)
    engine = make_engine(settings.database_url)
    _check_database_role(engine, settings)
    if settings.check_schema:
        check_schema(engine, found)
    use_context_key(engine, context_key(settings.secret_key))
    _check_context_key(engine)
    session_factory = make_session_factory(engine)
    session_factory.configure(info={SESSION_KEY: modules})
    app.extensions["mallkit"] = mk = Mallkit(
        settings=settings, engine=engine, session_factory=session_factory,
        redis=connect(settings), modules=modules, reader=reader_bind(engine))
    atexit.register(_close_at_exit, weakref.ref(mk))  # before an embedded Redis stops

    logs.configure()
    logs.init_app(app)
    errors.register_error_handlers(app)
    headers.init_app(app)
    tenancy.init_app(app)
    _init_parts(app, RUNTIME_PARTS)
    register_blueprints_and_commands(app, modules)
    _init_parts(app, CONSOLE_PARTS)
    _init_parts(app, [m.module.console for m in modules if m.module.console])
    _init_parts(app, LAST_PARTS)
    _freeze(app)
    app.wsgi_app = HeadAsGet(app.wsgi_app)  # type: ignore[method-assign]
    if settings.trusted_proxies:
        # the client address, scheme and host as the proxies in front saw them
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n,  # type: ignore[method-assign]
                                x_host=n, x_port=n)
    return app


def _close_at_exit(ref: weakref.ref[Mallkit]) -> None:
    mk = ref()
    if mk is not None:
        mk.close()


def _check_database_role(engine: Engine, settings: Settings) -> None:
    """Refuse a PostgreSQL role that row-level security does not hold (or, when explicitly
    allowed, say so loudly at every start)."""
    privileges = role_privileges(engine)
    if not privileges:
        return
    message = (f"the database role {engine.url.username!r} is {' and '.join(privileges)}: "
               f"row-level security does not bind it, so one SQL mistake could show every "
               f"shop's data. Connect as a plain role (NOSUPERUSER NOBYPASSRLS, owning no "
               f"table; migrations run as the owner through {PREFIX}MIGRATION_DATABASE_URL: "
               f"see docs/deploy.md)")
    if not settings.allow_privileged_database_role:
        engine.dispose()
        raise SettingsError(message + f", or set {PREFIX}ALLOW_PRIVILEGED_DATABASE_ROLE=1 to "
                                      f"start anyway")
    logging.getLogger("mallkit").warning("SECURITY WARNING: %s", message)


def _check_context_key(engine: Engine) -> None:
    """The database must know this app's context key, or every tenant query would see no
    rows: refuse to start and say how to register it."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with engine.begin() as connection:
            set_connection_context(connection, None)
    except DBAPIError as exc:
        engine.dispose()
        raise SettingsError(
            "the database does not know this app's context key (it is derived from "
            f"{PREFIX}SECRET_KEY): run `mallkit db upgrade` with "
            f"{PREFIX}MIGRATION_DATABASE_URL set, then start again") from exc


def module_dirs(settings: Settings) -> list[Path]:
    """Extra folders of manifest-only modules (``Settings.extra["module_dirs"]``, for tests)."""
    return [Path(p) for p in settings.extra.get("module_dirs", "").split(os.pathsep) if p]


def _init_parts(app: Flask, names: list[str]) -> None:
    for name in names:
        importlib.import_module(name).init_app(app)


def _freeze(app: Flask) -> None:
    """Nothing registers into the app's registries after start-up."""
    for registry in (app.extensions["mallkit"].modules,
                     *app.extensions["mallkit"].registries.values()):
        if hasattr(registry, "freeze") and callable(registry.freeze):
            registry.freeze()
