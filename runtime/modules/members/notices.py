"""Notices to members (积分即将过期, 签到提醒): written once per dedupe key, read in the app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.modules.members.errors import MemberErrorCode, not_found
from runtime.modules.members.models import Notice
from runtime.upsert import upsert


def notify(session: Session, member_id: int, *, kind: str, title: str, body: str,
           dedupe_key: str, data: dict[str, Any] | None = None) -> bool:
    """Write a notice unless one with ``dedupe_key`` exists; True when it was written."""
    now = utcnow()
    result = upsert(session, Notice,
                    {"shop_id": current_shop_id(session), "member_id": member_id, "kind": kind,
                     "title": title[:80], "body": body[:500], "data": data or {},
                     "dedupe_key": dedupe_key[:120], "created_at": now, "updated_at": now},
                    conflict=("shop_id", "dedupe_key"), returning=(Notice.id,))
    return result.first() is not None


def list_notices(session: Session, member_id: int, limit: int = 50) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.member_id == member_id)
                                .order_by(Notice.id.desc()).limit(limit)))


def unread_count(session: Session, member_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notice).where(
        Notice.member_id == member_id, Notice.read_at.is_(None))) or 0


def mark_read(session: Session, member_id: int, notice_id: int) -> Notice:
    notice = session.scalar(select(Notice).where(Notice.id == notice_id,
                                                 Notice.member_id == member_id))
    if notice is None:
        raise not_found("notice", notice_id, MemberErrorCode.NOTICE_NOT_FOUND)
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.flush()
    return notice


def mark_all_read(session: Session, member_id: int) -> int:
    return session.execute(update(Notice).where(Notice.member_id == member_id,
                                                Notice.read_at.is_(None))
                           .values(read_at=utcnow())).rowcount
