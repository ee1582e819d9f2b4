"""Wallet accounts, created on first use and locked in member-id order (after member rows
and point accounts). PostgreSQL: ``SELECT ... FOR UPDATE``; SQLite: ``BEGIN IMMEDIATE``."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.modules.members.service import require_members
from runtime.modules.wallet.models import TopUp, WalletAccount
from runtime.upsert import upsert


def accounts_for_update(session: Session, member_ids: Iterable[int]) -> list[WalletAccount]:
    ids = sorted(set(member_ids))
    existing = set(session.scalars(select(WalletAccount.member_id)
                                   .where(WalletAccount.member_id.in_(ids))))
    missing = [i for i in ids if i not in existing]
    if missing:
        require_members(session, missing)  # never an account for another shop's member
        shop_id = current_shop_id(session)
        upsert(session, WalletAccount,
               [{"shop_id": shop_id, "member_id": i, "principal_fen": 0, "bonus_fen": 0}
                for i in missing], conflict=("shop_id", "member_id"))
    return list(session.scalars(
        select(WalletAccount).where(WalletAccount.member_id.in_(ids))
        .order_by(WalletAccount.id).with_for_update()
        .execution_options(populate_existing=True)))


def topup_for_update(session: Session, out_trade_no: str) -> TopUp | None:
    return session.scalar(select(TopUp).where(TopUp.out_trade_no == out_trade_no)
                          .with_for_update().execution_options(populate_existing=True))
