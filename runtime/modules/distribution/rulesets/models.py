"""Tables of the opt-in rule sets: each rule set's switch and the owner's acknowledgement,
推三返一 buyers and rewards, 链动2+1 places, and partner dividend tiers, partners, runs and
payouts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
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


class RuleSet(TenantMixin, Base):
    """A rule set's switch (``tuisan`` or ``chain21``): on only after the owner accepted the
    notice's current version (who, when, which version)."""

    __tablename__ = "distribution_rulesets"
    __table_args__ = (UniqueConstraint("shop_id", "rule"),
                      CheckConstraint("rule in ('tuisan', 'chain21')", name="rule_known"))

    rule: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(default=False)
    accepted_version: Mapped[str | None] = mapped_column(String(16))
    accepted_by_user_id: Mapped[int | None] = mapped_column(BigId)
    accepted_at: Mapped[datetime | None]


class TuisanBuy(TenantMixin, Base):
    """A new buyer's purchase of an eligible product through a member's share: ``waiting``
    for the after-sales window, then ``counted`` (or ``freed`` by a refund); ``reward_id``
    once three counted buys earned the member one unit back."""

    __tablename__ = "distribution_tuisan_buys"
    __table_args__ = (UniqueConstraint("shop_id", "referrer_member_id", "buyer_member_id"),
                      Index("ix_distribution_tuisan_buys_shop_id_status", "shop_id", "status"),
                      Index("ix_distribution_tuisan_buys_shop_id_line_id", "shop_id", "line_id"))

    referrer_member_id: Mapped[int] = mapped_column(BigId)
    buyer_member_id: Mapped[int] = mapped_column(BigId)
    order_id: Mapped[int] = mapped_column(BigId)
    line_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    reward_id: Mapped[int | None] = mapped_column(BigId)


class TuisanReward(TenantMixin, Base):
    """One unit of the member's own (source) order paid back: once per source order."""

    __tablename__ = "distribution_tuisan_rewards"
    __table_args__ = (UniqueConstraint("shop_id", "source_order_id"),)

    member_id: Mapped[int] = mapped_column(BigId)
    source_order_id: Mapped[int] = mapped_column(BigId)
    source_line_id: Mapped[int] = mapped_column(BigId)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    commission_id: Mapped[int | None] = mapped_column(BigId)


class Chain21Place(TenantMixin, Base):
    """A reseller (代理) of 链动2+1: the boss (老板) whose team they joined, who referred them,
    how many resellers they referred, and whether they became a boss."""

    __tablename__ = "distribution_chain21"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),
                      Index("ix_distribution_chain21_shop_id_boss", "shop_id", "boss_member_id"))

    member_id: Mapped[int] = mapped_column(BigId)
    referrer_member_id: Mapped[int | None] = mapped_column(BigId)
    boss_member_id: Mapped[int | None] = mapped_column(BigId)
    referred: Mapped[int] = mapped_column(default=0)
    is_boss: Mapped[bool] = mapped_column(default=False)
    order_id: Mapped[int] = mapped_column(BigId)
    joined_at: Mapped[datetime]


class DividendTier(TenantMixin, Base):
    """A partner tier (合伙人等级): its share of the pool, how a partner qualifies in a period
    (``team_sales`` ≥ threshold fen, ``direct_partners`` ≥ threshold, or ``manual``), the
    sales it is measured on (``shop`` or the partner's own ``team``) and the split."""

    __tablename__ = "distribution_dividend_tiers"
    __table_args__ = (UniqueConstraint("shop_id", "name"),
                      CheckConstraint("share_rate > 0 and share_rate <= 100", name="share_range"),
                      CheckConstraint("qualification in "
                                      "('team_sales', 'direct_partners', 'manual')",
                                      name="qualification_known"),
                      CheckConstraint("scope in ('shop', 'team')", name="scope_known"),
                      CheckConstraint("split in ('equal', 'weighted')", name="split_known"))

    name: Mapped[str] = mapped_column(String(32))
    share_rate: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    qualification: Mapped[str] = mapped_column(String(16), default="manual")
    threshold: Mapped[int] = mapped_column(BigInteger, default=0)
    scope: Mapped[str] = mapped_column(String(8), default="shop")
    split: Mapped[str] = mapped_column(String(8), default="equal")


class Partner(TenantMixin, Base):
    """A distributor named partner (合伙人) of a tier."""

    __tablename__ = "distribution_partners"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),)

    member_id: Mapped[int] = mapped_column(BigId)
    tier_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("distribution_dividend_tiers.id", ondelete="CASCADE"), index=True)


class DividendRun(TenantMixin, Base):
    """One period's dividend (``2026-11``): eligible sales, the pool (its percentage plus
    what the last run left), what was paid and the remainder that stays in the pool."""

    __tablename__ = "distribution_dividend_runs"
    __table_args__ = (UniqueConstraint("shop_id", "period"),
                      CheckConstraint("paid_fen + remainder_fen = pool_fen", name="pool_adds_up"))

    period: Mapped[str] = mapped_column(String(7))
    sales_fen: Mapped[int] = mapped_column(BigInteger)
    pool_fen: Mapped[int] = mapped_column(BigInteger)
    carried_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    remainder_fen: Mapped[int] = mapped_column(BigInteger)
    ran_at: Mapped[datetime]


class DividendPayout(TenantMixin, Base):
    """A partner's dividend of one run, credited to their available balance."""

    __tablename__ = "distribution_dividend_payouts"
    __table_args__ = (UniqueConstraint("shop_id", "run_id", "member_id"),
                      CheckConstraint("amount_fen > 0", name="amount_positive"))

    run_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("distribution_dividend_runs.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(BigId)
    tier_id: Mapped[int | None] = mapped_column(BigId)
    weight_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
