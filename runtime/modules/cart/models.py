"""Cart tables: one cart per member (or per guest token), its lines."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class Cart(TenantMixin, Base):
    """A member's cart, or a guest's (``guest_token``) until it merges on login."""

    __tablename__ = "carts"
    __table_args__ = (
        Index("uq_carts_shop_id_member_id", "shop_id", "member_id", unique=True),
        Index("uq_carts_shop_id_guest_token", "shop_id", "guest_token", unique=True),
    )

    member_id: Mapped[int | None] = mapped_column(BigId)
    guest_token: Mapped[str | None] = mapped_column(String(64))


class CartLine(TenantMixin, Base):
    """A SKU in a cart; ``added_price_fen`` is the price the shopper saw, so a change shows."""

    __tablename__ = "cart_lines"
    __table_args__ = (UniqueConstraint("cart_id", "sku_id"),)

    cart_id: Mapped[int] = mapped_column(BigId, ForeignKey("carts.id", ondelete="CASCADE"),
                                         index=True)
    sku_id: Mapped[int] = mapped_column(BigId)
    product_id: Mapped[int] = mapped_column(BigId)
    qty: Mapped[int]
    selected: Mapped[bool] = mapped_column(default=True)
    added_price_fen: Mapped[int]
