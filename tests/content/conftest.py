"""Helpers of the content module's tests: a merchant logged into the console (JSON client),
publishing a home page of given blocks."""

from __future__ import annotations

from typing import Any

import pytest

from runtime.db import use_shop
from runtime.pages import store


class Merchant:
    """A shop owner's console client: JSON writes with the CSRF token."""

    def __init__(self, client: Any, shop: Any, csrf: str) -> None:
        self.client, self.shop, self.csrf = client, shop, csrf
        self.base = f"/console/shops/{shop.slug}"

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(self.base + path, json=body or {},
                                headers={"X-CSRF-Token": self.csrf,
                                         "Accept": "application/json"})

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(self.base + path, **kw)

    def category(self, name: str, sort: int = 0) -> int:
        response = self.post("/articles/categories", {"name": name, "sort": sort})
        assert response.status_code == 200, response.json
        return response.json["id"]

    def article(self, **fields: Any) -> dict[str, Any]:
        body = {"title": "标题", "status": "published", **fields}
        response = self.post("/articles", body)
        assert response.status_code == 201, response.json
        return response.json


def merchant_of(app: Any, factory: Any, shop: Any) -> Merchant:
    client = app.test_client()
    user = factory.user()
    factory.membership(user, shop)
    return Merchant(client, shop, factory.console_login(client, user))


@pytest.fixture
def merchant(app, factory, shop) -> Merchant:
    factory.module_on(shop, "content")
    return merchant_of(app, factory, shop)


def publish_home(app: Any, shop: Any, *blocks: dict[str, Any]) -> None:
    regs = app.extensions["mallkit"].registries["pages"]
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        page = store.ensure_page(s, "home", regs)
        config = {"schema": 1, "title": "首页", "kind": "home", "blocks": list(blocks)}
        store.save_draft(s, "home", config, page.draft_revision, regs)
        store.publish(s, "home", registries=regs)
        s.commit()
