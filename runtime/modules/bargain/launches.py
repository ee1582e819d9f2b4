"""Launches and cuts: a member launches a bargain (发起砍价), friends cut it (帮砍) towards the
floor, one cut each; it expires ``valid_hours`` later (its own job, id ``bargain-expire-<shop>-
<launch>``, and the sweeper); its launcher buys it once at its current price.

Every cut happens with the launch row locked (``SELECT ... FOR UPDATE``; SQLite takes the
write lock at BEGIN) and a unique (launch, helper) row, so racing helpers never cut twice nor
below the floor. A new launch locks its activity, so the per-member limit holds under races."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime import jobs
from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import ValidationFailed
from runtime.modules.bargain import activities, cutting, locks
from runtime.modules.bargain.errors import (
    BargainConflict,
    BargainErrorCode,
    not_found,
    refused,
)
from runtime.modules.bargain.models import (
    OPEN,
    BargainActivity,
    BargainCut,
    BargainLaunch,
    LaunchStatus,
)

KIND = "bargain"
E = BargainErrorCode


def source_of(launch_id: int) -> str:
    """The pricing adjustment's source, also the activity order's tag."""
    return f"{KIND}:{launch_id}"


def expiry_job_id(shop_id: int, launch_id: int) -> str:
    return jobs.job_id("bargain-expire", shop_id, launch_id)


@dataclass(frozen=True)
class Launched:
    launch: BargainLaunch
    created: bool  # False: the member's open launch of the activity was returned


def get_launch(session: Session, launch_id: Any) -> BargainLaunch:
    launch = (session.get(BargainLaunch, launch_id)
              if isinstance(launch_id, int) and not isinstance(launch_id, bool) else None)
    if launch is None:
        raise not_found("bargain launch", launch_id)
    return launch


def _lock(session: Session, launch_id: int) -> BargainLaunch:
    launch = session.scalar(locks.launch_for_update(launch_id))
    if launch is None:
        raise not_found("bargain launch", launch_id)
    return launch


def is_due(launch: BargainLaunch, now: datetime) -> bool:
    return launch.status in OPEN and launch.expire_at <= now


def _open_launch(session: Session, activity_id: int, member_id: int, now: datetime
                 ) -> BargainLaunch | None:
    return session.scalar(select(BargainLaunch).where(
        BargainLaunch.activity_id == activity_id, BargainLaunch.member_id == member_id,
        BargainLaunch.status.in_(list(OPEN)), BargainLaunch.expire_at > now)
        .order_by(BargainLaunch.id.desc()).limit(1))


def launch(session: Session, activity_id: Any, member_id: int, *,
           rng: random.Random | None = None) -> Launched:
    """Start the member's bargain of a live activity with stock left (the launcher's own first
    cut when ``self_cut``); the member's launch still open is returned instead of a second."""
    if isinstance(activity_id, bool) or not isinstance(activity_id, int):
        raise ValidationFailed.single("/activity_id", "the id of a bargain activity", "type")
    activities.get_activity(session, activity_id)
    activity = session.scalar(locks.activity_for_update(activity_id))
    assert activity is not None
    now = utcnow()
    state = activities.window_state(activity, now)
    if state != "live":
        code = E.NOT_STARTED if state == "not_started" else E.ENDED
        raise BargainConflict(code, f"the bargain is {state.replace('_', ' ')}")
    mine = _open_launch(session, activity.id, member_id, now)
    if mine is not None:
        return Launched(mine, False)
    if activity.stock < 1:
        raise BargainConflict(E.SOLD_OUT, "the bargain's stock is sold out", available=0)
    made = session.scalar(select(func.count(BargainLaunch.id)).where(
        BargainLaunch.activity_id == activity.id, BargainLaunch.member_id == member_id)) or 0
    if activity.launches_per_member and made >= activity.launches_per_member:
        raise refused(E.LAUNCH_LIMIT, "/activity_id",
                      f"at most {activity.launches_per_member} launches per member")
    row = BargainLaunch(
        activity_id=activity.id, member_id=member_id, sku_id=activity.sku_id,
        start_price_fen=activity.start_price_fen, floor_price_fen=activity.floor_price_fen,
        price_fen=activity.start_price_fen, helpers_needed=activity.helpers_needed,
        expire_at=min(now + timedelta(hours=activity.valid_hours), activity.ends_at))
    session.add(row)
    session.flush()
    if activity.self_cut:
        _cut(session, row, member_id, rng or cutting.default_rng())
    _schedule_expiry(session, row)
    return Launched(row, True)


def _schedule_expiry(session: Session, row: BargainLaunch) -> None:
    from runtime.modules.bargain.jobs import expire_job

    shop_id = current_shop_id(session)
    assert shop_id is not None
    jobs.enqueue_for_app_after_commit(session, expire_job, shop_id, row.id,
                                      jid=expiry_job_id(shop_id, row.id), at=row.expire_at,
                                      queue=jobs.DEFAULT)


def _cut(session: Session, row: BargainLaunch, helper_id: int, rng: random.Random
         ) -> BargainCut:
    amount = cutting.cut_amount(row.price_fen - row.floor_price_fen,
                                row.helpers_needed - row.cuts, rng)
    row.price_fen -= amount
    row.cuts += 1
    if row.cuts == row.helpers_needed:
        row.status = LaunchStatus.FLOOR.value
    cut = BargainCut(launch_id=row.id, helper_member_id=helper_id, amount_fen=amount,
                     price_after_fen=row.price_fen)
    session.add(cut)
    session.flush()
    return cut


def help_cut(session: Session, launch_id: Any, helper_id: int, *,
             rng: random.Random | None = None) -> BargainCut:
    """A friend's cut (帮砍), under the launch's row lock: refused when they cut it before,
    when it is their own launch and self-cut is off (or already made), when it expired, and
    when it is at the floor, ordered or bought."""
    get_launch(session, launch_id)
    row = _lock(session, launch_id)
    now = utcnow()
    if row.member_id == helper_id:
        raise refused(E.SELF_CUT, "/launch_id", "the launcher cannot cut their own bargain "
                      "here (the first cut is made at launch when self-cut is on)")
    if row.status == LaunchStatus.EXPIRED.value or is_due(row, now):
        raise BargainConflict(E.EXPIRED, "this bargain has expired",
                              expire_at=row.expire_at.isoformat())
    already = session.scalar(select(BargainCut.id).where(
        BargainCut.launch_id == row.id, BargainCut.helper_member_id == helper_id))
    if already is not None:
        raise BargainConflict(E.ALREADY_HELPED, "you have already cut this bargain")
    if row.status != LaunchStatus.CUTTING.value or row.order_id is not None:
        raise BargainConflict(E.FINISHED, "this bargain takes no more cuts",
                              status=row.status)
    return _cut(session, row, helper_id, rng or cutting.default_rng())


def expire(session: Session, launch_id: int) -> str:
    """At ``expire_at``: an open launch no order holds becomes expired; early, again, or
    while an order holds it (its close expires it): a no-op."""
    row = session.get(BargainLaunch, launch_id)
    now = utcnow()
    if row is None or not is_due(row, now) or row.order_id is not None:
        return "nothing to do"
    row = _lock(session, launch_id)
    if not is_due(row, now) or row.order_id is not None:
        return "nothing to do"
    row.status = LaunchStatus.EXPIRED.value
    session.flush()
    return "expired"


def due_launches(session: Session, now: datetime, limit: int = 1000) -> list[tuple[int, int]]:
    """(shop id, launch id) of open launches past their time and held by no order."""
    return [(r.shop_id, r.id) for r in session.execute(
        select(BargainLaunch.shop_id, BargainLaunch.id).where(
            BargainLaunch.status.in_(list(OPEN)), BargainLaunch.expire_at <= now,
            BargainLaunch.order_id.is_(None))
        .order_by(BargainLaunch.expire_at, BargainLaunch.id).limit(limit))]


# --- orders -------------------------------------------------------------------------------


def offer(session: Session, launch_id: int, member_id: int | None, sku_id: int, qty: int
          ) -> BargainLaunch:
    """Check that ``member_id`` may buy their launch now (one unit of its SKU, not expired,
    no order holding it, at the floor where the activity sells only there, stock left)."""
    row = get_launch(session, launch_id)
    if member_id is not None and row.member_id != member_id:
        raise not_found("bargain launch", launch_id)
    if sku_id != row.sku_id:
        raise refused(E.SKU_MISMATCH, "/items/0/sku_id", "not the SKU of this bargain")
    if qty != 1:
        raise refused(E.ONE_UNIT, "/items/0/qty", "a bargain buys exactly one unit")
    if row.status == LaunchStatus.EXPIRED.value or is_due(row, utcnow()):
        raise BargainConflict(E.EXPIRED, "this bargain has expired")
    if row.status == LaunchStatus.BOUGHT.value or row.order_id is not None:
        raise BargainConflict(E.ORDERED, "this bargain already has an order",
                              order_id=row.order_id)
    activity = session.get(BargainActivity, row.activity_id)
    assert activity is not None
    if activity.floor_only and row.price_fen > row.floor_price_fen:
        raise BargainConflict(E.FLOOR_ONLY, "this bargain sells only at its floor price",
                              price_fen=row.price_fen, floor_price_fen=row.floor_price_fen)
    if activity.stock < 1:
        raise BargainConflict(E.SOLD_OUT, "the bargain's stock is sold out", available=0)
    return row


def take_for_order(session: Session, order: Any, line: Any, launch_id: int,
                   quoted_price_fen: int | None) -> BargainLaunch:
    """``order_created``: check again with the launch locked, take one unit of activity stock
    and make the order the launch's one order."""
    offer(session, launch_id, order.member_id, line.sku_id, line.qty)
    row = _lock(session, launch_id)
    if row.order_id is not None:
        raise BargainConflict(E.ORDERED, "this bargain already has an order",
                              order_id=row.order_id)
    if quoted_price_fen is not None and quoted_price_fen != row.price_fen:
        raise BargainConflict(E.PRICE_CHANGED, "friends cut the price since the quote; ask "
                              "for a new quote", price_fen=row.price_fen)
    if not activities.take_stock(session, row.activity_id):
        raise BargainConflict(E.SOLD_OUT, "the bargain's stock is sold out", available=0)
    row.order_id, row.stock_held = order.id, True
    session.flush()
    return row


def _held_by(session: Session, order_id: int) -> BargainLaunch | None:
    found = session.scalar(select(BargainLaunch.id).where(BargainLaunch.order_id == order_id))
    return _lock(session, found) if found is not None else None


def _release_stock(session: Session, row: BargainLaunch) -> None:
    if row.stock_held:
        activities.return_stock(session, row.activity_id)
        row.stock_held = False


def order_paid(session: Session, order: Any) -> None:
    row = _held_by(session, order.id)
    if row is not None and row.status != LaunchStatus.BOUGHT.value:
        row.status = LaunchStatus.BOUGHT.value
        session.flush()


def order_closed(session: Session, order: Any) -> None:
    """Closed unpaid: the stock goes back and the launch is free to cut and buy again (or
    expired, if its time passed meanwhile). After a refund it stays bought; its stock is back."""
    row = _held_by(session, order.id)
    if row is None:
        return
    _release_stock(session, row)
    if row.status != LaunchStatus.BOUGHT.value:
        row.order_id = None
        if row.expire_at <= utcnow():
            row.status = LaunchStatus.EXPIRED.value
    session.flush()


def order_refunded(session: Session, order: Any) -> None:
    row = _held_by(session, order.id)
    if row is not None:
        _release_stock(session, row)
        session.flush()


# --- reading --------------------------------------------------------------------------------


def cuts_of(session: Session, launch_ids: list[int]) -> dict[int, list[BargainCut]]:
    found: dict[int, list[BargainCut]] = {i: [] for i in launch_ids}
    if launch_ids:
        for cut in session.scalars(select(BargainCut).where(
                BargainCut.launch_id.in_(launch_ids)).order_by(BargainCut.id)):
            found[cut.launch_id].append(cut)
    return found


def member_launches(session: Session, member_id: int, limit: int = 50) -> list[BargainLaunch]:
    return list(session.scalars(select(BargainLaunch).where(
        BargainLaunch.member_id == member_id).order_by(BargainLaunch.id.desc()).limit(limit)))


def list_launches(session: Session, *, status: str = "", activity_id: int | None = None,
                  limit: int = 100) -> list[BargainLaunch]:
    query = select(BargainLaunch)
    if status:
        query = query.where(BargainLaunch.status == status)
    if activity_id is not None:
        query = query.where(BargainLaunch.activity_id == activity_id)
    return list(session.scalars(query.order_by(BargainLaunch.id.desc()).limit(limit)))
