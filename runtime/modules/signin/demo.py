"""Demo data of the sign-in module: switched on with its default rewards."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.shops.models import Shop


def seed_demo_signin(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "signin"):
        switches.enable(session, "signin")
