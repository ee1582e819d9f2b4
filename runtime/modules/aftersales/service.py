"""After-sale requests: a buyer's request for one order line (refund only, return and
refund, exchange), the merchant's answers, and the merchant's own refunds on the same
machinery. Every write locks the order first (orders' lock order), then this module's
rows; the money moves in :mod:`.refunding`.

Rules: one open request per line; an amount from 1 fen to what the line paid less what was
refunded of it (0 fen, once per line, for an order paid with nothing due: points only);
freight only when the request refunds the whole order before shipping; return and exchange
only for a line that shipped (judged per line from fulfilment's ``shipped_qty``, so a
partly shipped order takes returns on its shipped lines and refunds only on the others),
for no more than what shipped; requests up to ``window_days`` after receipt; a module may
refuse through the ``validate_aftersale`` hook.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.media.refs import check_refs_exist
from runtime.modules.aftersales import effects, ledger, refunding, states
from runtime.modules.aftersales.errors import (
    AfterSaleErrorCode,
    AlreadyOpen,
    OrderNotRefundable,
    WindowClosed,
    aftersale_not_found,
)
from runtime.modules.aftersales.models import (
    AfterSale,
    AfterSaleKind,
    AfterSaleStatus,
    AfterSaleTransition,
    Alert,
)
from runtime.modules.aftersales.settings import AfterSaleSettings, aftersale_settings
from runtime.modules.aftersales.states import Event
from runtime.modules.loader import hooks
from runtime.modules.orders.models import Order, OrderLine, OrderStatus
from runtime.modules.orders.refunds import get_line, is_paid
from runtime.modules.orders.service import get_order, lock_order, order_lines
from runtime.modules.orders.state import Actor

MAX_IMAGES = 9
RECEIVE_DAYS_TEXT = "receive_days after the buyer shipped them back"
PAGE_SIZE = 20
S = AfterSaleStatus


@dataclass(frozen=True)
class RequestFacts:
    """What the ``validate_aftersale`` hook is shown of a request before it is written."""

    kind: str
    amount_fen: int
    qty: int
    initiator: str


def new_no() -> str:
    """An after-sale number, also its WeChat ``out_refund_no`` (6-32 of [0-9A-Za-z_-])."""
    return f"AS{utcnow():%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def get_aftersale(session: Session, aftersale_id: Any, member_id: int | None = None
                  ) -> AfterSale:
    """A request of the current shop (and of ``member_id`` when given), else 404."""
    found = None
    if isinstance(aftersale_id, int) and not isinstance(aftersale_id, bool):
        query = select(AfterSale).where(AfterSale.id == aftersale_id)
        if member_id is not None:
            query = query.where(AfterSale.member_id == member_id)
        found = session.scalar(query)
    if found is None:
        raise aftersale_not_found(aftersale_id)
    return found


def _locked(session: Session, aftersale: AfterSale) -> tuple[Order, AfterSale]:
    """The request's order locked, then the request re-read."""
    order = lock_order(session, aftersale.order_id)
    session.refresh(aftersale)
    return order, aftersale


def history(session: Session, aftersale_id: int) -> list[AfterSaleTransition]:
    return list(session.scalars(select(AfterSaleTransition)
                                .where(AfterSaleTransition.aftersale_id == aftersale_id)
                                .order_by(AfterSaleTransition.id)))


# --- rules ------------------------------------------------------------------------------------


def refundable_fen(order: Order, line: OrderLine, refunded_fen: int) -> int:
    """What is left to refund of ``line``: what it paid less what was refunded (nothing
    for an order whose money has not come in, e.g. cash on delivery not yet collected)."""
    if order.paid_fen <= 0:
        return 0
    return max(line.payable_fen - refunded_fen, 0)


def _check_order(session: Session, order: Order, kind: AfterSaleKind,
                 settings: AfterSaleSettings) -> None:
    if not is_paid(order):
        raise OrderNotRefundable(f"order {order.order_no} is {order.status}: only a paid "
                                 "order has after-sales", extra={"status": order.status})
    if order.status == OrderStatus.COMPLETED and order.completed_at is not None:
        ends = order.completed_at + timedelta(days=settings.window_days)
        if utcnow() > ends:
            raise WindowClosed(f"after-sales for order {order.order_no} ended "
                               f"{settings.window_days} days after receipt",
                               extra={"window_days": settings.window_days,
                                      "ended_at": ends.isoformat()})


def _freight_for(session: Session, order: Order, line: OrderLine, amount_fen: int,
                 refunded: dict[int, int]) -> int:
    """The order's freight, when this request completes a refund of the whole order before
    it shipped (every other line refunded in full or being refunded in full); else 0."""
    if order.status != OrderStatus.PAID or order.shipping_fen <= 0:
        return 0
    if refunded.get(line.id, 0) + amount_fen < line.payable_fen:
        return 0
    for other in order_lines(session, [order.id])[order.id]:
        if other.id == line.id:
            continue
        pending = session.scalar(select(AfterSale.amount_fen).where(
            AfterSale.line_id == other.id,
            AfterSale.status.notin_([s.value for s in (S.BUYER_CANCEL, S.SELLER_DISAGREE,
                                                        S.SELLER_REFUSE, S.COMPLETE)])))
        if refunded.get(other.id, 0) + (pending or 0) < other.payable_fen:
            return 0
    return order.shipping_fen


def _open_request(session: Session, order: Order, line: OrderLine, *, kind: AfterSaleKind,
                  amount_fen: int, qty: int | None, reason: str, description: str,
                  images: list[dict[str, Any]], initiator: str, actor: Actor,
                  settings: AfterSaleSettings, no: str | None = None) -> AfterSale:
    """Check the line's rules with the order and line rows locked, then write the request
    (status APPLY, or WAIT_REFUND for the merchant's own refunds)."""
    if kind != AfterSaleKind.REFUND and line.shipped_qty <= 0:
        raise Conflict(f"line {line.id} has not shipped: returns and exchanges are for goods "
                       "that were shipped; ask for a refund only",
                       code=AfterSaleErrorCode.KIND_NOT_ALLOWED.value,
                       extra={"status": order.status, "shipped_qty": line.shipped_qty})
    state = ledger.line_state(session, order.id, line.id)
    if state.open_aftersale_id is not None:
        raise AlreadyOpen(f"line {line.id} already has an open after-sale request",
                          extra={"aftersale_id": state.open_aftersale_id})
    errors = FieldErrors()
    # goods come back only from what shipped
    held = line.qty if kind == AfterSaleKind.REFUND else min(line.qty, line.shipped_qty)
    left_qty = held - state.returned_qty
    qty = left_qty if qty is None else qty
    errors.check(1 <= qty <= max(left_qty, 0), "/qty", f"from 1 to {left_qty}", "range")
    refundable = refundable_fen(order, line, state.refunded_fen)
    if kind == AfterSaleKind.EXCHANGE:
        errors.check(amount_fen == 0, "/amount_fen", "an exchange refunds nothing: 0",
                     "range")
    elif refunding.nothing_due(order):
        if line.id in refunding.zero_refunded_lines(session, order.id):
            raise Conflict(f"line {line.id} was refunded already",
                           code=AfterSaleErrorCode.NOTHING_TO_REFUND.value)
        errors.check(amount_fen == 0, "/amount_fen", "nothing was paid (points only): 0 fen; "
                     "the points come back", "range")
    elif refundable <= 0:
        raise Conflict(f"nothing is left to refund of line {line.id}",
                       code=AfterSaleErrorCode.NOTHING_TO_REFUND.value)
    else:
        errors.check(1 <= amount_fen <= refundable, "/amount_fen",
                     f"from 1 to {refundable} fen (what is left to refund of the line)",
                     "refundable")
    errors.raise_if_any()
    hooks(session).validate_aftersale(session=session, order=order, line=line,
                                      request=RequestFacts(kind.value, amount_fen, qty,
                                                           initiator))
    refunded = {line_id: row.refunded_fen
                for line_id, row in ledger.line_states(session, [order.id]).items()}
    freight = 0 if kind != AfterSaleKind.REFUND else _freight_for(
        session, order, line, amount_fen, refunded)
    aftersale = AfterSale(
        no=no or new_no(), order_id=order.id, line_id=line.id, member_id=order.member_id,
        kind=kind.value, status=S.APPLY.value, initiator=initiator, qty=qty,
        amount_fen=amount_fen, freight_fen=freight,
        goods_shipped=line.shipped_qty > 0, reason=reason[:80],
        description=description[:500], images=images,
        return_address=settings.return_to() if kind != AfterSaleKind.REFUND else None)
    session.add(aftersale)
    session.flush()
    states.record(session, aftersale, Event.CREATED, actor, reason)
    ledger.opened(session, aftersale)
    return aftersale


# --- the buyer --------------------------------------------------------------------------------


def _read_images(session: Session, value: Any, errors: FieldErrors) -> list[dict[str, Any]]:
    """Up to 9 photos the buyer uploaded (``{"media_id": n}``, checked by the media
    library: an upload that is not an image never became one)."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_IMAGES:
        errors.add("/images", f"a list of at most {MAX_IMAGES} photos", "type")
        return []
    images = []
    for i, ref in enumerate(value):
        if not isinstance(ref, dict) or set(ref) != {"media_id"} \
                or isinstance(ref["media_id"], bool) or not isinstance(ref["media_id"], int):
            errors.add(f"/images/{i}", 'a photo uploaded first: {"media_id": <id>}', "type")
        else:
            images.append({"media_id": ref["media_id"]})
    if images and len(images) == len(value):
        with errors.collecting():
            check_refs_exist(session, images, "/images")
    return images


def _auto_approvable(order: Order, line: OrderLine, amount_fen: int,
                     settings: AfterSaleSettings) -> bool:
    """Whether a buyer's refund-only request is approved when the merchant leaves it: up to
    ``auto_approve_max_fen``; never for shipped goods of an order paid with nothing due (a
    points-only exchange refunds 0 fen, so no cap in fen measures what it gives back)."""
    if refunding.nothing_due(order) and line.shipped_qty > 0:
        return False
    return amount_fen <= settings.auto_approve_max_fen


def create_request(session: Session, member_id: int, body: dict[str, Any]) -> AfterSale:
    """A buyer's request for one line of their order (201); see the module's rules."""
    errors = FieldErrors()
    errors.unknown(body, ("order_id", "line_id", "kind", "amount_fen", "qty", "reason",
                          "description", "images"))
    order_id = errors.integer(body, "order_id", 1, 2**63 - 1)
    line_id = errors.integer(body, "line_id", 1, 2**63 - 1)
    kind_value = body.get("kind")
    kind = AfterSaleKind(kind_value) if kind_value in set(AfterSaleKind) else None
    errors.check(kind is not None, "/kind", "refund, return or exchange", "enum")
    amount = errors.integer(body, "amount_fen", 0, 10**10)
    qty = errors.integer(body, "qty", 1, 10**6, required=False)
    reason = errors.text(body, "reason", 80)
    description = errors.text(body, "description", 500, required=False) or ""
    images = _read_images(session, body.get("images"), errors)
    errors.raise_if_any()
    assert order_id and line_id and kind and amount is not None and reason
    order = get_order(session, order_id, member_id=member_id)
    order = lock_order(session, order.id)
    line = get_line(session, order.id, line_id)
    if line is None:
        raise ValidationFailed([FieldError("/line_id", "no such line in this order",
                                           AfterSaleErrorCode.LINE_NOT_FOUND.value)])
    settings = aftersale_settings(session)
    _check_order(session, order, kind, settings)
    aftersale = _open_request(session, order, line, kind=kind, amount_fen=amount, qty=qty,
                              reason=reason, description=description, images=images,
                              initiator="member", actor=Actor.member(member_id),
                              settings=settings)
    if kind == AfterSaleKind.REFUND and _auto_approvable(order, line, amount, settings):
        aftersale.due_at = utcnow() + timedelta(hours=settings.auto_approve_hours)
        effects.schedule_timer(session, aftersale)
    session.flush()
    return aftersale


def cancel(session: Session, aftersale_id: Any, member_id: int, reason: str = "") -> AfterSale:
    """The buyer withdraws a request not yet agreed to, or agreed but not shipped back."""
    _order, aftersale = _locked(session, get_aftersale(session, aftersale_id, member_id))
    states.transition(session, aftersale, Event.CANCELLED, S.BUYER_CANCEL,
                      Actor.member(member_id), reason or "买家撤销申请")
    ledger.closed(session, aftersale)
    session.flush()
    return aftersale


def ship_back(session: Session, aftersale_id: Any, member_id: int, body: dict[str, Any]
              ) -> AfterSale:
    """The buyer sent the goods back (carrier and tracking number); the shop has
    ``receive_days`` to receive them before they count as received (a return's refund is
    then sent; an exchange waits for the merchant's reship, the goods no longer refusable)."""
    errors = FieldErrors()
    errors.unknown(body, ("carrier", "tracking_no"))
    carrier = errors.text(body, "carrier", 40)
    tracking = errors.text(body, "tracking_no", 40)
    errors.raise_if_any()
    _order, aftersale = _locked(session, get_aftersale(session, aftersale_id, member_id))
    settings = aftersale_settings(session)
    states.transition(session, aftersale, Event.SHIPPED_BACK, S.BUYER_DELIVERY,
                      Actor.member(member_id), f"{carrier} {tracking}",
                      return_carrier=carrier, return_tracking_no=tracking,
                      due_at=utcnow() + timedelta(days=settings.receive_days))
    ledger.moved(session, aftersale)
    effects.schedule_timer(session, aftersale)
    session.flush()
    return aftersale


def list_for_member(session: Session, member_id: int, before: int | None = None,
                    limit: int = PAGE_SIZE) -> list[AfterSale]:
    query = select(AfterSale).where(AfterSale.member_id == member_id)
    if before is not None:
        query = query.where(AfterSale.id < before)
    return list(session.scalars(query.order_by(AfterSale.id.desc()).limit(limit)))


# --- the merchant -----------------------------------------------------------------------------


def agree(session: Session, aftersale_id: Any, actor: Actor, reason: str = "") -> AfterSale:
    """Agree to a request: a refund is sent at once; a return or exchange waits for the
    goods (the buyer has ``return_ship_days`` to send them)."""
    order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    if aftersale.kind == AfterSaleKind.REFUND:
        states.transition(session, aftersale, Event.AGREED, S.WAIT_REFUND, actor,
                          reason or "同意退款", due_at=None)
        refunding.start(session, order, aftersale, actor)
    else:
        days = aftersale_settings(session).return_ship_days
        states.transition(session, aftersale, Event.AGREED, S.SELLER_AGREE, actor,
                          reason or "同意退货", due_at=utcnow() + timedelta(days=days))
        ledger.moved(session, aftersale)
        effects.schedule_timer(session, aftersale)
    session.flush()
    return aftersale


def _required_reason(reason: Any) -> str:
    if not isinstance(reason, str) or not reason.strip() or len(reason.strip()) > 200:
        raise ValidationFailed.single("/reason", "a reason of 1-200 characters", "required")
    return reason.strip()


def disagree(session: Session, aftersale_id: Any, actor: Actor, reason: Any) -> AfterSale:
    """Refuse the request (with a reason the buyer sees)."""
    text = _required_reason(reason)
    _order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    states.transition(session, aftersale, Event.DISAGREED, S.SELLER_DISAGREE, actor, text)
    ledger.closed(session, aftersale)
    session.flush()
    return aftersale


def refuse_goods(session: Session, aftersale_id: Any, actor: Actor, reason: Any) -> AfterSale:
    """Refuse the goods sent back (damaged, not the item ...), with a reason."""
    text = _required_reason(reason)
    _order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    if aftersale.alert == Alert.GOODS_RECEIVED:
        raise states.InvalidTransition(
            f"the goods of after-sale {aftersale.no} count as received ({RECEIVE_DAYS_TEXT}): "
            "ship the replacement", extra={"status": aftersale.status})
    states.transition(session, aftersale, Event.REFUSED, S.SELLER_REFUSE, actor, text)
    ledger.closed(session, aftersale)
    session.flush()
    return aftersale


def receive(session: Session, aftersale_id: Any, actor: Actor, reason: str = "") -> AfterSale:
    """The returned goods arrived (or count as arrived): the refund is sent."""
    order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    if aftersale.kind != AfterSaleKind.RETURN:
        raise states.InvalidTransition("an exchange is received by shipping the replacement",
                                       extra={"status": aftersale.status})
    states.transition(session, aftersale, Event.RECEIVED, S.WAIT_REFUND, actor,
                      reason or "商家已收到退货", due_at=None)
    refunding.start(session, order, aftersale, actor)
    session.flush()
    return aftersale


def reship(session: Session, aftersale_id: Any, actor: Actor, body: dict[str, Any]
           ) -> AfterSale:
    """An exchange: the goods came back and the replacement is shipped (carrier, tracking
    number); the returned item goes back to stock, the replacement leaves it."""
    errors = FieldErrors()
    carrier = errors.text(body, "carrier", 40)
    tracking = errors.text(body, "tracking_no", 40)
    errors.raise_if_any()
    order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    if aftersale.kind != AfterSaleKind.EXCHANGE:
        raise states.InvalidTransition("only an exchange is reshipped",
                                       extra={"status": aftersale.status})
    days = aftersale_settings(session).receive_days
    line = get_line(session, order.id, aftersale.line_id)
    assert line is not None
    states.transition(session, aftersale, Event.RESHIPPED, S.SELLER_RESHIP, actor,
                      f"{carrier} {tracking}", reship_carrier=carrier,
                      reship_tracking_no=tracking, due_at=utcnow() + timedelta(days=days),
                      alert=Alert.NONE.value)
    from runtime.modules.orders.refunds import exchange_stock

    exchange_stock(session, line, aftersale.qty, f"aftersale-{aftersale.id}")
    ledger.moved(session, aftersale)
    effects.schedule_timer(session, aftersale)
    session.flush()
    return aftersale


def retry_refund(session: Session, aftersale_id: Any, actor: Actor) -> AfterSale:
    """Send the refund again after WeChat Pay closed it (a new attempt number)."""
    order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    refunding.start(session, order, aftersale, actor)
    session.flush()
    return aftersale


def settle_by_hand(session: Session, aftersale_id: Any, actor: Actor, reason: Any) -> AfterSale:
    """A refund WeChat Pay reported ABNORMAL (the buyer's card closed ...) was paid out
    another way: the merchant records it and the line counts as refunded."""
    text = _required_reason(reason)
    order, aftersale = _locked(session, get_aftersale(session, aftersale_id))
    if aftersale.status != S.REFUNDING or aftersale.alert != "refund_abnormal":
        raise states.InvalidTransition("only a refund WeChat Pay reported abnormal is "
                                       "settled by hand", extra={"status": aftersale.status})
    refunding.complete(session, order, aftersale, Event.SETTLED_BY_HAND, actor, text)
    session.flush()
    return aftersale


def merchant_refund(session: Session, order_id: Any, items: Any, reason: Any, actor: Actor
                    ) -> list[AfterSale]:
    """The merchant refunds chosen lines (``[{"line_id", "amount_fen"}]``; the amount
    defaults to what is left of the line) of a paid order in any state, with a reason: one
    request per line, agreed at once and refunded (WeChat Pay refunds a minute apart)."""
    text = _required_reason(reason)
    errors = FieldErrors()
    if not isinstance(items, list) or not items:
        raise ValidationFailed.single("/items", "choose at least one line", "required")
    wanted: list[tuple[int, int | None]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.add(f"/items/{i}", "an object with line_id and amount_fen", "type")
            continue
        line_id = errors.integer(item, "line_id", 1, 2**63 - 1, at=f"/items/{i}")
        amount = errors.integer(item, "amount_fen", 0, 10**10, required=False,
                                at=f"/items/{i}")
        if line_id is not None:
            wanted.append((line_id, amount))
    errors.raise_if_any()
    order = get_order(session, order_id)
    order = lock_order(session, order.id)
    settings = aftersale_settings(session)
    if not is_paid(order):
        raise OrderNotRefundable(f"order {order.order_no} is {order.status}: only a paid "
                                 "order is refunded", extra={"status": order.status})
    made = []
    for i, (line_id, amount) in enumerate(wanted):
        line = get_line(session, order.id, line_id)
        if line is None:
            raise ValidationFailed.single(f"/items/{i}/line_id", "no such line in this order",
                                          AfterSaleErrorCode.LINE_NOT_FOUND.value)
        state = ledger.line_state(session, order.id, line.id)
        if amount is None:
            amount = refundable_fen(order, line, state.refunded_fen)
        try:
            aftersale = _open_request(session, order, line, kind=AfterSaleKind.REFUND,
                                      amount_fen=amount, qty=None, reason=text,
                                      description="", images=[], initiator="merchant",
                                      actor=actor, settings=settings)
        except ValidationFailed as exc:
            raise ValidationFailed([FieldError(f"/items/{i}{e.pointer}", e.message, e.code)
                                    for e in exc.errors]) from None
        states.transition(session, aftersale, Event.AGREED, S.WAIT_REFUND, actor, text)
        made.append(aftersale)
    for aftersale in made:
        refunding.start(session, order, aftersale, actor)
    session.flush()
    return made


def refund_whole_order(session: Session, order_id: int, reason: str, actor: Actor, *,
                       no: str, initiator: str) -> list[AfterSale]:
    """A module's refund of everything left of a paid order (group buy: a failed group, a
    member leaving), agreed at once, under stable numbers: ``no`` for the first line,
    ``<no>L<n>`` for the n-th after it, so WeChat refunds once however often it is asked.
    Asking again returns the requests already made (idempotent by ``no``)."""
    order = lock_order(session, order_id)
    lines = order_lines(session, [order.id])[order.id]
    numbers = [no if i == 0 else f"{no}L{i}" for i in range(len(lines))]
    made = list(session.scalars(select(AfterSale).where(AfterSale.no.in_(numbers))
                                .order_by(AfterSale.id)))
    if made:
        return made
    if not is_paid(order):
        raise OrderNotRefundable(f"order {order.order_no} is {order.status}: only a paid "
                                 "order is refunded", extra={"status": order.status})
    settings = aftersale_settings(session)
    for line, line_no in zip(lines, numbers, strict=True):
        state = ledger.line_state(session, order.id, line.id)
        amount = refundable_fen(order, line, state.refunded_fen)
        zero = refunding.nothing_due(order) \
            and line.id not in refunding.zero_refunded_lines(session, order.id)
        if (amount <= 0 and not zero) or state.open_aftersale_id is not None:
            continue
        aftersale = _open_request(session, order, line, kind=AfterSaleKind.REFUND,
                                  amount_fen=amount, qty=None, reason=reason[:80],
                                  description="", images=[], initiator=initiator,
                                  actor=actor, settings=settings, no=line_no)
        states.transition(session, aftersale, Event.AGREED, S.WAIT_REFUND, actor, reason)
        made.append(aftersale)
    for aftersale in made:
        refunding.start(session, order, aftersale, actor)
    session.flush()
    return made


def list_for_shop(session: Session, status: str | None = None, before: int | None = None,
                  limit: int = PAGE_SIZE) -> list[AfterSale]:
    query = select(AfterSale)
    if status == "open":
        query = query.where(AfterSale.status.notin_(
            [s.value for s in (S.COMPLETE, S.BUYER_CANCEL, S.SELLER_DISAGREE,
                               S.SELLER_REFUSE)]))
    elif status:
        query = query.where(AfterSale.status == status)
    if before is not None:
        query = query.where(AfterSale.id < before)
    return list(session.scalars(query.order_by(AfterSale.id.desc()).limit(limit)))


def lines_of(session: Session, aftersales: Sequence[AfterSale]) -> dict[int, OrderLine]:
    """The order lines the requests are about, by line id (one query per order batch)."""
    lines = order_lines(session, sorted({a.order_id for a in aftersales}))
    return {line.id: line for rows in lines.values() for line in rows}


def pending_count(session: Session) -> int:
    """Requests waiting for the merchant (the overview's 待处理售后): to answer, goods to
    receive, a refund to send again, or an alert."""
    from sqlalchemy import func, or_

    return session.scalar(select(func.count(AfterSale.id)).where(or_(
        AfterSale.status.in_([S.APPLY.value, S.BUYER_DELIVERY.value, S.WAIT_REFUND.value]),
        (AfterSale.status == S.REFUNDING.value) & (AfterSale.alert != "")))) or 0
