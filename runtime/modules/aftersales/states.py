"""The after-sale state machine. Refund only: APPLY -> WAIT_REFUND -> REFUNDING -> COMPLETE;
return: APPLY -> SELLER_AGREE -> BUYER_DELIVERY -> WAIT_REFUND -> REFUNDING -> COMPLETE;
exchange: as a return up to BUYER_DELIVERY, then SELLER_RESHIP -> COMPLETE. Exits:
BUYER_CANCEL, SELLER_DISAGREE, SELLER_REFUSE. WeChat closing a refund puts it back
REFUNDING -> WAIT_REFUND.

Every change is a compare-and-set on the status (``UPDATE ... WHERE status = <from>``) and
is recorded with who, when and why; callers also hold the order's lock.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from runtime.clock import utcnow
from runtime.modules.aftersales.errors import InvalidTransition
from runtime.modules.aftersales.models import (
    CLOSED_STATUSES,
    AfterSale,
    AfterSaleStatus,
    AfterSaleTransition,
)
from runtime.modules.orders.state import Actor


class Event(StrEnum):
    CREATED = "created"
    AGREED = "agreed"
    DISAGREED = "disagreed"
    CANCELLED = "cancelled"
    SHIPPED_BACK = "shipped_back"
    RECEIVED = "received"
    REFUSED = "refused"
    RESHIPPED = "reshipped"
    REFUND_SENT = "refund_sent"
    REFUND_CLOSED = "refund_closed"
    REFUNDED = "refunded"
    SETTLED_BY_HAND = "settled_by_hand"
    EXCHANGE_RECEIVED = "exchange_received"


S = AfterSaleStatus
ALLOWED: dict[tuple[AfterSaleStatus, Event], frozenset[AfterSaleStatus]] = {
    (S.APPLY, Event.AGREED): frozenset({S.WAIT_REFUND, S.SELLER_AGREE}),
    (S.APPLY, Event.DISAGREED): frozenset({S.SELLER_DISAGREE}),
    (S.APPLY, Event.CANCELLED): frozenset({S.BUYER_CANCEL}),
    (S.SELLER_AGREE, Event.CANCELLED): frozenset({S.BUYER_CANCEL}),
    (S.SELLER_AGREE, Event.SHIPPED_BACK): frozenset({S.BUYER_DELIVERY}),
    (S.BUYER_DELIVERY, Event.RECEIVED): frozenset({S.WAIT_REFUND}),
    (S.BUYER_DELIVERY, Event.REFUSED): frozenset({S.SELLER_REFUSE}),
    (S.BUYER_DELIVERY, Event.RESHIPPED): frozenset({S.SELLER_RESHIP}),
    (S.WAIT_REFUND, Event.REFUND_SENT): frozenset({S.REFUNDING}),
    (S.REFUNDING, Event.REFUND_CLOSED): frozenset({S.WAIT_REFUND}),
    (S.REFUNDING, Event.REFUNDED): frozenset({S.COMPLETE}),
    (S.REFUNDING, Event.SETTLED_BY_HAND): frozenset({S.COMPLETE}),
    (S.SELLER_RESHIP, Event.EXCHANGE_RECEIVED): frozenset({S.COMPLETE}),
}


def can(aftersale: AfterSale, event: Event) -> bool:
    return (AfterSaleStatus(aftersale.status), event) in ALLOWED


def transition(session: Session, aftersale: AfterSale, event: Event, target: AfterSaleStatus,
               actor: Actor, reason: str = "", **values: Any) -> AfterSaleTransition:
    """Move ``aftersale`` by ``event`` to ``target`` if its status is still what was read;
    ``values`` are written in the same UPDATE. 409 ``aftersale_invalid_transition``
    otherwise (a move the machine does not have, or someone else moved it first)."""
    current = AfterSaleStatus(aftersale.status)
    if target not in ALLOWED.get((current, event), frozenset()):
        raise InvalidTransition(
            f"after-sale {aftersale.no} is {current.value}; '{event.value}' is not allowed",
            extra={"status": current.value, "event": event.value})
    now = utcnow()
    if target in CLOSED_STATUSES:
        values.setdefault("closed_at", now)
        values.setdefault("due_at", None)
    if target == S.COMPLETE:
        values.setdefault("completed_at", now)
    changed = session.execute(
        update(AfterSale).where(AfterSale.id == aftersale.id, AfterSale.status == current.value)
        .values(status=target.value, **values).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise InvalidTransition(f"after-sale {aftersale.no} changed meanwhile; reload it",
                                extra={"event": event.value})
    set_committed_value(aftersale, "status", target.value)
    for name, value in values.items():
        set_committed_value(aftersale, name, value)
    return record(session, aftersale, event, actor, reason, current, target)


def stay(session: Session, aftersale: AfterSale, event: Event, actor: Actor, reason: str,
         **values: Any) -> AfterSaleTransition:
    """Record ``event`` without a change of status (an exchange's returned goods counting as
    received: it still waits for the reship), writing ``values`` by compare-and-set on the
    status; 409 ``aftersale_invalid_transition`` when the request moved meanwhile."""
    current = AfterSaleStatus(aftersale.status)
    changed = session.execute(
        update(AfterSale).where(AfterSale.id == aftersale.id, AfterSale.status == current.value)
        .values(**values).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise InvalidTransition(f"after-sale {aftersale.no} changed meanwhile; reload it",
                                extra={"event": event.value})
    for name, value in values.items():
        set_committed_value(aftersale, name, value)
    return record(session, aftersale, event, actor, reason, current, current)


def record(session: Session, aftersale: AfterSale, event: Event, actor: Actor,
           reason: str = "", current: AfterSaleStatus | None = None,
           target: AfterSaleStatus | None = None) -> AfterSaleTransition:
    entry = AfterSaleTransition(
        aftersale_id=aftersale.id, from_status=current.value if current else None,
        to_status=(target or AfterSaleStatus(aftersale.status)).value, event=event.value,
        actor_type=actor.type.value, actor_id=actor.id, actor_name=actor.name[:80],
        reason=reason[:200], at=utcnow())
    session.add(entry)
    return entry
