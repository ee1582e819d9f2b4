"""Import fixtures: a shop session that carries the app's Redis and an app context (the
catalog services and the media library need both), and the shop's category tree."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from runtime.db import use_shop
from runtime.modules.catalog import taxonomy


@pytest.fixture
def shop_session(app, session: Session, shop, redis_conn):
    use_shop(session, shop.id)
    session.info["redis"] = redis_conn
    with app.app_context():
        yield session


@pytest.fixture
def categories(shop_session) -> dict[str, int]:
    """女装 > 连衣裙, 女装 > T恤 and 家居, by path."""
    women = taxonomy.create_category(shop_session, {"name": "女装"})
    dresses = taxonomy.create_category(shop_session, {"name": "连衣裙", "parent_id": women.id})
    tees = taxonomy.create_category(shop_session, {"name": "T恤", "parent_id": women.id})
    home = taxonomy.create_category(shop_session, {"name": "家居"})
    shop_session.commit()
    return {"女装": women.id, "女装 > 连衣裙": dresses.id, "女装 > T恤": tees.id,
            "家居": home.id}
