"""Demo data of the member-day module: switched on with its defaults (every Wednesday, 九折
and double points for every member)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.shops.models import Shop


def seed_demo_memberday(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "memberday"):
        switches.enable(session, "memberday")
