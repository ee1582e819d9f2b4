"""Member day's order hook: orders paid on the day earn points at its multiplier."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.memberday import service


@hookimpl
def points_multiplier(session: Session, order: Any) -> Decimal | None:
    if order.paid_at is None:
        return None
    return service.multiplier_for(session, order.member_id, order.paid_at)
