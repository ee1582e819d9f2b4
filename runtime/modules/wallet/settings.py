"""The wallet module's per-shop settings: top-up tiers (充 X 送 Y) and limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "wallet"


@dataclass(frozen=True)
class Tier:
    pay_fen: int
    bonus_fen: int


@dataclass(frozen=True)
class WalletSettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    topup_enabled: bool
    topup_tiers: tuple[Tier, ...]
    allow_custom_amount: bool
    min_topup_fen: int
    max_topup_fen: int

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        tiers = sorted((t if isinstance(t, Tier) else Tier(int(t["pay_fen"]), int(t["bonus_fen"]))
                        for t in values["topup_tiers"]), key=lambda t: t.pay_fen)
        return {**values, "topup_tiers": tuple(tiers)}

    def bonus_for(self, amount_fen: int) -> int:
        """The bonus of the highest tier the amount reaches (充 100 送 10: 150 -> 10)."""
        reached = [t for t in self.topup_tiers if t.pay_fen <= amount_fen]
        return reached[-1].bonus_fen if reached else 0


def wallet_settings(session: Session) -> WalletSettings:
    from runtime.modules.switches import settings_of

    return WalletSettings.from_dict(settings_of(session, MODULE_ID))
