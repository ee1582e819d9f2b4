"""The coupons module's settings as a typed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "coupons"


@dataclass(frozen=True)
class CouponSettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    signup_template_ids: tuple[int, ...]
    remind_hours: int

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "signup_template_ids": tuple(values["signup_template_ids"])}


def coupon_settings(session: Session) -> CouponSettings:
    from runtime.modules.switches import settings_of

    return CouponSettings.from_dict(settings_of(session, MODULE_ID))
