"""After-sales tables: requests (one per order line and attempt), their recorded transitions,
and the refund state this module keeps per line and per order (orders' tables are never
written here: orders shows these through the ``order_details`` hook)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class AfterSaleKind(StrEnum):
    REFUND = "refund"  # 仅退款
    RETURN = "return"  # 退货退款 (after shipping)
    EXCHANGE = "exchange"  # 换货 (after shipping)


class AfterSaleStatus(StrEnum):
    APPLY = "apply"  # 待商家处理
    SELLER_AGREE = "seller_agree"  # 待买家退货
    BUYER_DELIVERY = "buyer_delivery"  # 买家已寄回
    WAIT_REFUND = "wait_refund"  # 待退款
    REFUNDING = "refunding"  # 退款中 (sent to WeChat Pay)
    SELLER_RESHIP = "seller_reship"  # 商家已换货发出
    COMPLETE = "complete"  # 售后完成
    BUYER_CANCEL = "buyer_cancel"  # 买家撤销
    SELLER_DISAGREE = "seller_disagree"  # 商家拒绝申请
    SELLER_REFUSE = "seller_refuse"  # 商家拒收退货


CLOSED_STATUSES = frozenset({AfterSaleStatus.COMPLETE, AfterSaleStatus.BUYER_CANCEL,
                             AfterSaleStatus.SELLER_DISAGREE, AfterSaleStatus.SELLER_REFUSE})

STATUS_LABELS = {
    AfterSaleStatus.APPLY: "待商家处理", AfterSaleStatus.SELLER_AGREE: "待买家退货",
    AfterSaleStatus.BUYER_DELIVERY: "买家已寄回", AfterSaleStatus.WAIT_REFUND: "待退款",
    AfterSaleStatus.REFUNDING: "退款中", AfterSaleStatus.SELLER_RESHIP: "商家已发出换货",
    AfterSaleStatus.COMPLETE: "售后完成", AfterSaleStatus.BUYER_CANCEL: "买家已撤销",
    AfterSaleStatus.SELLER_DISAGREE: "商家已拒绝", AfterSaleStatus.SELLER_REFUSE: "商家拒收退货",
}
KIND_LABELS = {AfterSaleKind.REFUND: "仅退款", AfterSaleKind.RETURN: "退货退款",
               AfterSaleKind.EXCHANGE: "换货"}


class RefundStatus(StrEnum):
    """An order's refund state (orders shows it as ``refund_status``)."""

    NONE = "NONE"
    PART = "PART"
    ALL = "ALL"


class Alert(StrEnum):
    NONE = ""
    REFUND_CLOSED = "refund_closed"  # WeChat closed the refund: back to 待退款
    REFUND_ABNORMAL = "refund_abnormal"  # WeChat could not pay it out: the merchant decides
    SEND_FAILED = "send_failed"  # WeChat refused the request
    GOODS_RECEIVED = "goods_received"  # an exchange's goods count as received: reship them


class AfterSale(TenantMixin, Base):
    """One after-sale request of one order line (the buyer's, or the merchant's refund).
    ``no`` is also the WeChat ``out_refund_no`` of its refund (``refund_no`` names the
    attempt: the first is ``no`` itself, a retry after WeChat closed it ``no-2`` ...)."""

    __tablename__ = "aftersales"
    __table_args__ = (
        UniqueConstraint("no"),
        Index("ix_aftersales_shop_id_status_id", "shop_id", "status", "id"),
        Index("ix_aftersales_shop_id_member_id_id", "shop_id", "member_id", "id"),
        Index("ix_aftersales_status_due_at", "status", "due_at"),
        CheckConstraint("amount_fen >= 0 and freight_fen >= 0", name="amounts_nonnegative"),
        CheckConstraint("qty >= 1", name="qty_positive"),
    )

    no: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    line_id: Mapped[int] = mapped_column(BigId, ForeignKey("order_lines.id",
                                                           ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default=AfterSaleStatus.APPLY)
    initiator: Mapped[str] = mapped_column(String(16), default="member")  # or merchant
    qty: Mapped[int]
    amount_fen: Mapped[int]
    freight_fen: Mapped[int] = mapped_column(default=0)
    goods_shipped: Mapped[bool] = mapped_column(default=False)  # had the line left the shop
    reason: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(500), default="")
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    return_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    return_carrier: Mapped[str] = mapped_column(String(40), default="")
    return_tracking_no: Mapped[str] = mapped_column(String(40), default="")
    reship_carrier: Mapped[str] = mapped_column(String(40), default="")
    reship_tracking_no: Mapped[str] = mapped_column(String(40), default="")
    refund_method: Mapped[str] = mapped_column(String(16), default="")
    refund_no: Mapped[str] = mapped_column(String(32), default="")
    refund_attempts: Mapped[int] = mapped_column(default=0)
    alert: Mapped[str] = mapped_column(String(24), default=Alert.NONE)
    due_at: Mapped[datetime | None]  # the current state's timer
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    @property
    def total_fen(self) -> int:
        return self.amount_fen + self.freight_fen

    @property
    def is_open(self) -> bool:
        return AfterSaleStatus(self.status) not in CLOSED_STATUSES


class AfterSaleTransition(TenantMixin, Base):
    """One recorded change of a request: who, when, why."""

    __tablename__ = "aftersale_transitions"

    aftersale_id: Mapped[int] = mapped_column(BigId, ForeignKey("aftersales.id",
                                                                ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(24))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigId)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime]


class AfterSaleLine(TenantMixin, Base):
    """A line's after-sale state: the one open request (the row is locked to open one),
    what was refunded and how many came back."""

    __tablename__ = "aftersale_lines"
    __table_args__ = (UniqueConstraint("shop_id", "line_id"),)

    line_id: Mapped[int] = mapped_column(BigId, ForeignKey("order_lines.id",
                                                           ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    open_aftersale_id: Mapped[int | None] = mapped_column(BigId)
    refunded_fen: Mapped[int] = mapped_column(default=0)
    returned_qty: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="")  # the last request's


class AfterSaleOrder(TenantMixin, Base):
    """An order's refund state: NONE / PART / ALL, what was refunded (freight included)
    and how many requests are open (auto-confirm and shipping wait for them)."""

    __tablename__ = "aftersale_orders"
    __table_args__ = (UniqueConstraint("shop_id", "order_id"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    refund_status: Mapped[str] = mapped_column(String(8), default=RefundStatus.NONE)
    refunded_fen: Mapped[int] = mapped_column(default=0)
    open_count: Mapped[int] = mapped_column(default=0)
