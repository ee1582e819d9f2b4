"""Stored value (储值): one account per member, its ledger, top-ups and their refunds.

The balance has two parts: ``principal_fen`` (money the member paid in) and ``bonus_fen``
(the gift of a top-up tier, 充 100 送 10). Spending takes from both in proportion, so the
principal left is always what may be refunded; the bonus is never paid out.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class WalletEntryKind(StrEnum):
    TOPUP = "topup"  # principal + bonus credited when a top-up is paid
    PAY = "pay"  # an order paid with balance
    REFUND = "refund"  # an order refund back to balance
    PAYOUT = "payout"  # unused principal refunded to WeChat Pay (bonus forfeited)
    ADJUST = "adjust"  # a merchant's manual change, with a reason in the audit log
    INCOME = "income"  # money the member earned in the shop (a commission withdrawal)


class TopUpStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CLOSED = "closed"


class PayoutStatus(StrEnum):
    PENDING = "pending"  # ledger debited, refund not yet accepted by WeChat Pay
    SUBMITTED = "submitted"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WalletAccount(TenantMixin, Base):
    __tablename__ = "wallet_accounts"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),
                      CheckConstraint("principal_fen >= 0", name="principal_nonnegative"),
                      CheckConstraint("bonus_fen >= 0", name="bonus_nonnegative"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    principal_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    bonus_fen: Mapped[int] = mapped_column(BigInteger, default=0)

    @property
    def balance_fen(self) -> int:
        return self.principal_fen + self.bonus_fen


class WalletEntry(TenantMixin, Base):
    """One change of a balance, split into principal and bonus, once per idempotency key."""

    __tablename__ = "wallet_entries"
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        Index("ix_wallet_entries_shop_id_member_id_id", "shop_id", "member_id", "id"),
        Index("ix_wallet_entries_shop_id_ref", "shop_id", "ref_type", "ref_id"),
    )

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    principal_delta_fen: Mapped[int] = mapped_column(BigInteger)
    bonus_delta_fen: Mapped[int] = mapped_column(BigInteger)
    principal_after_fen: Mapped[int] = mapped_column(BigInteger)
    bonus_after_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(40))
    ref_type: Mapped[str] = mapped_column(String(32), default="")
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    idempotency_key: Mapped[str] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def delta_fen(self) -> int:
        return self.principal_delta_fen + self.bonus_delta_fen


class TopUp(TenantMixin, Base):
    """A top-up paid through WeChat Pay; ``bonus_fen`` is fixed from the tier when created."""

    __tablename__ = "wallet_topups"
    __table_args__ = (UniqueConstraint("out_trade_no"),
                      Index("ix_wallet_topups_shop_id_member_id", "shop_id", "member_id"),
                      CheckConstraint("amount_fen > 0", name="amount_positive"),
                      CheckConstraint("refunded_fen <= amount_fen", name="refund_within_amount"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    out_trade_no: Mapped[str] = mapped_column(String(32))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    bonus_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default=TopUpStatus.PENDING)
    mchid: Mapped[str] = mapped_column(String(32), default="")
    prepay_id: Mapped[str] = mapped_column(String(64), default="")
    prepay_expires_at: Mapped[datetime | None]
    simulated: Mapped[bool] = mapped_column(default=False)
    transaction_id: Mapped[str] = mapped_column(String(64), default="")
    paid_at: Mapped[datetime | None]
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class Payout(TenantMixin, Base):
    """Unused principal going back to the member: one WeChat Pay refund of one top-up."""

    __tablename__ = "wallet_payouts"
    __table_args__ = (UniqueConstraint("out_refund_no"),
                      Index("ix_wallet_payouts_shop_id_status", "shop_id", "status"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    topup_id: Mapped[int] = mapped_column(BigId, ForeignKey("wallet_topups.id",
                                                            ondelete="RESTRICT"))
    entry_id: Mapped[int] = mapped_column(BigId, ForeignKey("wallet_entries.id",
                                                            ondelete="RESTRICT"))
    out_refund_no: Mapped[str] = mapped_column(String(32))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=PayoutStatus.PENDING)
    refund_id: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(String(300), default="")
    finished_at: Mapped[datetime | None]


class Reconciliation(TenantMixin, Base):
    """A run of the balance check: accounts against their ledgers; ``differences`` lists each
    account whose stored balance is not what its ledger adds up to."""

    __tablename__ = "wallet_reconciliations"

    accounts_checked: Mapped[int]
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ok: Mapped[bool]
