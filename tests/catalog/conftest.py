"""Catalog fixtures: the shop session carries the app's Redis, so after-commit work (page
cache bumps, on/off-sale timers) runs as it does in a request or a job."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from runtime.db import use_shop


@pytest.fixture
def shop_session(session: Session, shop, redis_conn) -> Session:
    use_shop(session, shop.id)
    session.info["redis"] = redis_conn
    return session


from tests.browser_support import browser, live_url, phone  # noqa: E402, F401
