"""The points module's per-shop settings as a typed value, and the expiry policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings
from runtime.shoptime import local_midnight

MODULE_ID = "points"


@dataclass(frozen=True)
class PointsSettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    earn_points_per_yuan: int
    points_signup: int
    points_bind_phone: int
    points_complete_profile: int
    deduction_enabled: bool
    deduction_points_per_yuan: int
    deduction_max_percent: int
    expiry_policy: str
    expiry_days: int
    expiry_notice_days: int

    def points_for_action(self, action: str) -> int:
        return int(getattr(self, f"points_{action}", 0))

    def lot_expiry(self, earned_at: datetime, zone: ZoneInfo) -> datetime | None:
        """When points earned at ``earned_at`` expire.

        ``end_of_next_year``: at the end of the year after the one they were earned in,
        shop-local (earned any day of 2026 -> gone at 2028-01-01 00:00); ``days``: that many
        days after earning; ``never``: they do not expire.
        """
        if self.expiry_policy == "never":
            return None
        if self.expiry_policy == "days":
            return earned_at + timedelta(days=self.expiry_days)
        year = earned_at.astimezone(zone).year
        return local_midnight(zone, date(year + 2, 1, 1))


def points_settings(session: Session) -> PointsSettings:
    from runtime.modules.switches import settings_of

    return PointsSettings.from_dict(settings_of(session, MODULE_ID))
