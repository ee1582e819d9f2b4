"""Where the money path calls the members, points and wallet modules' services.

One place, so the order code reads as plain calls and the contracts it uses are easy to
find: level benefits for the pricing pipeline, points spent at checkout and given back when
an order closes, the stored-value balance, and the follow-up of a paid order.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules.orders.models import Order
from runtime.modules.orders.pricing import MemberPricing, PointsOffer


def member_pricing(session: Session, member_id: int) -> MemberPricing:
    from runtime.modules.members.levels import member_benefits

    benefits = member_benefits(session, member_id)
    return MemberPricing(member_id=member_id, level_name=benefits.level_name,
                         discount_percent=benefits.discount_percent,
                         free_shipping=benefits.free_shipping)


def member_openid(session: Session, member_id: int) -> str:
    """The member's WeChat openid (empty for a member who logged in by phone on H5)."""
    from runtime.modules.members.service import get_member

    return get_member(session, member_id).openid or ""


def points_offer(session: Session, member_id: int) -> PointsOffer:
    from runtime.modules.points.service import deduction_offer

    offer = deduction_offer(session, member_id)
    return PointsOffer(balance=offer.balance, points_per_yuan=offer.points_per_yuan,
                       max_percent=offer.max_percent, enabled=offer.enabled)


def spend_points(session: Session, member_id: int, points: int, order: Order) -> None:
    """Take the points the new order deducts (the ledger refuses a short balance)."""
    from runtime.modules.points.service import spend_for_order

    spend_for_order(session, member_id, order.id, points, order.points_deduction_fen)


def return_points(session: Session, order: Order) -> None:
    """The order closed unpaid: its deducted points go back."""
    from runtime.modules.points.service import release_for_order

    release_for_order(session, order.member_id, order.id)


def balance_available(session: Session, member_id: int) -> int:
    """The member's stored value in fen (principal and bonus)."""
    from runtime.modules.wallet.service import balance_of

    return balance_of(session, member_id).balance_fen


def pay_with_balance(session: Session, member_id: int, amount_fen: int, order: Order) -> None:
    """Debit the order's payable from the balance (idempotent by order; 409 when short)."""
    from runtime.modules.wallet.service import pay_for_order

    pay_for_order(session, member_id, order.id, amount_fen)


def refund_to_balance(session: Session, order: Order, refund_id: int, amount_fen: int) -> None:
    from runtime.modules.wallet.service import refund_to_balance as refund

    refund(session, order.member_id, order.id, refund_id, amount_fen)


def record_purchase(session: Session, order: Order) -> None:
    """A paid order: the member's purchase stats (with spend by category for tag rules),
    growth and earned points. Keyed by order in the members module: a retry changes nothing."""
    from runtime.modules.cart.fetch import load_skus
    from runtime.modules.members.purchases import PaidOrder, on_order_paid
    from runtime.modules.orders.service import order_lines

    if order.paid_fen <= 0 or order.paid_at is None:
        return  # cash on delivery: nothing has been paid yet
    lines = order_lines(session, [order.id])[order.id]
    infos = load_skus(session, [line.sku_id for line in lines])
    by_category: dict[int, int] = {}
    for line in lines:
        info = infos.get(line.sku_id)
        category = info.product.category_id if info else None
        if category is not None:
            by_category[category] = by_category.get(category, 0) + line.payable_fen
    on_order_paid(session, PaidOrder(member_id=order.member_id, order_id=order.id,
                                     paid_fen=order.paid_fen, paid_at=order.paid_at,
                                     category_fen=by_category))
