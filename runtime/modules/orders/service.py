"""Orders after checkout: reading them, and every status change but shipping (payments
reports money through the ``payment_succeeded`` hook, :mod:`.hooks`, which calls
:func:`mark_paid`; fulfilment calls ``state.transition`` itself).

Closing an order (cancel, unpaid timeout) gives its stock and points back in the same
transaction; both are idempotent, so the timer job and the sweeper can race harmlessly.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.catalog import stock
from runtime.modules.loader import hooks
from runtime.modules.orders import effects, locks, state
from runtime.modules.orders.errors import InvalidTransition, order_not_found
from runtime.modules.orders.models import (
    CloseReason,
    Order,
    OrderLine,
    OrderNote,
    OrderStatus,
    OrderTransition,
)
from runtime.modules.orders.settings import get_settings
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments import service as payments

PAGE_SIZE = 20
AUTO_CONFIRM_RECHECK = timedelta(days=1)  # a held auto-confirm (open after-sale) asks again
MAX_PAGE_SIZE = 100


def get_order(session: Session, order_id: Any, member_id: int | None = None) -> Order:
    """An order of the current shop (and of ``member_id`` when given), else 404."""
    order = None
    if isinstance(order_id, int) and not isinstance(order_id, bool):
        query = select(Order).where(Order.id == order_id)
        if member_id is not None:
            query = query.where(Order.member_id == member_id)
        order = session.scalar(query)
    if order is None:
        raise order_not_found(order_id)
    return order


def get_order_by_no(session: Session, order_no: str) -> Order:
    order = session.scalar(select(Order).where(Order.order_no == order_no))
    if order is None:
        raise order_not_found(order_no)
    return order


def lock_order(session: Session, order_id: int) -> Order:
    order = session.scalar(locks.order_for_update(order_id)
                           .execution_options(populate_existing=True))
    if order is None:
        raise order_not_found(order_id)
    return order


def orders_by_ids(session: Session, order_ids: Sequence[int]) -> dict[int, Order]:
    """Orders of the current shop by id, in one query (unknown ids left out)."""
    if not order_ids:
        return {}
    return {o.id: o for o in session.scalars(select(Order).where(Order.id.in_(order_ids)))}


def order_lines(session: Session, order_ids: Sequence[int]) -> dict[int, list[OrderLine]]:
    result: dict[int, list[OrderLine]] = {i: [] for i in order_ids}
    if order_ids:
        for line in session.scalars(select(OrderLine).where(OrderLine.order_id.in_(order_ids))
                                    .order_by(OrderLine.id)):
            result[line.order_id].append(line)
    return result


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    event: str
    actor_type: str
    actor_name: str
    message: str
    from_status: str | None = None
    to_status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "event": self.event, "actor_type": self.actor_type,
                "actor_name": self.actor_name, "message": self.message,
                "from_status": self.from_status, "to_status": self.to_status}


def transition_entry(t: OrderTransition) -> TimelineEntry:
    return TimelineEntry(t.at, t.event, t.actor_type, t.actor_name, t.reason, t.from_status,
                         t.to_status)


def timeline(session: Session, order_id: int) -> list[TimelineEntry]:
    """Transitions and notes of an order, oldest first."""
    entries = [transition_entry(t) for t in session.scalars(
        select(OrderTransition).where(OrderTransition.order_id == order_id)
        .order_by(OrderTransition.id))]
    entries += [TimelineEntry(n.at, n.event, n.actor_type, n.actor_name, n.message)
                for n in session.scalars(select(OrderNote).where(OrderNote.order_id == order_id)
                                         .order_by(OrderNote.id))]
    # (ids break ties of the same instant: without ORDER BY PostgreSQL may return any order)
    # at the same instant a note (e.g. the last parcel) comes before the change it causes
    return sorted(entries, key=lambda e: (e.at, e.to_status is not None))


def add_note(session: Session, order: Order, event: str, actor: Actor, message: str = "",
             data: dict[str, Any] | None = None) -> OrderNote:
    note = OrderNote(order_id=order.id, event=event, actor_type=actor.type.value,
                     actor_id=actor.id, actor_name=actor.name[:80], message=message[:500],
                     data=data or {}, at=utcnow())
    session.add(note)
    return note


# --- listing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilter:
    status: OrderStatus | None = None
    fulfilment: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    keyword: str = ""
    member_id: int | None = None


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    lines: dict[int, list[OrderLine]]
    next_cursor: str | None


def _filtered(flt: OrderFilter) -> Select[tuple[Order]]:
    query = select(Order)
    if flt.member_id is not None:
        query = query.where(Order.member_id == flt.member_id)
    if flt.status is not None:
        query = query.where(Order.status == flt.status.value)
    if flt.fulfilment:
        query = query.where(Order.fulfilment == flt.fulfilment)
    if flt.created_from is not None:
        query = query.where(Order.created_at >= flt.created_from)
    if flt.created_to is not None:
        query = query.where(Order.created_at < flt.created_to)
    keyword = flt.keyword.strip()
    if keyword:
        like = f"%{keyword.replace('%', '').replace('_', '')}%"
        query = query.where(or_(
            Order.order_no.like(like), Order.receiver_name.like(like),
            Order.receiver_phone.like(like),
            exists().where(OrderLine.order_id == Order.id, OrderLine.title.like(like))))
    return query


def encode_cursor(order: Order) -> str:
    return base64.urlsafe_b64encode(json.dumps([order.id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        (value,) = json.loads(base64.urlsafe_b64decode(padded))
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    except (ValueError, TypeError):
        pass
    raise ValidationFailed.single("/cursor", "not a cursor from a previous page", "cursor")


def list_orders(session: Session, flt: OrderFilter, cursor: str | None = None,
                limit: int = PAGE_SIZE) -> OrderPage:
    """Newest first, keyset-paged by id (2 queries: orders, their lines)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed.single("/limit", f"from 1 to {MAX_PAGE_SIZE}")
    query = _filtered(flt)
    before = decode_cursor(cursor)
    if before is not None:
        query = query.where(Order.id < before)
    rows = list(session.scalars(query.order_by(Order.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return OrderPage(rows, order_lines(session, [o.id for o in rows]),
                     encode_cursor(rows[-1]) if more and rows else None)


def all_matching(session: Session, flt: OrderFilter, batch: int = 500) -> Any:
    """Every matching order with its lines, in id order, batch by batch (for exports)."""
    last = 0
    while True:
        rows = list(session.scalars(_filtered(flt).where(Order.id > last)
                                    .order_by(Order.id).limit(batch)))
        if not rows:
            return
        lines = order_lines(session, [o.id for o in rows])
        for order in rows:
            yield order, lines[order.id]
        last = rows[-1].id


def status_counts(session: Session, member_id: int) -> dict[str, int]:
    from sqlalchemy import func

    counts = dict(session.execute(select(Order.status, func.count())
                                  .where(Order.member_id == member_id)
                                  .group_by(Order.status)).all())
    return {s.value: int(counts.get(s.value, 0)) for s in OrderStatus}


# --- status changes ----------------------------------------------------------------------------


def mark_paid(session: Session, order: Order, method: str, actor: Actor, *,
              amount_fen: int, reason: str = "") -> None:
    """The money is in (or COD accepted): stock becomes a sale, the unpaid timer stops, and
    the ``order_marked_paid`` hook gets the fulfilment ready (a pickup code for self-pickup).
    ``order`` must be locked."""
    event = OrderEvent.COD_ACCEPTED if method == "cod" else OrderEvent.PAID
    state.transition(session, order, event, actor, reason)
    order.payment_method = method
    order.paid_fen = amount_fen
    stock.commit(session, order.stock_key)
    payments.close_pending(session, order.id)  # a WeChat prepay of an order paid otherwise
    hooks(session).order_marked_paid(session=session, order=order)
    shop_id = current_shop_id(session)
    assert shop_id is not None
    effects.cancel_unpaid_close(session, shop_id, order.id)
    from runtime.modules.orders.jobs import order_paid_followup

    effects.enqueue_after_commit(session, order_paid_followup, shop_id, order.id,
                                 jid=f"order-paid-{shop_id}-{order.id}")


NOTHING_DUE = "none"  # the payment method of an order with nothing to pay


def mark_paid_nothing_due(session: Session, order: Order) -> None:
    """An order created with nothing to pay (``payable_fen`` 0: e.g. a points-mall exchange
    for points only) is paid at once, without a payment provider: the PAID transition by
    the system with method ``none`` and 0 fen paid, then what every paid order gets
    (stock sold, ``order_marked_paid``, the ``order_paid`` follow-up). ``order`` is the
    new order, locked by its creating transaction."""
    if order.payable_fen != 0:
        raise ValueError(f"order {order.order_no} has {order.payable_fen} fen to pay")
    mark_paid(session, order, NOTHING_DUE, Actor.system("checkout"), amount_fen=0,
              reason="无需支付")


def close_order(session: Session, order_id: int, event: OrderEvent, actor: Actor,
                reason: str = "") -> Order | None:
    """Close an unpaid order: its stock goes back, the ``order_closed`` hook gives back what
    ``order_created`` took (points ...), its payments can no longer be paid. For the unpaid
    timeout, an order that is no longer unpaid (or not yet due) is left alone and None
    returned. The whole close flow (asking WeChat Pay first) is
    :func:`runtime.modules.orders.paying.close_unpaid`."""
    order = lock_order(session, order_id)
    if event == OrderEvent.TIMED_OUT and (
            order.status != OrderStatus.PENDING_PAYMENT or order.pay_deadline_at > utcnow()):
        return None
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise InvalidTransition(f"order {order.order_no} is {order.status}; only an unpaid "
                                "order can be cancelled", extra={"status": order.status})
    state.transition(session, order, event, actor, reason)
    order.close_reason = {
        OrderEvent.TIMED_OUT: CloseReason.UNPAID_TIMEOUT,
        OrderEvent.CANCELLED: (CloseReason.CANCELLED_BY_MEMBER
                               if actor.type.value == "member"
                               else CloseReason.CANCELLED_BY_MERCHANT),
    }[event].value
    stock.release(session, order.stock_key)
    hooks(session).order_closed(session=session, order=order)
    payments.close_pending(session, order.id)
    shop_id = current_shop_id(session)
    assert shop_id is not None
    effects.cancel_unpaid_close(session, shop_id, order.id)
    session.flush()
    return order


def confirm_receipt(session: Session, order_id: int, actor: Actor,
                    event: OrderEvent = OrderEvent.RECEIPT_CONFIRMED) -> Order:
    order = lock_order(session, order_id)
    if actor.type.value == "member" and order.member_id != actor.id:
        raise order_not_found(order_id)
    state.transition(session, order, event, actor)
    settle_cash_on_delivery(session, order)
    session.flush()
    return order


def settle_cash_on_delivery(session: Session, order: Order) -> None:
    """A cash-on-delivery order reached the buyer: the money counts as collected now, and
    the purchase follow-up (member stats, growth, points) runs. ``order`` must be locked."""
    if order.payment_method != "cod" or order.paid_at is not None:
        return
    now = utcnow()
    payments.collect_cash_on_delivery(session, order.id, order.payable_fen, now)
    order.paid_fen = order.payable_fen
    order.paid_at = now
    shop_id = current_shop_id(session)
    assert shop_id is not None
    from runtime.modules.orders.jobs import order_paid_followup

    effects.enqueue_after_commit(session, order_paid_followup, shop_id, order.id,
                                 jid=f"order-paid-{shop_id}-{order.id}-cod")


def set_auto_confirm(session: Session, order: Order) -> None:
    """On shipping: the buyer is taken to have received it N days later."""
    days = get_settings(session).auto_confirm_days
    order.auto_confirm_at = utcnow() + timedelta(days=days)


def auto_confirm_due(session: Session, now: datetime | None = None, limit: int = 200
                     ) -> list[int]:
    """Complete shipped orders whose auto-confirm time has passed; returns their ids. One a
    module holds (``auto_confirm_hold``: an open after-sale request) is asked again a day
    later."""
    now = now or utcnow()
    ids = list(session.scalars(select(Order.id).where(
        Order.status == OrderStatus.SHIPPED, Order.auto_confirm_at <= now)
        .order_by(Order.id).limit(limit)))
    done = []
    for order in session.scalars(locks.orders_for_update(ids)
                                 .execution_options(populate_existing=True)):
        if order.status == OrderStatus.SHIPPED and order.auto_confirm_at \
                and order.auto_confirm_at <= now:
            if hooks(session).auto_confirm_hold(session=session, order=order):
                order.auto_confirm_at = now + AUTO_CONFIRM_RECHECK
                continue
            state.transition(session, order, OrderEvent.AUTO_CONFIRMED,
                             Actor.system("auto-confirm"),
                             f"confirmed automatically {get_settings(session).auto_confirm_days}"
                             " days after shipping")
            settle_cash_on_delivery(session, order)
            done.append(order.id)
    session.flush()
    return done


def set_merchant_remark(session: Session, order_id: Any, remark: Any, actor: Actor) -> Order:
    if not isinstance(remark, str) or len(remark) > 500:
        raise ValidationFailed([FieldError("/remark", "a remark of at most 500 characters")])
    order = get_order(session, order_id)
    order.merchant_remark = remark.strip()
    add_note(session, order, "remark", actor, remark.strip())
    session.flush()
    return order


def unpaid_overdue(session: Session, now: datetime | None = None, limit: int = 500
                   ) -> list[tuple[int, int]]:
    """(shop_id, order_id) of unpaid orders past their deadline, across shops; the caller
    holds platform access (the sweeper)."""
    now = now or utcnow()
    return [(shop_id, order_id) for shop_id, order_id in session.execute(
        select(Order.shop_id, Order.id).where(Order.status == OrderStatus.PENDING_PAYMENT,
                                              Order.pay_deadline_at <= now)
        .order_by(Order.pay_deadline_at, Order.id).limit(limit))]
