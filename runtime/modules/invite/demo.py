"""Demo data of the invite module: switched on with its defaults (100 points for the inviter,
50 for the new member, when the new member registers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.shops.models import Shop


def seed_demo_invite(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "invite"):
        switches.enable(session, "invite")
