"""The rule sets' part of the distribution settings (module.json's schema gives defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings


def product_ids(text: str) -> frozenset[int]:
    return frozenset(int(part) for part in text.replace(" ", "").split(",") if part)


@dataclass(frozen=True)
class RuleSetSettings(ModuleSettings):
    MODULE_ID = "distribution"
    tuisan_product_ids: frozenset[int]
    chain21_product_ids: frozenset[int]
    chain21_direct_rate: Decimal
    chain21_team_rate: Decimal
    dividends: bool
    dividend_pool_rate: Decimal
    after_sale_days: int

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        return {**values,
                "tuisan_product_ids": product_ids(str(values["tuisan_product_ids"])),
                "chain21_product_ids": product_ids(str(values["chain21_product_ids"])),
                "chain21_direct_rate": Decimal(str(values["chain21_direct_rate"])),
                "chain21_team_rate": Decimal(str(values["chain21_team_rate"])),
                "dividend_pool_rate": Decimal(str(values["dividend_pool_rate"]))}

    def tuisan_eligible(self, product_id: int) -> bool:
        return not self.tuisan_product_ids or product_id in self.tuisan_product_ids


def ruleset_settings(session: Session) -> RuleSetSettings:
    from runtime.modules.switches import settings_of

    return RuleSetSettings.from_dict(settings_of(session, "distribution"))
