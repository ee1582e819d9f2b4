"""Commissions (佣金): what each paid order line earns its buyer's uplines, and its life.

- At order creation the buyer's two referrers are copied into :class:`OrderUplines`, so a
  later rebinding moves nothing. With ``self_purchase`` a buyer who distributes is their own
  level 1 and their referrer level 2: still two levels at most.
- At payment (``order_paid``) each line earns per level ``floor(base × rate)``: ``base`` is
  the line's goods amount actually paid (after discounts, coupon and points; freight is on
  the order, never on a line) less what was refunded of it; the rate is the product's or
  SKU's own (percent, or fixed fen per unit), else the beneficiary's distributor level's,
  else the shop's. An activity order earns only when ``activity_kinds`` names its kind.
  The commission is PENDING (预估).
- At receipt the clock starts: due at ``received + after_sale_days``; a job per line (and the
  sweeper) moves it to SETTLED (into the available balance) once due and no after-sale of the
  line is open.
- A refund recomputes from the line's remaining base: before settlement the pending amount
  changes (a full refund CANCELS it); after settlement the difference is a negative
  adjustment of the available balance, netted against later earnings.

:class:`CommissionService` is the one writer of per-order rewards: ``record`` refuses a
level other than 1 or 2 and any beneficiary more than two steps up the buyer's chain as the
order snapshotted it (the table's CHECK backs the level).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict
from runtime.jobs import enqueue_for_app_after_commit, job_id
from runtime.modules.distribution import ledger, levels
from runtime.modules.distribution.models import (
    Commission,
    CommissionStatus,
    Distributor,
    DistributorLevel,
    DistributorStatus,
    LedgerKind,
    OrderUplines,
    ProductRate,
)
from runtime.modules.distribution.service import distributor_of, uplines
from runtime.modules.distribution.settings import DistributionSettings, distribution_settings

RULE = "distribution"
HUNDRED = Decimal(100)


class CommissionRefused(Conflict):
    """A reward the two-level rule forbids (a bug in a rule set, never a shopper's doing)."""

    code = "commission_refused"
    title = "Commission refused"


@dataclass(frozen=True)
class Rate:
    """``percent`` of the base, or ``fixed`` fen per unit (scaled by what is left of the line)."""

    mode: str
    value: Decimal

    @property
    def text(self) -> str:
        return f"{self.mode}:{self.value}"

    @classmethod
    def parse(cls, text: str) -> Rate:
        mode, value = text.split(":", 1)
        return cls(mode, Decimal(value))

    def amount(self, base_fen: int, line_paid_fen: int, qty: int) -> int:
        if base_fen <= 0:
            return 0
        if self.mode == "fixed":
            full = self.value * qty
            share = full * base_fen / line_paid_fen if line_paid_fen else Decimal(0)
            return int(min(share, full).to_integral_value(ROUND_FLOOR))
        return int((Decimal(base_fen) * self.value / HUNDRED).to_integral_value(ROUND_FLOOR))


# --- the snapshot at creation ---------------------------------------------------------------


def activity_kind_of(order: Any, submission: Any = None) -> str | None:
    kind = getattr(order, "activity_kind", None)
    if kind:
        return str(kind)
    activity = getattr(getattr(submission, "input", None), "activity", None)
    return getattr(activity, "kind", None) if activity is not None else None


def snapshot(session: Session, order: Any, submission: Any = None) -> OrderUplines | None:
    """Copy the buyer's two referrers onto the order (nothing when the buyer has neither a
    referrer nor a distributor of their own); idempotent by order."""
    existing = session.scalar(select(OrderUplines).where(OrderUplines.order_id == order.id))
    if existing is not None:
        return existing
    first, second = uplines(session, order.member_id)
    if first is None and distributor_of(session, order.member_id) is None:
        return None
    row = OrderUplines(order_id=order.id, buyer_member_id=order.member_id,
                       referrer1_member_id=first, referrer2_member_id=second,
                       activity_kind=activity_kind_of(order, submission))
    session.add(row)
    session.flush()
    return row


def beneficiaries(chain: OrderUplines, self_purchase: bool) -> list[tuple[int, int]]:
    """(level, member id) of the order's uplines: the referrer and theirs, or with
    self-purchase the buyer and their referrer."""
    if self_purchase:
        pairs = [(1, chain.buyer_member_id), (2, chain.referrer1_member_id)]
    else:
        pairs = [(1, chain.referrer1_member_id), (2, chain.referrer2_member_id)]
    return [(level, member) for level, member in pairs if member is not None]


# --- rates ----------------------------------------------------------------------------------


def rates_for(session: Session, settings: DistributionSettings, lines: list[Any],
              members: dict[int, Distributor]) -> dict[tuple[int, int, int], Rate]:
    """The rate of each (line id, beneficiary's member id, level): the SKU's or product's
    own, else the beneficiary's distributor level's, else the shop's."""
    product_ids = {line.product_id for line in lines}
    own = {(r.product_id, r.sku_id): r for r in session.scalars(
        select(ProductRate).where(ProductRate.product_id.in_(product_ids)))} \
        if product_ids else {}
    level_ids = {d.level_id for d in members.values() if d.level_id is not None}
    levels = {lv.id: lv for lv in session.scalars(
        select(DistributorLevel).where(DistributorLevel.id.in_(level_ids)))} if level_ids else {}
    out: dict[tuple[int, int, int], Rate] = {}
    for line in lines:
        product_rate = own.get((line.product_id, line.sku_id)) or own.get((line.product_id, None))
        for member_id, d in members.items():
            for level in (1, 2):
                if product_rate is not None:
                    value = product_rate.level1_value if level == 1 else product_rate.level2_value
                    rate = Rate(product_rate.mode, Decimal(value))
                elif d.level_id in levels:
                    lv = levels[d.level_id]
                    rate = Rate("percent", Decimal(lv.level1_rate if level == 1
                                                   else lv.level2_rate))
                else:
                    rate = Rate("percent", settings.level1_rate if level == 1
                                else settings.level2_rate)
                out[(line.id, member_id, level)] = rate
    return out


# --- the one writer -------------------------------------------------------------------------


class CommissionService:
    """Every per-order reward of every rule set goes through :meth:`record`."""

    @staticmethod
    def check_beneficiary(chain: OrderUplines, beneficiary: int, level: int) -> None:
        """Refuse a level other than 1 / 2 and anyone more than two steps up the chain the
        order snapshotted (the buyer is step 0, for self-purchase)."""
        if level not in (1, 2):
            raise CommissionRefused(f"level {level}: only two levels earn",
                                    extra={"level": level})
        steps = [chain.buyer_member_id, chain.referrer1_member_id, chain.referrer2_member_id]
        if beneficiary not in steps:
            raise CommissionRefused("the beneficiary is not within two steps of the buyer",
                                    extra={"beneficiary": beneficiary})
        if steps.index(beneficiary) > level:
            raise CommissionRefused(f"level {level} cannot go {steps.index(beneficiary)} steps up",
                                    extra={"level": level})

    @staticmethod
    def record(session: Session, *, chain: OrderUplines, distributor: Distributor, line: Any,
               level: int, rule: str, rate: Rate, base_fen: int, amount_fen: int,
               order_no: str = "",
               recorded: Mapping[tuple[int, str, int], Commission] | None = None
               ) -> Commission:
        """Write one PENDING reward and its ledger entry (``distributor`` locked by the
        caller); idempotent by (line, rule, level). ``recorded``: the order's commissions
        already read by the caller (``recorded_for_order``), instead of a look-up here."""
        CommissionService.check_beneficiary(chain, distributor.member_id, level)
        existing = (recorded.get((line.id, rule, level)) if recorded is not None
                    else session.scalar(select(Commission).where(
                        Commission.line_id == line.id, Commission.rule == rule,
                        Commission.level == level)))
        if existing is not None:
            return existing
        row = Commission(order_id=chain.order_id, line_id=line.id, order_no=order_no,
                         line_paid_fen=line.payable_fen, qty=line.qty,
                         buyer_member_id=chain.buyer_member_id,
                         beneficiary_member_id=distributor.member_id, rule=rule, level=level,
                         rate_text=rate.text, base_fen=base_fen, amount_fen=amount_fen,
                         status=CommissionStatus.PENDING)
        session.add(row)
        session.flush()
        ledger.post(session, distributor, LedgerKind.ACCRUE, f"c{row.id}-accrue",
                    pending=amount_fen, commission_id=row.id, new_key=True)
        return row

    @staticmethod
    def revalue(session: Session, row: Commission, distributor: Distributor, base_fen: int,
                key: str) -> None:
        """A refund left ``base_fen`` of the line: recompute (never upwards); nothing left
        CANCELS it. Before settlement the pending amount moves; after, the difference is a
        negative adjustment of the available balance (``distributor`` locked by the caller)."""
        if row.status == CommissionStatus.CANCELLED:
            return
        base_fen = max(base_fen, 0)
        new = min(Rate.parse(row.rate_text).amount(base_fen, row.line_paid_fen, row.qty),
                  row.amount_fen)
        delta = new - row.amount_fen
        if row.status == CommissionStatus.PENDING:
            kind = LedgerKind.CANCEL if base_fen == 0 else LedgerKind.RECOMPUTE
            if delta or kind == LedgerKind.CANCEL:
                ledger.post(session, distributor, kind, key, pending=delta,
                            commission_id=row.id)
        elif delta:
            ledger.post(session, distributor, LedgerKind.ADJUST, key, available=delta,
                        commission_id=row.id)
        row.amount_fen = new
        row.base_fen = base_fen
        if base_fen == 0:
            row.status = CommissionStatus.CANCELLED
        session.flush()

    @staticmethod
    def settle(session: Session, row: Commission, distributor: Distributor) -> bool:
        if row.status != CommissionStatus.PENDING:
            return False
        ledger.post(session, distributor, LedgerKind.SETTLE, f"c{row.id}-settle",
                    pending=-row.amount_fen, available=row.amount_fen, commission_id=row.id)
        row.status = CommissionStatus.SETTLED
        row.settled_fen = row.amount_fen
        row.settled_at = utcnow()
        session.flush()
        return True


# --- the order's life -----------------------------------------------------------------------


def _refunded(session: Session, order_id: int) -> dict[int, int]:
    from runtime.modules.aftersales.ledger import line_states

    return {line_id: row.refunded_fen for line_id, row in line_states(session, [order_id]).items()}


def earns(settings: DistributionSettings, chain: OrderUplines) -> bool:
    """An activity order earns only where the shop lets that activity kind earn."""
    return not chain.activity_kind or chain.activity_kind in settings.activity_kinds


def recorded_for_order(session: Session,
                       order_id: int) -> dict[tuple[int, str, int], Commission]:
    """The order's commissions by (line, rule, level), in one read."""
    return {(c.line_id, c.rule, c.level): c for c in session.scalars(
        select(Commission).where(Commission.order_id == order_id))}


def accrue_for_order(session: Session, order: Any, lines: list[Any],
                     settings: DistributionSettings | None = None) -> list[Commission]:
    """``order_paid``: a PENDING commission per line and level for the snapshotted uplines
    (idempotent by line and level)."""
    chain = session.scalar(select(OrderUplines).where(OrderUplines.order_id == order.id))
    if chain is None:
        return []
    settings = settings or distribution_settings(session)
    if not earns(settings, chain):
        return []
    buyer = distributor_of(session, chain.buyer_member_id) if settings.self_purchase else None
    self_purchase = buyer is not None and buyer.status != DistributorStatus.DISABLED
    pairs = beneficiaries(chain, self_purchase)
    locked = ledger.lock_distributors(session, [m for _, m in pairs])
    earning = {m: d for m, d in locked.items() if d.status != DistributorStatus.DISABLED}
    if not earning:
        return []
    rates = rates_for(session, settings, lines, earning)
    refunded = _refunded(session, order.id) if order.status != "paid" else {}
    recorded = recorded_for_order(session, order.id)
    made = []
    for line in lines:
        base = line.payable_fen - refunded.get(line.id, 0)
        for level, member_id in pairs:
            distributor = earning.get(member_id)
            if distributor is None:
                continue
            rate = rates[(line.id, member_id, level)]
            amount = rate.amount(base, line.payable_fen, line.qty)
            if amount <= 0:
                continue
            made.append(CommissionService.record(
                session, chain=chain, distributor=distributor, line=line, level=level,
                rule=RULE, rate=rate, base_fen=base, amount_fen=amount, order_no=order.order_no,
                recorded=recorded))
    return made


def start_clock(session: Session, order: Any) -> int:
    """``order_received``: the order's pending commissions fall due ``after_sale_days``
    from now; a settlement job per line is queued for then (the sweeper backs it up)."""
    settings = distribution_settings(session)
    due = utcnow() + timedelta(days=settings.after_sale_days)
    rows = list(session.scalars(select(Commission).where(
        Commission.order_id == order.id, Commission.status == CommissionStatus.PENDING,
        Commission.due_at.is_(None))))
    for row in rows:
        row.due_at = due
    shop_id = current_shop_id(session)
    for line_id in sorted({row.line_id for row in rows}):
        enqueue_for_app_after_commit(session, settle_line_job, shop_id, line_id,
                                     jid=job_id("distribution-settle", shop_id, line_id),
                                     at=due, replace=True)
    session.flush()
    return len(rows)


def revalue_line(session: Session, order_id: int, line_id: int, refund_id: int) -> None:
    """``line_refunded``: recompute the line's commissions from what is left of it."""
    from runtime.modules.orders.models import OrderLine

    rows = list(session.scalars(select(Commission).where(
        Commission.line_id == line_id, Commission.status != CommissionStatus.CANCELLED)
        .order_by(Commission.id)))
    if not rows:
        return
    line = session.get(OrderLine, line_id)
    refunded = _refunded(session, order_id).get(line_id, 0)
    base = line.payable_fen - refunded if line is not None else 0
    locked = ledger.lock_distributors(session, [r.beneficiary_member_id for r in rows])
    for row in rows:
        CommissionService.revalue(session, row, locked[row.beneficiary_member_id], base,
                                  key=f"c{row.id}-refund-{refund_id}")


def settle_due(session: Session, now: Any = None, line_id: int | None = None,
               limit: int = 50000) -> int:
    """Settle, set-based, the shop's PENDING commissions due by ``now`` whose line has no
    open after-sale (of one line, for its timer), in batches of ``limit`` by id range, each
    in five statements: the range and its beneficiaries, their rows locked, a compare-and-set UPDATE
    (only rows still PENDING move, so a line is never settled twice), their ledger entries
    by one INSERT ... SELECT (keys ``c<id>-settle``, unique) and the balances by one
    grouped executemany UPDATE. Core statements: no ORM objects are loaded. Then the
    beneficiaries' levels are evaluated (:func:`levels.upgrade`)."""
    from sqlalchemy import String, and_, bindparam, cast, exists, func, insert, literal

    from runtime.db import UTCDateTime
    from runtime.modules.aftersales.models import AfterSaleLine

    now = now or utcnow()
    shop_id = current_shop_id(session)
    stamp = literal(now, UTCDateTime())
    c, d, e = Commission.__table__.c, Distributor.__table__, ledger.LedgerEntry.__table__
    open_request = exists().where(AfterSaleLine.__table__.c.shop_id == shop_id,
                                  AfterSaleLine.__table__.c.line_id == c.line_id,
                                  AfterSaleLine.__table__.c.open_aftersale_id.is_not(None))
    due = [c.shop_id == shop_id, c.status == CommissionStatus.PENDING.value, c.due_at <= now,
           ~open_request]
    if line_id is not None:
        due.append(c.line_id == line_id)
    columns = ("member_id", "kind", "key", "commission_id", "pending_delta_fen",
               "available_delta_fen", "frozen_delta_fen", "withdrawn_delta_fen", "at",
               "shop_id", "created_at", "updated_at")
    total = after = 0
    beneficiaries: set[int] = set()
    while True:
        ids = select(c.id, c.beneficiary_member_id).where(*due, c.id > after) \
            .order_by(c.id).limit(limit).subquery()
        spans = session.execute(select(ids.c.beneficiary_member_id, func.min(ids.c.id),
                                       func.max(ids.c.id)).group_by(
            ids.c.beneficiary_member_id)).all()
        if not spans:
            session.expire_all()
            levels.upgrade(session, beneficiaries)
            return total
        low, high = min(x[1] for x in spans), max(x[2] for x in spans)
        batch = c.id.between(low, high)
        session.execute(select(d.c.id).where(d.c.shop_id == shop_id, d.c.member_id.in_(
            sorted(x[0] for x in spans))).order_by(d.c.id).with_for_update())
        moved = session.execute(Commission.__table__.update().where(*due, batch).values(
            status=CommissionStatus.SETTLED.value, settled_fen=c.amount_fen, settled_at=stamp,
            updated_at=stamp)).rowcount
        settled = and_(c.shop_id == shop_id, batch, c.status == CommissionStatus.SETTLED.value,
                       c.settled_at == stamp)
        session.execute(insert(e).from_select(columns, select(
            c.beneficiary_member_id, literal(LedgerKind.SETTLE.value),
            literal("c") + cast(c.id, String) + literal("-settle"), c.id, -c.amount_fen,
            c.amount_fen, literal(0), literal(0), stamp, c.shop_id, stamp, stamp)
            .where(settled)))
        sums = session.execute(select(c.beneficiary_member_id, func.sum(c.amount_fen))
                               .where(settled).group_by(c.beneficiary_member_id)).all()
        if sums:
            session.execute(d.update().where(d.c.shop_id == shop_id,
                                             d.c.member_id == bindparam("m")).values(
                pending_fen=d.c.pending_fen - bindparam("amount"),
                available_fen=d.c.available_fen + bindparam("amount"), updated_at=stamp),
                [{"m": member, "amount": int(amount)} for member, amount in sums])
            beneficiaries.update(member for member, _ in sums)
        total += moved
        after = high


def settle_line_job(shop_id: int, line_id: int) -> int:
    """The timer of one order line (``distribution-settle-<shop>-<line>``)."""
    from runtime.jobs import job_session
    from runtime.modules.switches import is_enabled

    with job_session(shop_id) as session:
        if not is_enabled(session, "distribution"):
            return 0
        return settle_due(session, line_id=line_id)
