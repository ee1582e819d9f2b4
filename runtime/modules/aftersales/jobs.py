"""After-sale timers and refund sending, as RQ jobs (one per request, deterministic ids)
plus the periodic sweeper that runs whatever Redis lost.

Timers (settings): a refund-only request the merchant left ``auto_approve_hours`` is
approved (up to ``auto_approve_max_fen``); a return or exchange the buyer has not shipped
``return_ship_days`` after agreement is cancelled; returned goods count as received
``receive_days`` after the buyer shipped them (a return's refund is sent; an exchange waits
for the merchant's reship, flagged, its goods no longer refusable), and an exchange's
replacement as received as long after it was shipped. Each timer checks the request's
status and ``due_at`` again under the order's lock, so the job, the sweeper and a
merchant's click race harmlessly.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, insert, literal, null, select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import UTCDateTime, current_shop_id, platform_access
from runtime.jobs import for_each_shop, job_session
from runtime.modules.aftersales import effects, ledger, refunding, states
from runtime.modules.aftersales.models import (
    AfterSale,
    AfterSaleKind,
    AfterSaleLine,
    AfterSaleStatus,
    AfterSaleTransition,
    Alert,
)
from runtime.modules.aftersales.states import Event
from runtime.modules.orders.service import lock_order
from runtime.modules.orders.state import Actor
from runtime.modules.payments import accounts
from runtime.modules.payments import service as payments
from runtime.modules.payments.models import RefundStatus
from runtime.shops.models import Shop
from runtime.wechat.errors import WechatError, WechatPayApiError

log = logging.getLogger(__name__)
S = AfterSaleStatus
TIMED = (S.APPLY, S.SELLER_AGREE, S.BUYER_DELIVERY, S.SELLER_RESHIP, S.WAIT_REFUND)
AUTO_APPROVED = "商家超时未处理，自动同意退款"
APPROVE_BATCH = 20000  # requests approved per statement by the sweeper
QUERY_AFTER = timedelta(minutes=10)  # a refund sent this long ago without an answer is asked


def approve_due(session: Session, now: datetime, after: int = 0,
                limit: int = APPROVE_BATCH) -> tuple[int, int | None]:
    """Approve, set-based, the shop's refund-only requests left past their ``due_at``: one
    compare-and-set UPDATE, their transitions written by one INSERT ... SELECT, the lines'
    status by one UPDATE. Each goes to 待退款 due at once, and its refund is started by the
    per-request timer (:func:`run_timer`), which holds the order's lock for the money.
    Batches are keyset-paged by id (``after``: the last batch's highest id); returns how
    many moved and this batch's highest id (None: nothing was due)."""
    shop_id = current_shop_id(session)
    due = (AfterSale.status == S.APPLY, AfterSale.kind == AfterSaleKind.REFUND,
           AfterSale.due_at <= now)
    bounds = (select(AfterSale.id).where(AfterSale.shop_id == shop_id, *due,
                                         AfterSale.id > after)
              .order_by(AfterSale.id).limit(limit).subquery())
    low, high = session.execute(select(func.min(bounds.c.id), func.max(bounds.c.id))).one()
    if low is None:
        return 0, None
    moved = session.execute(
        update(AfterSale).where(*due, AfterSale.id.between(low, high))
        .values(status=S.WAIT_REFUND.value, due_at=now)
        .execution_options(synchronize_session=False)).rowcount
    batch = select(AfterSale.id).where(AfterSale.shop_id == shop_id,
                                       AfterSale.status == S.WAIT_REFUND,
                                       AfterSale.due_at == now, AfterSale.refund_attempts == 0,
                                       AfterSale.id.between(low, high))
    columns = ("aftersale_id", "from_status", "to_status", "event", "actor_type", "actor_id",
               "actor_name", "reason", "at", "shop_id", "created_at", "updated_at")
    stamp = literal(now, UTCDateTime())
    session.execute(insert(AfterSaleTransition).from_select(columns, select(
        AfterSale.id, literal(S.APPLY.value), literal(S.WAIT_REFUND.value),
        literal(Event.AGREED.value), literal("system"), null(), literal("aftersale-timer"),
        literal(AUTO_APPROVED), stamp, AfterSale.shop_id, stamp, stamp)
        .where(AfterSale.id.in_(batch))))
    lines = batch.with_only_columns(AfterSale.line_id)
    session.execute(update(AfterSaleLine).where(AfterSaleLine.shop_id == shop_id,
                                                AfterSaleLine.line_id.in_(lines))
                    .values(status=S.WAIT_REFUND.value)
                    .execution_options(synchronize_session=False))
    return moved, high


def run_timer(shop_id: int, aftersale_id: int) -> str:
    """The request's timer fired: act if its state is still due, else nothing."""
    with job_session(shop_id) as session:
        aftersale = session.get(AfterSale, aftersale_id)
        if aftersale is None or aftersale.due_at is None or aftersale.due_at > utcnow():
            return "not due"
        order = lock_order(session, aftersale.order_id)
        session.refresh(aftersale)
        if aftersale.due_at is None or aftersale.due_at > utcnow():
            return "not due"
        system = Actor.system("aftersale-timer")
        status = S(aftersale.status)
        if status == S.APPLY and aftersale.kind == AfterSaleKind.REFUND:
            states.transition(session, aftersale, Event.AGREED, S.WAIT_REFUND, system,
                              AUTO_APPROVED, due_at=None)
            refunding.start(session, order, aftersale, system)
            return "approved"
        if status == S.WAIT_REFUND and aftersale.refund_attempts == 0:
            refunding.start(session, order, aftersale, system)  # approved by the sweep
            return "refund started"
        if status == S.SELLER_AGREE:
            states.transition(session, aftersale, Event.CANCELLED, S.BUYER_CANCEL, system,
                              "买家超时未寄回商品，售后关闭")
            ledger.closed(session, aftersale)
            return "cancelled"
        if status == S.BUYER_DELIVERY and aftersale.kind == AfterSaleKind.RETURN:
            states.transition(session, aftersale, Event.RECEIVED, S.WAIT_REFUND, system,
                              "买家寄回后超时，视为商家已收货", due_at=None)
            refunding.start(session, order, aftersale, system)
            return "received"
        if status == S.BUYER_DELIVERY and aftersale.kind == AfterSaleKind.EXCHANGE:
            states.stay(session, aftersale, Event.RECEIVED, system,
                        "买家寄回后超时，视为商家已收货，待商家发出换货", due_at=None,
                        alert=Alert.GOODS_RECEIVED.value)
            return "received"
        if status == S.SELLER_RESHIP:
            states.transition(session, aftersale, Event.EXCHANGE_RECEIVED, S.COMPLETE, system,
                              "换货商品视为已签收")
            ledger.closed(session, aftersale)
            return "exchanged"
        return "nothing to do"


def _client(session, shop_id: int):
    shop = session.get(Shop, shop_id)
    assert shop is not None
    return accounts.shop_wechat(session, shop_id, shop.slug).pay_client()


def send_refund(shop_id: int, aftersale_id: int) -> str:
    """Send the request's WeChat Pay refund (same ``out_refund_no`` on every try, so WeChat
    refunds once), no sooner than a minute after the payment's previous refund; ask WeChat
    about one sent a while ago that never got an answer."""
    with job_session(shop_id) as session:
        aftersale = session.get(AfterSale, aftersale_id)
        if aftersale is None or aftersale.status != S.REFUNDING \
                or aftersale.refund_method != "wechatpay":
            return "nothing to send"
        refund = payments.refund_by_no(session, aftersale.refund_no)
        if refund is None or refund.status != RefundStatus.PROCESSING:
            return "settled"
        now = utcnow()
        if refund.sent_at is not None and refund.refund_id:
            if now - refund.sent_at < QUERY_AFTER:
                return "waiting"
            answer = _client(session, shop_id).query_refund(refund.out_refund_no)
            return str(payments.apply_refund(session, answer))
        at = payments.next_send_at(session, refund)
        if at is not None and at > now:
            effects.schedule_send(session, aftersale, at)
            return "spaced"
        client = _client(session, shop_id)
        try:
            return str(payments.send_refund(session, refund, client))
        except WechatPayApiError as exc:
            session.rollback()
            if exc.wechat_code == "FREQUENCY_LIMITED":
                effects.schedule_send(session, aftersale, utcnow() + payments.REFUND_SPACING)
                return "spaced"
            _alert(session, aftersale_id, exc)
            return "failed"
        except WechatError as exc:
            session.rollback()
            _alert(session, aftersale_id, exc)
            return "failed"


def _alert(session, aftersale_id: int, exc: WechatError) -> None:
    """WeChat refused or could not be reached: the request shows it; the sweeper retries
    with the same ``out_refund_no``."""
    aftersale = session.get(AfterSale, aftersale_id)
    assert aftersale is not None
    aftersale.alert = Alert.SEND_FAILED.value
    log.error("ALERT after-sale %s: refund %s not sent: %s", aftersale.no, aftersale.refund_no,
              exc.detail)


def due_requests(session, now, limit: int = 500) -> list[tuple[int, int]]:
    """(shop_id, id) of requests whose timer is due, across shops (platform access)."""
    return [(shop_id, aid) for shop_id, aid in session.execute(
        select(AfterSale.shop_id, AfterSale.id)
        .where(AfterSale.status.in_([s.value for s in TIMED]), AfterSale.due_at <= now)
        .order_by(AfterSale.due_at, AfterSale.id).limit(limit))]


def refunding_requests(session, limit: int = 500) -> list[tuple[int, int]]:
    """(shop_id, id) of requests whose WeChat Pay refund is not settled yet."""
    return [(shop_id, aid) for shop_id, aid in session.execute(
        select(AfterSale.shop_id, AfterSale.id)
        .where(AfterSale.status == S.REFUNDING, AfterSale.refund_method == "wechatpay")
        .order_by(AfterSale.id).limit(limit))]


def sweep() -> dict[str, int]:
    """Approve due refund-only requests in bulk, shop by shop, then run every due timer and
    every unsent or unanswered refund whose job was lost."""
    now = utcnow()
    with job_session() as session, platform_access(session, "aftersales: sweeper"):
        shops = sorted(set(session.scalars(select(AfterSale.shop_id).where(
            AfterSale.status == S.APPLY, AfterSale.kind == AfterSaleKind.REFUND,
            AfterSale.due_at <= now).distinct())))
    def approve_all(session: Session) -> int:
        moved, high = approve_due(session, now)
        total = moved
        while high is not None:
            moved, high = approve_due(session, now, after=high)
            total += moved
        return total

    approved = for_each_shop(approve_all, "auto-approve", shops)
    with job_session() as session, platform_access(session, "aftersales: sweeper"):
        due = due_requests(session, utcnow())
        sending = refunding_requests(session)
    done = {"approved": sum(approved.values()), "timers": 0, "refunds": 0}
    for shop_id, aftersale_id in due:
        try:
            done["timers"] += run_timer(shop_id, aftersale_id) not in ("not due",
                                                                       "nothing to do")
        except Exception:
            log.exception("after-sale timer %s of shop %s failed", aftersale_id, shop_id)
    for shop_id, aftersale_id in sending:
        try:
            done["refunds"] += send_refund(shop_id, aftersale_id) not in ("waiting", "spaced")
        except Exception:
            log.exception("after-sale refund %s of shop %s failed", aftersale_id, shop_id)
    return done
