"""The distribution module's settings as a typed value (defaults: module.json's schema)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "distribution"


@dataclass(frozen=True)
class ApplicationField:
    key: str
    label: str
    required: bool


@dataclass(frozen=True)
class DistributionSettings(ModuleSettings):
    """Rates are percentages as exact :class:`Decimal` (10.5 = 10.5 %)."""

    MODULE_ID = MODULE_ID
    enrolment: str
    threshold_fen: int
    application_fields: tuple[ApplicationField, ...]
    level1_rate: Decimal
    level2_rate: Decimal
    self_purchase: bool
    activity_kinds: frozenset[str]
    binding_mode: str
    binding_days: int
    registration_hours: int
    lock_days: int
    after_sale_days: int
    withdraw_min_fen: int
    withdraw_fee_rate: Decimal
    withdraw_daily_limit_fen: int
    withdraw_to_wallet: bool
    withdraw_to_bank: bool
    withdraw_to_wechat: bool

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        kinds = values["activity_kinds"]
        if isinstance(kinds, str):
            kinds = [k.strip() for k in kinds.split(",")]
        fields = tuple(f if isinstance(f, ApplicationField) else ApplicationField(
            str(f["key"]), str(f["label"]), bool(f.get("required", True)))
            for f in values["application_fields"])
        return {**values, "application_fields": fields,
                "activity_kinds": frozenset(k for k in kinds if k),
                "level1_rate": Decimal(str(values["level1_rate"])),
                "level2_rate": Decimal(str(values["level2_rate"])),
                "withdraw_fee_rate": Decimal(str(values["withdraw_fee_rate"]))}


def distribution_settings(session: Session) -> DistributionSettings:
    from runtime.modules.switches import settings_of

    return DistributionSettings.from_dict(settings_of(session, MODULE_ID))
