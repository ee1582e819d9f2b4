"""The group lifecycle: a checkout's offer and its refusals, the order's row at creation,
opening or joining a group inside the transaction that marks the order paid, leaving,
expiry (virtual completion or failure with full refunds) and the holds on fulfilment and
after-sales while a group is open.

Locks, in the money path's order: the orders (by id), then the group row. Every change of a
group-buy order's status happens with its order locked; activity stock goes back exactly once
(``stock_held``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime import jobs
from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.modules.aftersales import service as aftersales
from runtime.modules.groupbuy import activities
from runtime.modules.groupbuy.errors import (
    GroupbuyConflict,
    GroupbuyErrorCode,
    limit_exceeded,
    not_found,
)
from runtime.modules.groupbuy.models import (
    HOLDING,
    GroupbuyActivity,
    GroupbuyGroup,
    GroupbuyOrder,
    GroupbuySku,
    GroupStatus,
    MemberStatus,
    OnTargetFull,
)
from runtime.modules.orders.locks import orders_for_update
from runtime.modules.orders.service import lock_order
from runtime.modules.orders.state import Actor

KIND = "groupbuy"
SYSTEM = Actor.system("拼团")
REFUND_INITIATOR = "groupbuy"
E = GroupbuyErrorCode


def source_of(activity_id: int) -> str:
    """The pricing adjustment's source, also the activity order's tag."""
    return f"{KIND}:{activity_id}"


def refund_no(order_id: int) -> str:
    """The stable after-sale number (WeChat ``out_refund_no``) of a group-buy refund."""
    return f"GB{order_id:06d}"


def expiry_job_id(shop_id: int, group_id: int) -> str:
    return jobs.job_id("groupbuy-expire", shop_id, group_id)


@dataclass(frozen=True)
class Offer:
    """What a checkout of a group-buy activity would pay, and for which group."""

    activity: GroupbuyActivity
    sku: GroupbuySku
    unit_price_fen: int
    leader_price: bool
    group: GroupbuyGroup | None


# --- checkout ---------------------------------------------------------------------------------


def get_group(session: Session, group_id: Any, *, lock: bool = False) -> GroupbuyGroup:
    if isinstance(group_id, bool) or not isinstance(group_id, int):
        raise not_found("group", group_id)
    query = select(GroupbuyGroup).where(GroupbuyGroup.id == group_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    group = session.scalar(query)
    if group is None:
        raise not_found("group", group_id)
    return group


def group_refusal(session: Session, group: GroupbuyGroup, member_id: int,
                  now: datetime) -> GroupbuyConflict | None:
    """Why ``member_id`` cannot take a seat in ``group`` now, or None."""
    in_it = session.scalar(select(GroupbuyOrder.id).where(
        GroupbuyOrder.group_id == group.id, GroupbuyOrder.member_id == member_id,
        GroupbuyOrder.status.in_([MemberStatus.GROUPING, MemberStatus.SUCCESS])).limit(1))
    if in_it is not None:
        return GroupbuyConflict(E.ALREADY_JOINED, f"you are already in group {group.id}",
                                group_id=group.id)
    if group.joined + group.virtual >= group.size:
        return GroupbuyConflict(E.GROUP_FULL, f"group {group.id} is full", group_id=group.id)
    if group.status != GroupStatus.OPEN or group.expire_at <= now:
        return GroupbuyConflict(E.GROUP_EXPIRED, f"group {group.id} is no longer open",
                                group_id=group.id)
    return None


def _units_held(session: Session, activity_id: int, member_id: int) -> int:
    return session.scalar(select(func.coalesce(func.sum(GroupbuyOrder.qty), 0)).where(
        GroupbuyOrder.activity_id == activity_id, GroupbuyOrder.member_id == member_id,
        GroupbuyOrder.status.in_(list(HOLDING)))) or 0


def offer(session: Session, ref: Any, member_id: int | None, sku_id: int, qty: int) -> Offer:
    """Check a checkout of activity ``ref.id`` (joining ``ref.group_id``, or opening a group)
    and price it; raises the refusal (one problem type per reason)."""
    activity = activities.get_activity(session, ref.id)
    now = utcnow()
    group = None
    if ref.group_id is not None:
        group = get_group(session, ref.group_id)
        if group.activity_id != activity.id:
            raise not_found("group", ref.group_id)
        if member_id is not None and (refusal := group_refusal(session, group, member_id, now)):
            raise refusal
    else:
        state = activities.window_state(activity, now)
        if state == "not_started":
            raise GroupbuyConflict(E.NOT_STARTED, "the group buy has not started",
                                   starts_at=activity.starts_at.isoformat())
        if state == "ended":
            raise GroupbuyConflict(E.ENDED, "the group buy has ended",
                                   ends_at=activity.ends_at.isoformat())
    row = activities.activity_sku(session, activity.id, sku_id)
    if row is None:
        raise limit_exceeded("/items/0/sku_id", "this SKU is not in the group buy")
    if activity.per_order_limit and qty > activity.per_order_limit:
        raise limit_exceeded("/items/0/qty",
                             f"at most {activity.per_order_limit} per order")
    if member_id is not None:
        busy = session.scalar(select(GroupbuyOrder.id).where(
            GroupbuyOrder.activity_id == activity.id, GroupbuyOrder.member_id == member_id,
            GroupbuyOrder.status.in_([MemberStatus.PENDING, MemberStatus.GROUPING])).limit(1))
        if busy is not None:
            raise GroupbuyConflict(E.IN_PROGRESS, "you have an open group or an unpaid order "
                                   "in this group buy")
        held = _units_held(session, activity.id, member_id)
        if activity.per_user_limit and held + qty > activity.per_user_limit:
            raise limit_exceeded("/items/0/qty", f"at most {activity.per_user_limit} per "
                                 f"buyer; you have {held}")
    if row.stock < qty:
        raise GroupbuyConflict(E.SOLD_OUT, "the group buy's stock is sold out",
                               available=row.stock)
    leader = group is None and row.leader_price_fen is not None
    price = row.leader_price_fen if leader and row.leader_price_fen else row.group_price_fen
    return Offer(activity, row, price, leader, group)


def record_order(session: Session, order: Any, line: Any, ref: Any) -> GroupbuyOrder:
    """``order_created``: check again inside the submit transaction, take the activity stock
    and write the order's row (no group yet: that waits for the payment)."""
    existing = session.scalar(select(GroupbuyOrder).where(GroupbuyOrder.order_id == order.id))
    if existing is not None:
        return existing
    chosen = offer(session, ref, order.member_id, line.sku_id, line.qty)
    if not activities.take_stock(session, chosen.activity.id, line.sku_id, line.qty):
        raise GroupbuyConflict(E.SOLD_OUT, "the group buy's stock is sold out")
    row = GroupbuyOrder(activity_id=chosen.activity.id, order_id=order.id,
                        member_id=order.member_id, sku_id=line.sku_id, qty=line.qty,
                        unit_price_fen=chosen.unit_price_fen, wanted_group_id=ref.group_id)
    session.add(row)
    session.flush()
    return row


def order_row(session: Session, order_id: int) -> GroupbuyOrder | None:
    return session.scalar(select(GroupbuyOrder).where(GroupbuyOrder.order_id == order_id))


def _release(session: Session, row: GroupbuyOrder) -> None:
    """Give the row's activity stock back, once."""
    if row.stock_held:
        activities.return_stock(session, row.activity_id, row.sku_id, row.qty)
        row.stock_held = False


def order_closed(session: Session, order: Any) -> None:
    """The order closed unpaid: its row closes and the activity stock goes back."""
    row = order_row(session, order.id)
    if row is not None and row.status == MemberStatus.PENDING:
        row.status = MemberStatus.CLOSED
        _release(session, row)


# --- payment ----------------------------------------------------------------------------------


def _schedule_expiry(session: Session, group: GroupbuyGroup) -> None:
    from runtime.modules.groupbuy.jobs import expire_job

    shop_id = current_shop_id(session)
    assert shop_id is not None
    jobs.enqueue_for_app_after_commit(session, expire_job, shop_id, group.id,
                                      jid=expiry_job_id(shop_id, group.id),
                                      at=group.expire_at, queue=jobs.CRITICAL)


def _open(session: Session, activity: GroupbuyActivity, row: GroupbuyOrder,
          paid_at: datetime) -> GroupbuyGroup:
    group = GroupbuyGroup(activity_id=activity.id, leader_member_id=row.member_id,
                          size=activity.group_size, joined=1, status=GroupStatus.OPEN,
                          opened_at=paid_at,
                          expire_at=paid_at + timedelta(hours=activity.valid_hours))
    session.add(group)
    session.flush()
    row.group_id, row.is_leader = group.id, True
    row.status, row.joined_at = MemberStatus.GROUPING, paid_at
    _schedule_expiry(session, group)
    return group


def _seat(session: Session, group: GroupbuyGroup, row: GroupbuyOrder, paid_at: datetime
          ) -> None:
    """Take a seat in a locked, open group with room; the last seat makes it a success."""
    row.group_id, row.is_leader = group.id, False
    row.status, row.joined_at = MemberStatus.GROUPING, paid_at
    group.joined += 1
    if group.joined >= group.size:
        _succeed(session, group, paid_at)


def _succeed(session: Session, group: GroupbuyGroup, now: datetime) -> None:
    group.status, group.finished_at = GroupStatus.SUCCESS, now
    session.flush()
    for member in session.scalars(select(GroupbuyOrder).where(
            GroupbuyOrder.group_id == group.id,
            GroupbuyOrder.status == MemberStatus.GROUPING)):
        member.status = MemberStatus.SUCCESS


def _other_open_group(session: Session, activity_id: int, member_id: int, skip: int | None,
                      now: datetime) -> GroupbuyGroup | None:
    """The open group of the activity closest to its end with a seat for ``member_id``."""
    candidates = session.scalars(select(GroupbuyGroup.id).where(
        GroupbuyGroup.activity_id == activity_id, GroupbuyGroup.status == GroupStatus.OPEN,
        GroupbuyGroup.expire_at > now, GroupbuyGroup.joined < GroupbuyGroup.size,
        GroupbuyGroup.id != (skip or 0)).order_by(GroupbuyGroup.expire_at,
                                                  GroupbuyGroup.id).limit(20)).all()
    for group_id in candidates:
        group = get_group(session, group_id, lock=True)
        if group_refusal(session, group, member_id, now) is None:
            return group
    return None


def on_paid(session: Session, order: Any) -> GroupbuyOrder | None:
    """``order_marked_paid`` (inside that transaction, the order locked): open a group, or
    take the wanted seat under the group's row lock, re-checking it; when it is gone, follow
    the activity's ``on_target_full``. A second call changes nothing."""
    row = order_row(session, order.id)
    if row is None or row.status != MemberStatus.PENDING:
        return row
    activity = session.get(GroupbuyActivity, row.activity_id)
    assert activity is not None
    paid_at = order.paid_at or utcnow()
    if row.wanted_group_id is None:
        _open(session, activity, row, paid_at)
        return row
    group = get_group(session, row.wanted_group_id, lock=True)
    if group_refusal(session, group, row.member_id, paid_at) is None:
        _seat(session, group, row, paid_at)
        return row
    target = OnTargetFull(activity.on_target_full)
    if target == OnTargetFull.REFUND:
        row.status = MemberStatus.REFUNDED
        _release(session, row)
        _refund(session, order.id, "拼团已满，自动退款")
        return row
    if target == OnTargetFull.JOIN_OTHER:
        other = _other_open_group(session, activity.id, row.member_id, group.id, paid_at)
        if other is not None:
            _seat(session, other, row, paid_at)
            return row
    _open(session, activity, row, paid_at)
    return row


def _refund(session: Session, order_id: int, reason: str) -> None:
    aftersales.refund_whole_order(session, order_id, reason, SYSTEM, no=refund_no(order_id),
                                  initiator=REFUND_INITIATOR)


# --- leaving and expiry -----------------------------------------------------------------------


def _lock_members(session: Session, group_id: int) -> list[GroupbuyOrder]:
    """Lock the orders of the group's members (orders first), then the rows, by order id."""
    order_ids = session.scalars(select(GroupbuyOrder.order_id).where(
        GroupbuyOrder.group_id == group_id,
        GroupbuyOrder.status == MemberStatus.GROUPING)).all()
    session.execute(orders_for_update(order_ids)).all()
    return list(session.scalars(select(GroupbuyOrder).where(
        GroupbuyOrder.group_id == group_id, GroupbuyOrder.status == MemberStatus.GROUPING)
        .order_by(GroupbuyOrder.joined_at, GroupbuyOrder.id)
        .execution_options(populate_existing=True)))


def leave_group(session: Session, group_id: Any, member_id: int) -> GroupbuyOrder:
    """A member leaves an open group and is refunded in full; a leaving leader hands the
    group to the earliest joiner (``expire_at`` unchanged); the last to leave ends it."""
    group = get_group(session, group_id)
    mine = session.scalar(select(GroupbuyOrder).where(
        GroupbuyOrder.group_id == group.id, GroupbuyOrder.member_id == member_id,
        GroupbuyOrder.status == MemberStatus.GROUPING))
    if mine is None:
        raise GroupbuyConflict(E.CANNOT_LEAVE, "you are not waiting in this group")
    lock_order(session, mine.order_id)
    group = get_group(session, group.id, lock=True)
    session.refresh(mine)
    if mine.status != MemberStatus.GROUPING or group.status != GroupStatus.OPEN:
        raise GroupbuyConflict(E.CANNOT_LEAVE, "the group is no longer open")
    now = utcnow()
    mine.status = MemberStatus.LEFT
    group.joined -= 1
    _release(session, mine)
    if mine.is_leader:
        mine.is_leader = False
        heir = session.scalar(select(GroupbuyOrder).where(
            GroupbuyOrder.group_id == group.id, GroupbuyOrder.status == MemberStatus.GROUPING)
            .order_by(GroupbuyOrder.joined_at, GroupbuyOrder.id).limit(1))
        if heir is not None:
            heir.is_leader = True
            group.leader_member_id = heir.member_id
    if group.joined == 0:
        group.status, group.finished_at = GroupStatus.FAILED, now
    _refund(session, mine.order_id, "退出拼团")
    session.flush()
    return mine


def expire_group(session: Session, group_id: int) -> str:
    """At ``expire_at``: complete the group with virtual members when the share joined is at
    least ``virtual_min_pct`` (and virtual completion is on), else fail it: every member is
    refunded in full and the activity stock goes back. Applied once; early or again: no-op."""
    group = session.get(GroupbuyGroup, group_id)
    now = utcnow()
    if group is None or group.status != GroupStatus.OPEN or group.expire_at > now:
        return "nothing to do"
    members = _lock_members(session, group.id)
    group = get_group(session, group.id, lock=True)
    if group.status != GroupStatus.OPEN:
        return "nothing to do"
    activity = session.get(GroupbuyActivity, group.activity_id)
    assert activity is not None
    if activity.virtual_enabled and 100 * group.joined // group.size >= activity.virtual_min_pct:
        group.virtual = group.size - group.joined
        _succeed(session, group, now)
        return "virtual success"
    group.status, group.finished_at = GroupStatus.FAILED, now
    for member in members:
        member.status = MemberStatus.FAILED
        _release(session, member)
    session.flush()
    for member in members:
        _refund(session, member.order_id, "拼团失败，自动退款")
    return "failed"


def due_groups(session: Session, now: datetime, limit: int = 500) -> list[int]:
    return list(session.scalars(select(GroupbuyGroup.id).where(
        GroupbuyGroup.status == GroupStatus.OPEN, GroupbuyGroup.expire_at <= now)
        .order_by(GroupbuyGroup.expire_at, GroupbuyGroup.id).limit(limit)))


# --- holds and the order's detail --------------------------------------------------------------


GROUPING_TEXT = "拼团中"
STATUS_TEXT = {MemberStatus.PENDING: "待付款", MemberStatus.GROUPING: GROUPING_TEXT,
               MemberStatus.SUCCESS: "拼团成功", MemberStatus.FAILED: "拼团失败",
               MemberStatus.LEFT: "已退出", MemberStatus.REFUNDED: "拼团已满，已退款",
               MemberStatus.CLOSED: "已关闭"}


def hold_reason(session: Session, order: Any) -> str | None:
    row = order_row(session, order.id)
    if row is not None and row.status == MemberStatus.GROUPING:
        return "拼团中，未成团"
    return None


def check_aftersale(session: Session, order: Any, request: Any) -> None:
    """While the order's group is open only the group buy's own refunds go through."""
    if request.initiator == REFUND_INITIATOR:
        return
    row = order_row(session, order.id)
    if row is not None and row.status == MemberStatus.GROUPING:
        raise GroupbuyConflict(E.IN_PROGRESS, "the group is not complete yet (拼团中): "
                               "leave the group for a refund", group_id=row.group_id)


def order_info(session: Session, order: Any) -> dict[str, Any]:
    row = order_row(session, order.id)
    if row is None:
        return {}
    group = session.get(GroupbuyGroup, row.group_id) if row.group_id else None
    return {"groupbuy": {
        "activity_id": row.activity_id, "group_id": row.group_id, "status": row.status,
        "status_text": STATUS_TEXT[MemberStatus(row.status)], "is_leader": row.is_leader,
        "expire_at": group.expire_at.isoformat() if group else None,
        "seats_left": (group.size - group.joined - group.virtual) if group else None}}


def member_rows(session: Session, member_id: int, limit: int = 50) -> list[GroupbuyOrder]:
    return list(session.scalars(select(GroupbuyOrder).where(
        GroupbuyOrder.member_id == member_id,
        GroupbuyOrder.status != MemberStatus.CLOSED)
        .order_by(GroupbuyOrder.id.desc()).limit(limit)))


def group_members(session: Session, group_ids: list[int]) -> dict[int, list[GroupbuyOrder]]:
    found: dict[int, list[GroupbuyOrder]] = {i: [] for i in group_ids}
    if group_ids:
        for row in session.scalars(select(GroupbuyOrder).where(
                GroupbuyOrder.group_id.in_(group_ids),
                GroupbuyOrder.status.in_([MemberStatus.GROUPING, MemberStatus.SUCCESS,
                                          MemberStatus.FAILED]))
                .order_by(GroupbuyOrder.joined_at, GroupbuyOrder.id)):
            found[row.group_id].append(row)  # type: ignore[index]
    return found


def open_groups(session: Session, activity_ids: list[int], limit: int = 5
                ) -> dict[int, list[GroupbuyGroup]]:
    """Each activity's open groups with seats, closest to their end first."""
    found: dict[int, list[GroupbuyGroup]] = {i: [] for i in activity_ids}
    if activity_ids:
        now = utcnow()
        for group in session.scalars(select(GroupbuyGroup).where(
                GroupbuyGroup.activity_id.in_(activity_ids),
                GroupbuyGroup.status == GroupStatus.OPEN, GroupbuyGroup.expire_at > now,
                GroupbuyGroup.joined < GroupbuyGroup.size)
                .order_by(GroupbuyGroup.expire_at, GroupbuyGroup.id)):
            if len(found[group.activity_id]) < limit:
                found[group.activity_id].append(group)
    return found
