"""Page tests run on an app that also loads the fixture blocks, module and themes under
``tests/pages/fixtures`` (through ``Settings.extra``), next to the repository's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from runtime.db import use_shop
from runtime.pages.registries import Registries
from tests.conftest import shared_app
from tests.page_helpers import block, ids_in_html, ids_in_layout, page_config  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"
EXTRA = {"block_dirs": str(FIXTURES / "blocks"), "module_dirs": str(FIXTURES / "modules"),
         "theme_dirs": str(FIXTURES / "themes")}


@pytest.fixture
def app(settings) -> Iterator[Flask]:
    yield from shared_app(settings.replace(extra=EXTRA))


@pytest.fixture
def regs(app: Flask) -> Registries:
    return app.extensions["mallkit"].registries["pages"]


@pytest.fixture
def publish(factory) -> Callable[..., int]:
    """Save ``config`` as the draft of ``slug`` in ``shop`` and publish it; returns the version."""
    return factory.publish_page




@contextmanager
def in_shop(app: Flask, shop) -> Iterator[Session]:
    """A session scoped to ``shop`` whose after-commit cache bumps reach the app's Redis."""
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        yield s
