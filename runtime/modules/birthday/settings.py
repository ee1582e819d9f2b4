"""The birthday module's settings as a typed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.modules.settings import ModuleSettings

MODULE_ID = "birthday"


@dataclass(frozen=True)
class BirthdaySettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    coupon_template_ids: tuple[int, ...]
    timing: str  # "day" | "month"
    notice_title: str

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        values["coupon_template_ids"] = tuple(values.get("coupon_template_ids") or ())
        return values
