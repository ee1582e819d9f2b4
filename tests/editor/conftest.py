"""Editor tests: a logged-in merchant of shop ``alpha`` on a test client, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser_support import browser, live_url  # noqa: F401
from tests.conftest import shared_app

BASE = "/console/shops/alpha"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def app(settings) -> Iterator[Flask]:
    """The app with the editor's fixture blocks (a container block with conditional fields)."""
    yield from shared_app(settings.replace(extra={"block_dirs": str(FIXTURES / "blocks")}))


class Console:
    """A test client logged into the console, sending the CSRF token with every write."""

    def __init__(self, client: Any, token: str) -> None:
        self.client = client
        self.token = token

    def get(self, path: str, **kw: Any) -> Any:
        kw.setdefault("headers", {"Accept": "application/json"})
        return self.client.get(BASE + path, **kw)

    def _write(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"X-CSRF-Token": self.token, "Accept": "application/json",
                   **kw.pop("headers", {})}
        return getattr(self.client, method)(BASE + path, headers=headers, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self._write("post", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self._write("put", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self._write("patch", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._write("delete", path, **kw)


@pytest.fixture
def merchant(factory, shop):
    return factory.merchant(shop, email="owner@alpha.test")


@pytest.fixture
def console(client, factory, merchant) -> Console:
    return Console(client, factory.console_login(client, merchant))


def block(block_id: str, type_: str, **settings: Any) -> dict[str, Any]:
    return {"id": block_id, "type": type_, "settings": settings}


def config(*blocks: dict[str, Any], kind: str = "home", title: str = "首页") -> dict[str, Any]:
    return {"schema": 1, "title": title, "kind": kind, "blocks": list(blocks)}
