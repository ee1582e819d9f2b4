"""Factories for test data: real rows through the real session, committed."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from runtime.accounts.models import Membership, Role, User
from runtime.accounts.passwords import hasher
from runtime.db import platform_access, use_shop
from runtime.shops.models import Shop

_seq = itertools.count(1)

DEFAULT_PASSWORD = "correct-horse-42"


class Factory:
    """Creates and commits rows; every call opens and closes its own session."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.state = app.extensions["mallkit"]

    def _session(self) -> Session:
        s = self.state.session_factory()
        s.info["shop_id"] = None
        return s

    def shop(self, slug: str | None = None, name: str | None = None, **kw: Any) -> Shop:
        n = next(_seq)
        with self._session() as s:
            shop = Shop(slug=slug or f"shop-{n}", name=name or f"Shop {n}", settings={}, **kw)
            s.add(shop)
            s.commit()
            return shop

    def user(self, email: str | None = None, password: str = DEFAULT_PASSWORD,
             **kw: Any) -> User:
        n = next(_seq)
        with self._session() as s:
            user = User(email=email or f"user{n}@example.com",
                        password_hash=hasher(self.state.settings).hash(password), **kw)
            s.add(user)
            s.commit()
            return user

    def membership(self, user: User, shop: Shop, role: Role | str = Role.OWNER,
                   areas: list[str] | None = None) -> Membership:
        with self._session() as s:
            use_shop(s, shop.id)
            member = Membership(user_id=user.id, role=str(role), areas=areas or [])
            s.add(member)
            s.commit()
            return member

    def merchant(self, shop: Shop, role: Role | str = Role.OWNER,
                 areas: list[str] | None = None, **kw: Any) -> User:
        user = self.user(**kw)
        self.membership(user, shop, role, areas)
        return user

    def add(self, shop: Shop | None, *rows: Any) -> list[Any]:
        """Commit arbitrary model instances in ``shop``'s context (None: platform rows)."""
        with self._session() as s:
            if shop is not None:
                use_shop(s, shop.id)
                s.add_all(rows)
                s.commit()
            else:
                with platform_access(s, "test factory"):
                    s.add_all(rows)
                    s.commit()
            return list(rows)

    def product(self, shop: Shop, title: str | None = None, *, price_fen: int = 1000,
                stock: int = 10, **data: Any) -> Any:
        """A catalog product through the real service; one SKU unless ``specs``/``skus``."""
        from runtime.modules.catalog.products import create_product

        n = next(_seq)
        payload: dict[str, Any] = {"title": title or f"商品 {n}", "status": "on_sale", **data}
        payload.setdefault("skus", [{"price_fen": price_fen, "stock": stock}])
        with self.app.app_context(), self._session() as s:
            use_shop(s, shop.id)
            product = create_product(s, payload)
            s.commit()
            return product

    def console_login(self, client: Any, user: User, password: str = DEFAULT_PASSWORD) -> str:
        """Log ``user`` into the console on a test client; returns the CSRF token to send
        with writes (header ``X-CSRF-Token`` or form field ``csrf_token``)."""
        token = client.get("/console/login", headers={"Accept": "application/json"})
        response = client.post("/console/login", json={"email": user.email,
                                                        "password": password},
                               headers={"X-CSRF-Token": token.json["csrf_token"]})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["csrf_token"]
