"""Removing an optional module's package (sign-in here) leaves the app starting, migrating
and serving; nothing outside the module's own folders imports it."""

from __future__ import annotations

import ast
from pathlib import Path

from runtime.app import create_app
from runtime.db import make_engine, use_shop
from runtime.migrate import upgrade
from runtime.modules.loader import discover
from runtime.pages.palette import available_blocks
from tests.factories import Factory

ROOT = Path(__file__).resolve().parents[2]
SIGNIN_HOMES = ("runtime/modules/signin/", "builder/signin/", "tests/signin/")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_nothing_outside_the_module_imports_it():
    offenders = []
    for path in [*ROOT.glob("runtime/**/*.py"), *ROOT.glob("builder/**/*.py")]:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(SIGNIN_HOMES) or "/migrations/" in relative:
            continue
        if any(n.startswith(("runtime.modules.signin", "builder.signin"))
               for n in _imports(path)):
            offenders.append(relative)
    assert offenders == []


def test_app_starts_and_serves_without_the_signin_module(settings, tmp_path):
    without = [d for d in discover() if d.id != "signin"]
    url = f"sqlite:///{tmp_path / 'no-signin.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine, found=without)
    engine.dispose()
    app = create_app(settings.replace(database_url=url, redis_url="",
                                      data_dir=tmp_path, excluded_modules=("signin",)))
    mk = app.extensions["mallkit"]
    assert "signin" not in mk.modules.modules and "signin-reminders" not in mk.modules.periodic
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    shop = Factory(app).shop(slug="plain", name="无签到")
    assert client.get(f"/api/v1/shops/{shop.slug}/signin").status_code == 404
    assert client.get(f"/s/{shop.slug}/").status_code == 200
    with mk.session_factory() as session:
        use_shop(session, shop.id)
        offered = {b["type"] for b in available_blocks(session, "home",
                                                       registries=mk.registries["pages"])}
    assert "signin-calendar" not in offered and "product-grid" in offered
    mk.engine.dispose()
