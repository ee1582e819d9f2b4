"""The invite module's settings as a typed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.modules.settings import ModuleSettings

MODULE_ID = "invite"


@dataclass(frozen=True)
class InviteSettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    title: str
    trigger: str  # "register" | "first_paid_order"
    inviter_points: int
    inviter_coupon_template_ids: tuple[int, ...]
    invitee_points: int
    invitee_coupon_template_ids: tuple[int, ...]
    daily_limit: int  # inviter rewards per shop-local day; 0 = no limit
    total_cap: int  # inviter rewards in all; 0 = no limit
    new_member_hours: int

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        for key in ("inviter_coupon_template_ids", "invitee_coupon_template_ids"):
            values[key] = tuple(values.get(key) or ())
        return values

    @property
    def on_payment(self) -> bool:
        return self.trigger == "first_paid_order"
