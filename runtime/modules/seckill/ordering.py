"""The seckill order path: the order token, the gate (``POST .../seckill/orders`` answers
202 with a ticket), the order job that creates the order through the normal order path,
and the release of units exactly once.

1. ``GET .../seckill/activities/<id>/token`` — issued only while a window runs (server
   time): the member it names and an HMAC of (shop, activity, member, window end), checked
   later without SQL.
2. ``POST .../seckill/orders`` — the token, then :func:`runtime.modules.seckill.gate.admit`
   (one Redis call that also checks the member token's cached grant; a refusal reads no
   table), then a job on the ``critical`` queue whose id is the ticket (one more call).
3. The job (:func:`create_order`) quotes and submits the order through orders' checkout with
   ``activity: {kind: "seckill"}``; the ``order_created`` hook takes the activity stock with
   ``UPDATE ... SET stock = stock - n WHERE id = ? AND stock >= n`` beside the catalog's
   reservation. Whatever refuses (stock, limit, address ...), the transaction rolls back and
   the ticket fails, giving its units back to the gate.
4. :func:`release` returns units to the database and, after commit, to the gate: a partial
   refund's units once per refund (``line_refunded``), then the rest once when the order
   closes unpaid or is refunded in full (``stock_released``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import MallkitError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.jobs import CRITICAL, enqueue, fetch_job, job_died
from runtime.modules.members.tokens import GrantCheck, grant_check
from runtime.modules.seckill import gate
from runtime.modules.seckill.errors import SeckillErrorCode, SeckillRefused
from runtime.modules.seckill.locks import claim_for_update
from runtime.modules.seckill.models import SeckillOrder, SeckillRelease, SeckillSku
from runtime.modules.seckill.service import get_activity, refuse_unless_running, zone
from runtime.modules.seckill.settings import seckill_settings
from runtime.modules.seckill.warming import warm_activity

log = logging.getLogger(__name__)

ADMISSION = "seckill_admission"
WINDOW_REFUSALS = (SeckillErrorCode.NOT_STARTED, SeckillErrorCode.ENDED)
ORDER_OPTIONS = ("fulfilment", "address_id", "pickup_point_id", "remark")


# --- the order token ---------------------------------------------------------------------


def sign(secret: str, shop_id: int, activity_id: int, member_id: int, until: int) -> str:
    """The token's signature: (shop, activity, member, window end) under the app's secret."""
    message = f"seckill:{shop_id}:{activity_id}:{member_id}:{until}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def issue_token(session: Session, secret: str, shop_id: int, activity_id: Any, member_id: int,
                now: datetime | None = None) -> dict[str, Any]:
    """The order token of a running window, ``<member>.<window end>.<signature>`` (409
    ``seckill_not_started`` with ``starts_at`` before the slot opens, ``seckill_ended``
    after)."""
    view = get_activity(session, activity_id)
    window = refuse_unless_running(view.timing(zone(session), now))
    until = int(window.ends_at.timestamp())
    signature = sign(secret, shop_id, view.activity.id, member_id, until)
    return {"token": f"{member_id}.{until}.{signature}",
            "expires_at": window.ends_at.isoformat(), "activity_id": view.activity.id}


def _token_parts(token: Any) -> tuple[int, int, str] | None:
    parts = token.split(".") if isinstance(token, str) and len(token) <= 100 else []
    if len(parts) != 3 or not (parts[0].isdecimal() and parts[1].isdecimal()):
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def token_member(secret: str, shop_id: int, activity_id: int, token: Any,
                 now: datetime) -> int | None:
    """The member a genuine token of this activity's window running at ``now`` names, or
    None (no SQL, no Redis)."""
    parts = _token_parts(token)
    if parts is None or parts[1] <= now.timestamp():
        return None
    member_id, until, signature = parts
    if not hmac.compare_digest(signature, sign(secret, shop_id, activity_id, member_id, until)):
        return None
    return member_id


def check_token(secret: str, shop_id: int, activity_id: int, member_id: int, token: Any,
                now: datetime | None = None) -> None:
    """A token issued to this member for this activity's running window (no SQL)."""
    parts = _token_parts(token)
    if parts is None or parts[0] != member_id or not hmac.compare_digest(
            parts[2], sign(secret, shop_id, activity_id, member_id, parts[1])):
        raise SeckillRefused("get an order token for this activity first",
                             code=SeckillErrorCode.TOKEN_INVALID)
    if parts[1] <= (now or utcnow()).timestamp():
        raise SeckillRefused("this seckill slot has ended", code=SeckillErrorCode.ENDED)


# --- placing an order: the gate and the ticket -------------------------------------------


class Caller(Protocol):
    """Who sends an attempt (the request's member, for the API): the member token sent, the
    member's id the usual way (a token look-up; 401 without a live token) when the gate
    cannot vouch for them, and a word once the gate did."""

    token: str

    def authenticate(self) -> int: ...

    def vouched(self, member_id: int) -> None: ...


def parse_order_request(body: Mapping[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    errors.unknown(body, ("activity_id", "sku_id", "qty", "token", *ORDER_OPTIONS))
    values = {"activity_id": errors.integer(body, "activity_id", 1, 2**62),
              "sku_id": errors.integer(body, "sku_id", 1, 2**62),
              "qty": errors.integer(body, "qty", 1, 999, required=False) or 1}
    if not isinstance(body.get("token"), str):
        errors.add("/token", "the order token (GET .../seckill/activities/<id>/token)",
                   "required")
    options = {k: body[k] for k in ORDER_OPTIONS if body.get(k) is not None}
    if "fulfilment" in options and options["fulfilment"] not in ("express", "pickup", "local"):
        errors.add("/fulfilment", "express, pickup or local", "enum")
    for name in ("address_id", "pickup_point_id"):
        if name in options:
            errors.integer(options, name, 1, 2**62)
    if "remark" in options and (not isinstance(options["remark"], str)
                                or len(options["remark"]) > 200):
        errors.add("/remark", "a buyer remark of at most 200 characters")
    errors.raise_if_any()
    return {**values, "token": body["token"], "options": options}


def place(open_session: Callable[[], Session], conn: redis.Redis, shop_id: int, caller: Caller,
          request: Mapping[str, Any], *, attempts: int, secret: str,
          now: datetime | None = None) -> gate.Ticket:
    """Admit an attempt through the gate and queue its order job (job id = the ticket).

    The member is the one the order token names; the gate vouches for them by their member
    token's cached grant in the same round trip, else ``caller`` authenticates them the usual
    way and they must be that member. A bad order token is refused after authentication (so
    401 comes first). ``open_session`` (the request's, scoped to the shop) is called only
    when the gate of this SKU is not loaded, or holds another window than the token's (the
    next slot opened before the sweeper set it): it then loads the gate or sets its window
    from the database and asks again."""
    now = now or utcnow()
    named = token_member(secret, shop_id, request["activity_id"], request["token"], now)
    grant = grant_check(shop_id, caller.token, now) if named is not None else None
    if named is None or grant is None:
        member_id = caller.authenticate()
        check_token(secret, shop_id, request["activity_id"], member_id, request["token"], now)
    else:
        member_id = named
    ticket = gate.Ticket(gate.new_ticket(), shop_id, request["activity_id"], request["sku_id"],
                         member_id, request["qty"], options=request["options"])
    try:
        left = _admit(conn, ticket, attempts, now, grant)
    except gate.GrantNotLive:
        if caller.authenticate() != member_id:
            raise SeckillRefused("get an order token for this activity first",
                                 code=SeckillErrorCode.TOKEN_INVALID) from None
        left = _admit(conn, ticket, attempts, now, None)
    except MallkitError:
        caller.vouched(member_id)  # the gate checked the grant before it refused
        raise
    caller.vouched(member_id)
    if left is None:
        session = open_session()
        view = get_activity(session, ticket.activity_id)
        if view.sku(ticket.sku_id) is None:
            raise ValidationFailed.single("/sku_id", "this SKU is not in the activity",
                                          "not_found")
        refuse_unless_running(view.timing(zone(session), now))
        warm_activity(session, conn, shop_id, view, now)
        left = gate.admit(conn, ticket, attempts=attempts, now=now)
        if left is None:
            raise SeckillRefused("the seckill is not open", code=SeckillErrorCode.NOT_STARTED)
    from runtime.modules.seckill.jobs import create_order_job

    enqueue(conn, create_order_job, shop_id, ticket.ticket, queue=CRITICAL, jid=ticket.ticket,
            new=True)
    return ticket


def _admit(conn: redis.Redis, ticket: gate.Ticket, attempts: int, now: datetime,
           grant: GrantCheck | None) -> int | None:
    """The gate's answer; a window refusal is taken as "not loaded" (the token says a window
    runs now: the gate still has the previous one)."""
    try:
        return gate.admit(conn, ticket, attempts=attempts, now=now, grant=grant)
    except SeckillRefused as refused:
        if refused.code not in WINDOW_REFUSALS:
            raise
        return None


# --- the order job -------------------------------------------------------------------------


def order_for_ticket(session: Session, ticket: str) -> int | None:
    return session.scalar(select(SeckillOrder.order_id).where(SeckillOrder.ticket == ticket))


def create_order(session: Session, conn: redis.Redis, ticket: gate.Ticket,
                 now: datetime | None = None) -> str:
    """Create the ticket's order (one transaction, committed here) and settle the ticket:
    ``created``, or ``failed`` with the reason and its units back in the gate."""
    from runtime.modules.orders import checkout

    now = now or utcnow()
    if ticket.status != "queued":
        return ticket.status
    existing = order_for_ticket(session, ticket.ticket)
    if existing is not None:
        gate.settle(conn, ticket, "created", str(existing))
        return "created"
    timeout = seckill_settings(session).ticket_minutes * 60
    if ticket.created and now.timestamp() - ticket.created > timeout:
        gate.settle(conn, ticket, "failed", "排队超时，请重试")
        return "failed"
    options = dict(ticket.options or {})
    body = {"source": "items", "items": [{"sku_id": ticket.sku_id, "qty": ticket.qty}],
            "activity": {"kind": "seckill", "id": ticket.activity_id}, **options}
    session.info[ADMISSION] = ticket
    try:
        _priced, stored = checkout.create_quote(session, ticket.member_id, body)
        result = checkout.submit(session, ticket.member_id, stored.token,
                                 f"seckill-{ticket.ticket}", source="seckill")
        order_id = result.order.id
        session.commit()
    except MallkitError as exc:
        session.rollback()
        gate.settle(conn, ticket, "failed", _reason(exc))
        return "failed"
    finally:
        session.info.pop(ADMISSION, None)
    gate.settle(conn, ticket, "created", str(order_id))
    return "created"


def _reason(exc: MallkitError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return f"{exc.code}: {errors[0].pointer} {errors[0].message}"
    return f"{exc.code}: {exc.detail}"


def settle_lost(session: Session, conn: redis.Redis, shop_id: int, ticket_id: str,
                now: datetime | None = None) -> str | None:
    """A pending ticket whose job is gone or dead (killed worker, lost job): the database
    says what happened — its order exists (created) or not (failed: units back). A ticket
    whose job still runs or waits is left alone (None)."""
    job = fetch_job(conn, ticket_id)
    if job is not None and not job_died(job, now or utcnow(), gate.HEARTBEAT_LOST):
        return None
    ticket = gate.read_ticket(conn, shop_id, ticket_id)
    if ticket is None:
        conn.zrem(gate.pending_key(shop_id), ticket_id)
        return None
    order_id = order_for_ticket(session, ticket_id)
    if order_id is not None:
        gate.settle(conn, ticket, "created", str(order_id))
        return "created"
    gate.settle(conn, ticket, "failed", "下单任务中断，请重试")
    return "failed"


# --- the order's claim on activity stock ------------------------------------------------


def take_stock(session: Session, order: Any, lines: list[Any], activity_id: int) -> None:
    """``order_created`` for a seckill order: only with the gate's admission (the ticket the
    job carries); the activity stock is taken with a conditional UPDATE (409
    ``seckill_sold_out`` when the database refuses), the buyer's limit is checked against
    the database and the claim is recorded (the pricing step set the activity's time to
    pay)."""
    admission: gate.Ticket | None = session.info.get(ADMISSION)
    line = lines[0]
    if admission is None or (admission.activity_id, admission.sku_id, admission.member_id,
                             admission.qty) != (activity_id, line.sku_id, order.member_id,
                                                line.qty):
        raise SeckillRefused("seckill orders are placed through POST .../seckill/orders",
                             code=SeckillErrorCode.TICKET_REQUIRED)
    row = session.scalar(select(SeckillSku).where(SeckillSku.activity_id == activity_id,
                                                  SeckillSku.sku_id == line.sku_id))
    if row is None:
        raise SeckillRefused("this SKU is not in the activity", code=SeckillErrorCode.SOLD_OUT)
    taken = session.execute(
        update(SeckillSku).where(SeckillSku.id == row.id, SeckillSku.stock >= line.qty)
        .values(stock=SeckillSku.stock - line.qty)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise SeckillRefused("sold out", code=SeckillErrorCode.SOLD_OUT)
    held = gate.held_units(session, row.id).get(order.member_id, 0)
    if held + line.qty > row.per_user_limit:
        raise SeckillRefused(f"the limit per buyer is reached ({held} held)",
                             code=SeckillErrorCode.USER_LIMIT, extra={"held": held})
    session.add(SeckillOrder(order_id=order.id, ticket=admission.ticket,
                             activity_id=activity_id, seckill_sku_id=row.id,
                             sku_id=line.sku_id, member_id=order.member_id, qty=line.qty))
    session.flush()


def release(session: Session, order_id: int, reason: str, *, key: str | None = None,
            units: int | None = None) -> int:
    """Give units of a seckill order back, to the database now and to the gate after
    commit, under the claim's row lock: ``units`` of them once per ``key`` (a partial
    refund), or all that are still held (``units`` None: closed unpaid, refunded in full),
    which flips ``stock_released`` — once. Returns the units given back (0: nothing to do)."""
    claim = session.scalar(claim_for_update(order_id))
    if claim is None or claim.stock_released:
        return 0
    key = key or f"{reason}-{order_id}"
    if session.scalar(select(SeckillRelease.id).where(SeckillRelease.key == key)) is not None:
        return 0
    held = claim.qty - claim.released_qty
    count = held if units is None else min(units, held)
    if count <= 0:
        return 0
    claim.released_qty += count
    if claim.released_qty >= claim.qty:
        claim.stock_released, claim.released_reason = True, reason[:16]
        claim.released_at = utcnow()
    session.add(SeckillRelease(seckill_order_id=claim.id, key=key[:64], qty=count,
                               reason=reason[:16]))
    session.execute(update(SeckillSku).where(SeckillSku.id == claim.seckill_sku_id)
                    .values(stock=SeckillSku.stock + count)
                    .execution_options(synchronize_session=False))
    session.flush()
    gate.give_back_after_commit(session, claim.shop_id, claim.activity_id, claim.sku_id,
                                count, claim.member_id)
    return count
