"""Page tests run on an app that also loads the fixture blocks, module and themes under
``tests/pages/fixtures`` (through ``Settings.extra``), next to the repository's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from runtime.app import create_app
from runtime.db import use_shop
from runtime.pages import store
from runtime.pages.registries import Registries
from tests.conftest import _wipe_database

FIXTURES = Path(__file__).parent / "fixtures"
EXTRA = {"block_dirs": str(FIXTURES / "blocks"), "module_dirs": str(FIXTURES / "modules"),
         "theme_dirs": str(FIXTURES / "themes")}


@pytest.fixture
def app(settings) -> Iterator[Flask]:
    application = create_app(settings.replace(extra=EXTRA))
    yield application
    state = application.extensions["mallkit"]
    _wipe_database(state.engine)
    state.redis.flushdb()
    state.engine.dispose()


@pytest.fixture
def regs(app: Flask) -> Registries:
    return app.extensions["mallkit"].registries["pages"]


def block(block_id: str, type_: str, **settings: Any) -> dict[str, Any]:
    return {"id": block_id, "type": type_, "settings": settings}


def page_config(*blocks: dict[str, Any], kind: str = "home", title: str = "首页") -> dict[str, Any]:
    return {"schema": 1, "title": title, "kind": kind, "blocks": list(blocks)}


@pytest.fixture
def publish(app: Flask, regs: Registries) -> Callable[..., int]:
    """Save ``config`` as the draft of ``slug`` in ``shop`` and publish it; returns the version."""

    def run(shop, config: dict[str, Any], slug: str = "home") -> int:
        with in_shop(app, shop) as s:
            if slug in store.FIXED_KINDS:
                page = store.ensure_page(s, slug, regs)
            else:
                page = store.find_page(s, slug) or store.create_page(s, slug, registries=regs)
            store.save_draft(s, slug, config, page.draft_revision, regs)
            version = store.publish(s, slug, registries=regs)
            s.commit()
            return version.number

    return run


def ids_in_html(html: str) -> list[str]:
    import re

    return re.findall(r'data-block-id="([^"]+)"', html)


def ids_in_layout(nodes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.append(node["id"])
        out.extend(ids_in_layout(node["children"]))
    return out




@contextmanager
def in_shop(app: Flask, shop) -> Iterator[Session]:
    """A session scoped to ``shop`` whose after-commit cache bumps reach the app's Redis."""
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        yield s
