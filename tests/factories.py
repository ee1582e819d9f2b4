"""Factories for test data: real rows through the real session, committed."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Flask
from sqlalchemy import select
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
        with self.app.app_context(), self._session() as s:
            use_shop(s, shop.id)
            member = Membership(user_id=user.id, role=str(role), areas=areas or [])
            s.add(member)
            s.commit()
            return member

    def invitation(self, shop: Shop, email: str, role: str = "staff") -> Any:
        """A pending staff invitation of ``shop`` (by its first owner)."""
        from runtime.accounts.invitations import invite

        with self._session() as s:
            use_shop(s, shop.id)
            owner = s.scalar(select(Membership).where(Membership.role == "owner")) \
                or Membership(user_id=None, role="owner", areas=[])
            row = invite(s, self.state.settings, owner, email=email, role=role).row
            s.commit()
            return row

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

    def member(self, shop: Shop, openid: str | None = None, **kw: Any) -> Any:
        """A shopper of ``shop`` (a plain row: no signup rewards)."""
        from runtime.modules.members.models import Member

        n = next(_seq)
        kw.setdefault("nickname", f"会员{n}")
        with self._session() as s:
            use_shop(s, shop.id)
            member = Member(openid=openid or f"openid-{n}", **kw)
            s.add(member)
            s.commit()
            return member

    def level(self, shop: Shop, name: str, rank: int, growth_threshold: int, **kw: Any) -> Any:
        """A member level through the real service (members' levels are re-derived)."""
        from runtime.modules.members.levels import create_level

        with self._session() as s:
            use_shop(s, shop.id)
            level = create_level(s, {"name": name, "rank": rank,
                                     "growth_threshold": growth_threshold, **kw})
            s.commit()
            return level

    def member_token(self, shop: Shop, member: Any) -> str:
        """A live API token for ``member`` (``Authorization: Bearer <token>``)."""
        from runtime.modules.members.tokens import issue_token

        with self._session() as s:
            use_shop(s, shop.id)
            issued = issue_token(s, member, client="miniprogram", ttl_days=30)
            s.commit()
            return issued.token

    def module_on(self, shop: Shop, module_id: str, settings: dict[str, Any] | None = None) -> None:
        """Switch a module on for ``shop`` (with ``settings``, or the ones it had)."""
        from runtime.modules.switches import enable

        with self.app.app_context(), self._session() as s:
            use_shop(s, shop.id)
            enable(s, module_id, settings)
            s.commit()

    def media_image(self, shop: Shop, width: int = 800, height: int = 600,
                    name: str = "image.png", colour: tuple[int, int, int] = (220, 80, 60),
                    **kw: Any) -> Any:
        """A real PNG (made with Pillow) uploaded into ``shop``'s media library; ``kw`` goes to
        ``runtime.media.service.upload`` (folder, alt_text). Use ``{"media_id": asset.id}``."""
        import io

        from PIL import Image

        from runtime.media.service import upload

        buffer = io.BytesIO()
        Image.new("RGB", (width, height), colour).save(buffer, "PNG")
        with self.app.app_context(), self._session() as s:
            use_shop(s, shop.id)
            asset = upload(s, buffer.getvalue(), name, **kw).asset
            s.commit()
            return asset

    def publish_page(self, shop: Shop, config: dict[str, Any], slug: str = "home") -> int:
        """Save ``config`` (a page config) as the draft of ``slug`` and publish it through the
        page store; returns the version number. Fixed kinds (home, category, product, cart,
        user, modules' kinds such as article) are created from their preset on first use,
        other slugs as custom pages."""
        from runtime.pages import store

        registries = self.state.registries["pages"]
        with self.app.app_context(), self._session() as s:
            use_shop(s, shop.id)
            if slug in registries.kinds.single_kinds():
                page = store.ensure_page(s, slug, registries)
            else:
                page = store.find_page(s, slug) or store.create_page(s, slug,
                                                                     registries=registries)
            store.save_draft(s, slug, config, page.draft_revision, registries)
            version = store.publish(s, slug, registries=registries)
            s.commit()
            return version.number
