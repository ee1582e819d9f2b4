"""Periodic work of the content module: scheduled articles whose time has come are marked
published and the shop's cached pages are told (data version ``content``), so an
``article-list`` block shows them within a minute. Visibility itself never waits for this
job (see ``service._visible``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.jobs import for_each_shop
from runtime.modules.content.models import Article
from runtime.modules.content.service import MODULE_ID, changed
from runtime.modules.switches import is_enabled


def publish_due(session: Session) -> int:
    """Mark this shop's due scheduled articles published; returns how many."""
    if not is_enabled(session, MODULE_ID):
        return 0
    result = session.execute(update(Article).where(
        Article.status == "scheduled", Article.published_at <= utcnow())
        .values(status="published").execution_options(synchronize_session=False))
    count = result.rowcount or 0
    if count:
        changed(session)
    return count


def publish_due_job() -> dict[int, Any]:
    return for_each_shop(publish_due, "content: publish due articles")
