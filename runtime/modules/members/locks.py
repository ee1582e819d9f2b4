"""Row locks on members, taken in id order (growth, level and stats changes lock the member).

On PostgreSQL these are ``SELECT ... FOR UPDATE``; SQLite relies on ``BEGIN IMMEDIATE``.
Order across modules: member rows first, then point accounts, then wallet accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from runtime.modules.members.models import Member


def members_for_update(member_ids: Iterable[int]) -> Select[tuple[Member]]:
    return (select(Member).where(Member.id.in_(sorted(set(member_ids))))
            .order_by(Member.id).with_for_update())
