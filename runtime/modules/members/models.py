"""Member tables: shoppers, their API tokens, levels and growth, tags, purchase stats, notices,
the console's audit log and exports.

Balances of points and stored value live in their own modules; a member row keeps the
purchase stats (``total_spent_fen``, ``order_count``, ``last_purchase_at``) that the orders
module feeds through :func:`runtime.modules.members.service.record_purchase`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class MemberSource(StrEnum):
    MINIPROGRAM = "miniprogram"
    H5 = "h5"
    IMPORT = "import"  # brought over from another system (会员数据导入)


class MemberStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"


class Gender(StrEnum):
    UNKNOWN = "unknown"
    MALE = "male"
    FEMALE = "female"


class LifecycleStage(StrEnum):
    """By last purchase date: never bought / recent / going quiet / gone."""

    NEW = "new"
    ACTIVE = "active"
    DORMANT = "dormant"
    LOST = "lost"


class TagKind(StrEnum):
    MANUAL = "manual"
    RULE = "rule"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


class Level(TenantMixin, Base):
    """A member level (会员等级): reached at ``growth_threshold`` growth, ordered by ``rank``."""

    __tablename__ = "member_levels"
    __table_args__ = (
        UniqueConstraint("shop_id", "rank"),
        UniqueConstraint("shop_id", "growth_threshold"),
        CheckConstraint("discount_percent between 1 and 100", name="discount_range"),
        CheckConstraint("growth_threshold >= 0", name="threshold_nonnegative"),
    )

    name: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int]
    growth_threshold: Mapped[int]
    #: what a member of this level pays, in percent: 95 = 九五折, 100 = no discount.
    discount_percent: Mapped[int] = mapped_column(default=100)
    free_shipping: Mapped[bool] = mapped_column(default=False)
    points_multiplier: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("1.00"))
    birthday_gift_points: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(200), default="")


class Member(TenantMixin, Base):
    """A shopper of one shop: logged in by WeChat (openid) or by phone on H5."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("shop_id", "openid"),
        UniqueConstraint("shop_id", "phone"),
        Index("ix_members_shop_id_lifecycle_stage", "shop_id", "lifecycle_stage"),
        Index("ix_members_shop_id_total_spent_fen", "shop_id", "total_spent_fen"),
        CheckConstraint("growth >= 0", name="growth_nonnegative"),
    )

    openid: Mapped[str | None] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    nickname: Mapped[str] = mapped_column(String(64), default="")
    avatar_url: Mapped[str] = mapped_column(String(500), default="")
    birthday: Mapped[date | None]
    gender: Mapped[str] = mapped_column(String(8), default=Gender.UNKNOWN)
    source: Mapped[str] = mapped_column(String(16), default=MemberSource.MINIPROGRAM)
    status: Mapped[str] = mapped_column(String(16), default=MemberStatus.ACTIVE)
    level_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("member_levels.id", ondelete="SET NULL"), index=True)
    growth: Mapped[int] = mapped_column(default=0)
    total_spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    order_count: Mapped[int] = mapped_column(default=0)
    last_purchase_at: Mapped[datetime | None]
    lifecycle_stage: Mapped[str] = mapped_column(String(16), default=LifecycleStage.NEW)
    last_login_at: Mapped[datetime | None]

    @property
    def display_name(self) -> str:
        if self.nickname:
            return self.nickname
        if self.phone:
            return f"{self.phone[:3]}****{self.phone[-4:]}"
        return f"会员{self.id}"


class MemberToken(TenantMixin, Base):
    """An API token for the mini-program or H5; only its sha256 is stored."""

    __tablename__ = "member_tokens"

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginCode(TenantMixin, Base):
    """A one-time code for H5 phone login (hashed; a few attempts; minutes of validity)."""

    __tablename__ = "member_login_codes"
    __table_args__ = (Index("ix_member_login_codes_shop_id_phone", "shop_id", "phone"),)

    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]


class GrowthEntry(TenantMixin, Base):
    """The growth ledger (成长值): every change, its reason and reference, once per key."""

    __tablename__ = "member_growth_entries"
    __table_args__ = (UniqueConstraint("shop_id", "idempotency_key"),)

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    delta: Mapped[int]
    balance_after: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))
    ref_type: Mapped[str] = mapped_column(String(32), default="")
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    idempotency_key: Mapped[str] = mapped_column(String(120))


class LevelChange(TenantMixin, Base):
    """A recorded change of a member's level, up or down."""

    __tablename__ = "member_level_changes"

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    from_level_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("member_levels.id", ondelete="SET NULL"))
    to_level_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("member_levels.id", ondelete="SET NULL"))
    growth: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))


class Tag(TenantMixin, Base):
    """A member tag: set by hand (manual) or recomputed from a rule (rule)."""

    __tablename__ = "member_tags"
    __table_args__ = (UniqueConstraint("shop_id", "name"),)

    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8), default=TagKind.MANUAL)
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recomputed_at: Mapped[datetime | None]


class MemberTag(TenantMixin, Base):
    __tablename__ = "member_tag_links"
    __table_args__ = (UniqueConstraint("shop_id", "member_id", "tag_id"),
                      Index("ix_member_tag_links_shop_id_tag_id", "shop_id", "tag_id"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    tag_id: Mapped[int] = mapped_column(BigId, ForeignKey("member_tags.id", ondelete="CASCADE"))


class Purchase(TenantMixin, Base):
    """One paid order as the members module sees it (fed by orders), for stats and tag rules."""

    __tablename__ = "member_purchases"
    __table_args__ = (UniqueConstraint("shop_id", "order_id"),
                      Index("ix_member_purchases_shop_id_member_id_paid_at",
                            "shop_id", "member_id", "paid_at"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigId)
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime]


class PurchaseCategory(TenantMixin, Base):
    """What a purchase spent per catalog category (for "bought from category X" tags)."""

    __tablename__ = "member_purchase_categories"
    __table_args__ = (UniqueConstraint("shop_id", "purchase_id", "category_id"),
                      Index("ix_member_purchase_categories_shop_id_category_id",
                            "shop_id", "category_id"))

    purchase_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("member_purchases.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(BigId)
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class Notice(TenantMixin, Base):
    """A message to a member (points about to expire, sign-in reminder), shown in the app."""

    __tablename__ = "member_notices"
    __table_args__ = (UniqueConstraint("shop_id", "dedupe_key"),)

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(120))
    read_at: Mapped[datetime | None]


class AuditEntry(TenantMixin, Base):
    """A merchant's manual change to a member (points, balance, tags), with the reason given."""

    __tablename__ = "member_audit_log"

    member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="SET NULL"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MemberExport(TenantMixin, Base):
    """An .xlsx export of the member list, written by a background job."""

    __tablename__ = "member_exports"

    requested_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ExportStatus.QUEUED)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    row_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    finished_at: Mapped[datetime | None]


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MemberImport(TenantMixin, Base):
    """One members workbook brought over from another system (会员数据导入), imported by a
    background job. ``processed_rows`` counts member rows done so far (committed with the
    members they wrote, so a re-run resumes after them); ``problems`` lists every bad cell
    ``{"row", "cell", "message"}``; ``error`` is set when the file as a whole is unusable.
    The workbook and its report live under the data directory, named by the run's id."""

    __tablename__ = "member_imports"
    __table_args__ = (Index("ix_member_imports_shop_id_created_at", "shop_id", "created_at"),)

    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.QUEUED)
    requested_by: Mapped[str] = mapped_column(String(255), default="")
    digest: Mapped[str] = mapped_column(String(16), default="")
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    has_report: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def progress(self) -> float:
        """Share of the member rows done, 0.0-1.0."""
        if self.status == ImportStatus.DONE:
            return 1.0
        return min(self.processed_rows / self.total_rows, 1.0) if self.total_rows else 0.0


class CardPlan(TenantMixin, Base):
    """A paid membership card (付费会员卡): buying it grants ``level_id`` for ``days`` days."""

    __tablename__ = "member_card_plans"
    __table_args__ = (CheckConstraint("price_fen > 0", name="price_positive"),
                      CheckConstraint("days > 0", name="days_positive"))

    name: Mapped[str] = mapped_column(String(40))
    level_id: Mapped[int] = mapped_column(BigId, ForeignKey("member_levels.id",
                                                            ondelete="RESTRICT"))
    price_fen: Mapped[int]
    days: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)


class MemberCard(TenantMixin, Base):
    """A card a member bought; while ``starts_at <= now < expires_at`` its level applies
    when it ranks above the growth level."""

    __tablename__ = "member_cards"
    __table_args__ = (UniqueConstraint("shop_id", "idempotency_key"),
                      Index("ix_member_cards_shop_id_member_id_expires_at",
                            "shop_id", "member_id", "expires_at"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("member_card_plans.id",
                                                           ondelete="RESTRICT"))
    level_id: Mapped[int] = mapped_column(BigId, ForeignKey("member_levels.id",
                                                            ondelete="RESTRICT"))
    price_fen: Mapped[int]
    starts_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    idempotency_key: Mapped[str] = mapped_column(String(120))
    payment_ref: Mapped[str] = mapped_column(String(64), default="")

