"""Pushing a coupon to a member segment (定向发券): the segment is the member list's
filters (level, tag, lifecycle stage, spend); a ``bulk`` job issues it once per member."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import ValidationFailed
from runtime.modules.coupons.models import CouponPush
from runtime.modules.coupons.templates import CouponNotFound, get_template

SEGMENT_FIELDS = ("level_id", "tag_id", "stage", "min_spent_fen", "max_spent_fen")


def _filters(segment: dict[str, Any]) -> Any:
    from runtime.modules.members.queries import MemberFilters

    return MemberFilters.parse({k: v for k, v in segment.items() if k in SEGMENT_FIELDS})


def clean_segment(segment: Any) -> dict[str, Any]:
    if not isinstance(segment, dict):
        raise ValidationFailed.single("/segment", "an object of member filters", "type")
    unknown = sorted(set(segment) - set(SEGMENT_FIELDS))
    if unknown:
        raise ValidationFailed.single(f"/segment/{unknown[0]}", "unknown filter", "unknown")
    _filters(segment)
    return {k: v for k, v in segment.items() if v not in (None, "")}


def segment_query(segment: dict[str, Any]) -> Any:
    from runtime.modules.members.models import Member
    from runtime.modules.members.queries import filtered

    return filtered(_filters(segment)).where(Member.status == "active")


def segment_size(session: Session, segment: dict[str, Any]) -> int:
    return session.scalar(select(func.count()).select_from(
        segment_query(segment).order_by(None).subquery())) or 0


def segment_member_ids(session: Session, segment: dict[str, Any], after: int,
                       limit: int) -> list[int]:
    from runtime.modules.members.models import Member

    query = segment_query(segment).where(Member.id > after).order_by(Member.id).limit(limit)
    return [m.id for m in session.scalars(query)]


def create_push(session: Session, template_id: int, segment: Any) -> CouponPush:
    """Record the push and queue its ``bulk`` job after commit."""
    from runtime.jobs import BULK, enqueue_for_app_after_commit, job_id
    from runtime.modules.coupons.jobs import run_push

    template = get_template(session, template_id)
    clean = clean_segment(segment)
    push = CouponPush(template_id=template.id, segment=clean,
                      targeted=segment_size(session, clean))
    session.add(push)
    session.flush()
    shop_id = current_shop_id(session)
    enqueue_for_app_after_commit(session, run_push, shop_id, push.id, queue=BULK,
                                 jid=job_id("coupons-push", shop_id, push.id))
    return push


def get_push(session: Session, push_id: int) -> CouponPush:
    push = session.scalar(select(CouponPush).where(CouponPush.id == push_id))
    if push is None:
        raise CouponNotFound(f"no push {push_id}")
    return push


def issue_to(session: Session, push: CouponPush, member_id: int) -> int:
    """The push's coupon for one member; 0 when an earlier run gave it already."""
    from runtime.modules.coupons.models import MemberCoupon
    from runtime.modules.coupons.service import issue_by_key

    key = f"push-{push.id}-{member_id}"
    if session.scalar(select(MemberCoupon.id).where(MemberCoupon.issue_key == key)):
        return 0
    return len(issue_by_key(session, member_id, [push.template_id], "push", key))


def finish(session: Session, push: CouponPush) -> None:
    """Done: ``issued`` counts the push's coupons (whatever run issued them)."""
    from runtime.modules.coupons.models import MemberCoupon

    count = session.scalar(select(func.count()).select_from(MemberCoupon).where(
        MemberCoupon.issue_key.like(f"push-{push.id}-%"))) or 0
    session.execute(update(CouponPush).where(CouponPush.id == push.id).values(
        status="done", issued=count, finished_at=utcnow())
        .execution_options(synchronize_session=False))


def list_pushes(session: Session, limit: int = 20) -> list[CouponPush]:
    return list(session.scalars(select(CouponPush).order_by(CouponPush.id.desc()).limit(limit)))
