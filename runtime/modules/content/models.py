"""The content module's tables (文章): categories and articles, both tenant tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class ArticleCategory(TenantMixin, Base):
    """A category of articles (文章分类); names are unique in a shop; ``sort`` high first."""

    __tablename__ = "content_categories"
    __table_args__ = (UniqueConstraint("shop_id", "name"),)

    name: Mapped[str] = mapped_column(String(20))
    sort: Mapped[int] = mapped_column(default=0)


class Article(TenantMixin, Base):
    """An article. ``body_html`` is stored sanitised (``content.sanitize``). ``status`` is
    draft, scheduled or published; shoppers see one once it is not a draft and
    ``published_at`` has come, so a scheduled article appears on time without a job."""

    __tablename__ = "content_articles"
    __table_args__ = (Index("ix_content_articles_listing", "shop_id", "status", "sort",
                            "published_at"),)

    category_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("content_categories.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(80))
    cover: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(200), default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published_at: Mapped[datetime | None]
    sort: Mapped[int] = mapped_column(default=0)
    view_count: Mapped[int] = mapped_column(default=0)
