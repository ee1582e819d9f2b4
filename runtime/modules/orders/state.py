"""The order state machine: 待付款 -> 待发货 -> 待收货 -> 已完成, plus 已关闭 (unpaid, or
every line refunded).

Every change goes through :func:`transition`, which checks the move is allowed, stamps the
order's times, records an :class:`OrderTransition` (who, when, why) and, inside the same
transaction, fires the ``order_received`` / ``order_completed`` hooks. Whether an order may
ship is not decided here: modules hold it through the ``fulfilment_hold`` hook.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from runtime.bulk import insert_rows
from runtime.clock import utcnow
from runtime.modules.loader import hooks
from runtime.modules.orders.errors import InvalidTransition
from runtime.modules.orders.models import ActorType, Order, OrderStatus, OrderTransition


class OrderEvent(StrEnum):
    CREATED = "created"
    PAID = "paid"  # money received (WeChat Pay, balance)
    COD_ACCEPTED = "cod_accepted"  # cash on delivery chosen: ship now, collect later
    SHIPPED = "shipped"  # every line shipped (express) or out for delivery (local)
    PICKED_UP = "picked_up"  # pickup code verified at the store
    DELIVERED = "delivered"  # local delivery handed over
    RECEIPT_CONFIRMED = "receipt_confirmed"  # the buyer confirmed
    AUTO_CONFIRMED = "auto_confirmed"  # N days after shipping
    CANCELLED = "cancelled"  # by the buyer or the merchant, before payment
    TIMED_OUT = "timed_out"  # unpaid past the deadline
    REFUNDED = "refunded"  # every line refunded in full (after-sales)


S = OrderStatus
# the events by which the buyer has the goods (the ``order_received`` hook)
RECEIVED = frozenset({OrderEvent.RECEIPT_CONFIRMED, OrderEvent.AUTO_CONFIRMED,
                      OrderEvent.DELIVERED, OrderEvent.PICKED_UP})
ALLOWED: dict[tuple[OrderStatus, OrderEvent], OrderStatus] = {
    (S.PENDING_PAYMENT, OrderEvent.PAID): S.PAID,
    (S.PENDING_PAYMENT, OrderEvent.COD_ACCEPTED): S.PAID,
    (S.PENDING_PAYMENT, OrderEvent.CANCELLED): S.CLOSED,
    (S.PENDING_PAYMENT, OrderEvent.TIMED_OUT): S.CLOSED,
    (S.PAID, OrderEvent.SHIPPED): S.SHIPPED,
    (S.PAID, OrderEvent.PICKED_UP): S.COMPLETED,
    (S.SHIPPED, OrderEvent.DELIVERED): S.COMPLETED,
    (S.SHIPPED, OrderEvent.RECEIPT_CONFIRMED): S.COMPLETED,
    (S.SHIPPED, OrderEvent.AUTO_CONFIRMED): S.COMPLETED,
    (S.PAID, OrderEvent.REFUNDED): S.CLOSED,
    (S.SHIPPED, OrderEvent.REFUNDED): S.CLOSED,
    (S.COMPLETED, OrderEvent.REFUNDED): S.CLOSED,
}


@dataclass(frozen=True)
class Actor:
    """Who caused a change: a member, a console user, the system (jobs) or WeChat."""

    type: ActorType
    id: int | None = None
    name: str = ""

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(ActorType.SYSTEM, None, name)

    @classmethod
    def member(cls, member_id: int) -> Actor:
        return cls(ActorType.MEMBER, member_id, "")

    @classmethod
    def merchant(cls, user_id: int | None, name: str = "") -> Actor:
        return cls(ActorType.MERCHANT, user_id, name)

    @classmethod
    def wechat(cls) -> Actor:
        return cls(ActorType.WECHAT, None, "WeChat Pay")


def can(order: Order, event: OrderEvent) -> bool:
    return (OrderStatus(order.status), event) in ALLOWED


def transition(session: Session, order: Order, event: OrderEvent, actor: Actor,
               reason: str = "") -> OrderTransition:
    """Move ``order`` (locked by the caller) by ``event``; record it."""
    current = OrderStatus(order.status)
    target = ALLOWED.get((current, event))
    if target is None:
        raise InvalidTransition(
            f"order {order.order_no} is {current.value}; '{event.value}' is not allowed",
            extra={"status": current.value, "event": event.value})
    now = utcnow()
    order.status = target
    if target == S.PAID:
        order.paid_at = now if event == OrderEvent.PAID else None
    elif target == S.SHIPPED:
        order.shipped_at = now
    elif target == S.COMPLETED:
        order.completed_at = now
    elif target == S.CLOSED:
        order.closed_at = now
    record = OrderTransition(order_id=order.id, from_status=current.value,
                             to_status=target.value, event=event.value,
                             actor_type=actor.type.value, actor_id=actor.id,
                             actor_name=actor.name[:80], reason=reason[:200], at=now)
    session.add(record)
    if event in RECEIVED:
        hooks(session).order_received(session=session, order=order)
    if target == S.COMPLETED:
        hooks(session).order_completed(session=session, order=order)
    return record


def record_creation(session: Session, order: Order, actor: Actor) -> OrderTransition:
    """The new order's first timeline entry, inserted at once (``insert_rows``)."""
    [record] = insert_rows(session, OrderTransition, [dict(
        order_id=order.id, from_status=None, to_status=OrderStatus.PENDING_PAYMENT.value,
        event=OrderEvent.CREATED.value, actor_type=actor.type.value, actor_id=actor.id,
        actor_name=actor.name[:80], reason="", at=utcnow())], key="order_id")
    return record
