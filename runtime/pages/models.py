"""Pages: a draft per page and immutable published versions; scheduled publications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class Page(TenantMixin, Base):
    """A page of a shop. ``live_version`` is the number of the published version shown."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("shop_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(60))
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    draft_revision: Mapped[int] = mapped_column(default=1)
    live_version: Mapped[int | None]
    published_at: Mapped[datetime | None]


class PageVersion(TenantMixin, Base):
    """A published page config; never changed once written."""

    __tablename__ = "page_versions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    page_id: Mapped[int] = mapped_column(BigId, ForeignKey("pages.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int]
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(16))  # publish | rollback | schedule
    note: Mapped[str] = mapped_column(String(200), default="")
    published_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"))


class PageSchedule(TenantMixin, Base):
    """A draft snapshot that goes live at ``run_at`` (an RQ job, plus the sweeper)."""

    __tablename__ = "page_schedules"

    page_id: Mapped[int] = mapped_column(BigId, ForeignKey("pages.id", ondelete="CASCADE"),
                                         index=True)
    run_at: Mapped[datetime] = mapped_column(index=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version_number: Mapped[int | None]
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"))


class ImmutableVersion(RuntimeError):
    """A published page version was about to be changed."""


@event.listens_for(PageVersion, "before_update")
def _refuse_version_update(_mapper: Any, _connection: Any, target: PageVersion) -> None:
    raise ImmutableVersion(f"page version {target.number} of page {target.page_id} is "
                           "immutable; publish a new version instead")


class ShopNavigation(TenantMixin, Base):
    """The shop's bottom tab bar (``schemas/navigation.schema.json``); one row per shop, made
    on the first save (until then the default bar of home, categories, cart and me)."""

    __tablename__ = "shop_navigation"
    __table_args__ = (UniqueConstraint("shop_id"),)

    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(default=1)
