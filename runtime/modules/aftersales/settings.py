"""The after-sales settings as a typed value (defaults: module.json's settings schema)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings
from runtime.modules.switches import settings_of

MODULE_ID = "aftersales"


@dataclass(frozen=True)
class AfterSaleSettings(ModuleSettings):
    MODULE_ID = MODULE_ID
    window_days: int
    auto_approve_hours: int
    auto_approve_max_fen: int
    return_ship_days: int
    receive_days: int
    return_contact: str
    return_phone: str
    return_address: str

    def return_to(self) -> dict[str, Any] | None:
        """The shop's return address for a buyer sending goods back (None when unset)."""
        if not self.return_address:
            return None
        return {"name": self.return_contact, "phone": self.return_phone,
                "address": self.return_address}


def aftersale_settings(session: Session) -> AfterSaleSettings:
    return AfterSaleSettings.from_dict(settings_of(session, MODULE_ID))
