"""Point accounts, created on first use and locked in member-id order.

The account row is the lock for everything about a member's points: the ledger, its lots
and the balance change only while it is held. On PostgreSQL ``SELECT ... FOR UPDATE``;
SQLite relies on ``BEGIN IMMEDIATE``. Take member rows before point accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.modules.members.service import require_members
from runtime.modules.points.models import PointAccount
from runtime.upsert import upsert


def ensure_accounts(session: Session, member_ids: Iterable[int]) -> None:
    """Insert the missing accounts; a concurrent insert of the same one is not an error."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    shop_id = current_shop_id(session)
    existing = set(session.scalars(select(PointAccount.member_id)
                                   .where(PointAccount.member_id.in_(ids))))
    missing = [i for i in ids if i not in existing]
    if missing:
        require_members(session, missing)  # never an account for another shop's member
        upsert(session, PointAccount,
               [{"shop_id": shop_id, "member_id": i, "balance": 0, "earned_total": 0,
                 "spent_total": 0, "expired_total": 0} for i in missing],
               conflict=("shop_id", "member_id"))


def accounts_for_update(session: Session, member_ids: Iterable[int]) -> list[PointAccount]:
    ids = sorted(set(member_ids))
    ensure_accounts(session, ids)
    return list(session.scalars(
        select(PointAccount).where(PointAccount.member_id.in_(ids))
        .order_by(PointAccount.id).with_for_update()
        .execution_options(populate_existing=True)))
