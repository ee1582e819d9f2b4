"""Distribution (分销) tables: distributor levels, distributors (with their commission
balances), applications, referral bindings, the uplines an order snapshots at creation,
per-product rates, commissions, the ledger every balance change writes, and withdrawals."""

from __future__ import annotations

from datetime import datetime
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

Rate = Numeric(7, 2)  # a percentage with two decimals: 10.00 = 10 %


class DistributorStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"  # earns, may not withdraw
    DISABLED = "disabled"  # earns nothing new, may not withdraw, cannot be bound to


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CommissionStatus(StrEnum):
    PENDING = "pending"  # 预估: paid, not yet past received_at + after_sale_days
    SETTLED = "settled"  # 已结算: in the available balance
    CANCELLED = "cancelled"  # the line was refunded in full


class LedgerKind(StrEnum):
    ACCRUE = "accrue"  # a commission recorded at payment (pending)
    RECOMPUTE = "recompute"  # a partial refund before settlement changed it (pending)
    CANCEL = "cancel"  # a full refund before settlement (pending)
    SETTLE = "settle"  # pending -> available
    ADJUST = "adjust"  # a refund after settlement: negative, netted against later earnings
    WITHDRAW = "withdraw"  # available -> frozen at apply
    RELEASE = "release"  # frozen -> available on reject or failure
    PAY_OUT = "pay_out"  # frozen -> withdrawn when paid


class WithdrawalStatus(StrEnum):
    AUDITING = "auditing"
    REJECTED = "rejected"
    APPROVED = "approved"
    PAID = "paid"
    FAILED = "failed"


class WithdrawalMethod(StrEnum):
    WALLET = "wallet"
    BANK = "bank"
    WECHAT = "wechat"  # WeChat change (零钱) by merchant transfer (商家转账)


class DistributorLevel(TenantMixin, Base):
    """A distributor level (分销等级) with its own two rates and its upgrade rules: a
    distributor reaches it when every rule set above 0 is met — settled sales to referred
    buyers (``upgrade_sales_fen``), direct referrals, team size (two levels) or settled
    commission (``upgrade_commission_fen``)."""

    __tablename__ = "distribution_levels"
    __table_args__ = (UniqueConstraint("shop_id", "rank"),
                      CheckConstraint("level1_rate >= 0 and level1_rate <= 100 and "
                                      "level2_rate >= 0 and level2_rate <= 100",
                                      name="rates_range"))

    name: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int]
    level1_rate: Mapped[Decimal] = mapped_column(Rate)
    level2_rate: Mapped[Decimal] = mapped_column(Rate)
    upgrade_sales_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    upgrade_direct: Mapped[int] = mapped_column(default=0)
    upgrade_team: Mapped[int] = mapped_column(default=0)
    upgrade_commission_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Distributor(TenantMixin, Base):
    """A member who distributes, with the balances the ledger keeps in step:
    ``pending_fen`` (预估), ``available_fen`` (可提现; negative after an adjustment),
    ``frozen_fen`` (withdrawals in progress) and ``withdrawn_fen``."""

    __tablename__ = "distributors"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"), UniqueConstraint("shop_id", "code"),
                      CheckConstraint("pending_fen >= 0 and frozen_fen >= 0 and withdrawn_fen >= 0",
                                      name="balances_nonnegative"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=DistributorStatus.ACTIVE)
    level_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("distribution_levels.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16), default="everyone")
    pending_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    available_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    withdrawn_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Application(TenantMixin, Base):
    """An application to distribute (指定分销), with the answers to the shop's form."""

    __tablename__ = "distribution_applications"
    __table_args__ = (Index("ix_distribution_applications_shop_id_status", "shop_id", "status"),)

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ApplicationStatus.PENDING)
    reason: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None]


class Binding(TenantMixin, Base):
    """A member's referrer (上级): the distributor's member id, when it was bound, until when
    nobody may take it over (保护期) and when it lapses (expiring mode)."""

    __tablename__ = "distribution_bindings"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),
                      Index("ix_distribution_bindings_shop_id_referrer", "shop_id",
                            "referrer_member_id"),
                      CheckConstraint("member_id <> referrer_member_id", name="not_self"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    referrer_member_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16), default="link")
    bound_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class OrderUplines(TenantMixin, Base):
    """The buyer's two referrers when the order was created: rebinding later moves nothing."""

    __tablename__ = "distribution_order_uplines"
    __table_args__ = (UniqueConstraint("shop_id", "order_id"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    buyer_member_id: Mapped[int] = mapped_column(BigId)
    referrer1_member_id: Mapped[int | None] = mapped_column(BigId)
    referrer2_member_id: Mapped[int | None] = mapped_column(BigId)
    activity_kind: Mapped[str | None] = mapped_column(String(24))


class ProductRate(TenantMixin, Base):
    """A product's (or one SKU's) own commission: ``percent`` of the base, or ``fixed`` fen
    per unit, per level. A SKU's row wins over its product's."""

    __tablename__ = "distribution_product_rates"
    __table_args__ = (UniqueConstraint("shop_id", "product_id", "sku_id"),
                      CheckConstraint("mode in ('percent', 'fixed')", name="mode_known"),
                      CheckConstraint("level1_value >= 0 and level2_value >= 0",
                                      name="values_nonnegative"))

    product_id: Mapped[int] = mapped_column(BigId)
    sku_id: Mapped[int | None] = mapped_column(BigId)
    mode: Mapped[str] = mapped_column(String(8))
    level1_value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    level2_value: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class Commission(TenantMixin, Base):
    """One reward of one order line to one beneficiary, written only by
    :func:`runtime.modules.distribution.commissions.record`; ``level`` is 1 or 2 (the
    database refuses anything else)."""

    __tablename__ = "distribution_commissions"
    __table_args__ = (
        UniqueConstraint("shop_id", "line_id", "rule", "level"),
        CheckConstraint("level in (1, 2)", name="two_levels"),
        CheckConstraint("amount_fen >= 0 and base_fen >= 0", name="amounts_nonnegative"),
        Index("ix_distribution_commissions_shop_id_beneficiary", "shop_id",
              "beneficiary_member_id", "id"),
        Index("ix_distribution_commissions_status_due_at", "status", "due_at"),
        Index("ix_distribution_commissions_shop_id_order_id", "shop_id", "order_id"),
    )

    order_id: Mapped[int] = mapped_column(BigId)
    line_id: Mapped[int] = mapped_column(BigId)
    order_no: Mapped[str] = mapped_column(String(32), default="")
    buyer_member_id: Mapped[int] = mapped_column(BigId)
    beneficiary_member_id: Mapped[int] = mapped_column(BigId)
    rule: Mapped[str] = mapped_column(String(16), default="distribution")
    level: Mapped[int]
    rate_text: Mapped[str] = mapped_column(String(32), default="")
    line_paid_fen: Mapped[int] = mapped_column(BigInteger)
    qty: Mapped[int] = mapped_column(default=1)
    base_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    settled_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=CommissionStatus.PENDING)
    due_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None]


class LedgerEntry(TenantMixin, Base):
    """One movement of a distributor's balances, keyed once (``key``): the delta of each
    bucket. The reconciliation job sums these against the distributor's row."""

    __tablename__ = "distribution_ledger"
    __table_args__ = (UniqueConstraint("shop_id", "key"),
                      Index("ix_distribution_ledger_shop_id_member_id", "shop_id", "member_id",
                            "id"),
                      Index("ix_distribution_ledger_shop_id_commission_id", "shop_id",
                            "commission_id"))

    member_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(120))
    commission_id: Mapped[int | None] = mapped_column(BigId)
    withdrawal_id: Mapped[int | None] = mapped_column(BigId)
    pending_delta_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    available_delta_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    frozen_delta_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    withdrawn_delta_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    at: Mapped[datetime]


class Withdrawal(TenantMixin, Base):
    """A withdrawal (提现): frozen at apply, AUDITING -> REJECTED, or APPROVED -> PAID |
    FAILED; the wallet kind is paid at once. ``no`` is the idempotency key (and, to WeChat
change, the transfer bill's ``out_bill_no``)."""

    __tablename__ = "distribution_withdrawals"
    __table_args__ = (UniqueConstraint("no"),
                      Index("ix_distribution_withdrawals_shop_id_status", "shop_id", "status"),
                      Index("ix_distribution_withdrawals_shop_id_member_id", "shop_id",
                            "member_id", "id"),
                      CheckConstraint("amount_fen > 0 and fee_fen >= 0 and fee_fen <= amount_fen",
                                      name="amounts_valid"))

    no: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int] = mapped_column(BigId)
    method: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=WithdrawalStatus.AUDITING)
    account: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(200), default="")
    transfer_bill_no: Mapped[str] = mapped_column(String(64), default="")
    transfer_state: Mapped[str] = mapped_column(String(24), default="")
    applied_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]

    @property
    def net_fen(self) -> int:
        return self.amount_fen - self.fee_fen


# The opt-in rule sets' tables belong to this module's metadata too.
from runtime.modules.distribution.rulesets import models as _rulesets  # noqa: E402,F401
