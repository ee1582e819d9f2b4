"""The wallet module's per-shop settings: top-up tiers (充 X 送 Y) and limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

MODULE_ID = "wallet"


@dataclass(frozen=True)
class Tier:
    pay_fen: int
    bonus_fen: int


@dataclass(frozen=True)
class WalletSettings:
    topup_enabled: bool = True
    topup_tiers: tuple[Tier, ...] = ()
    allow_custom_amount: bool = True
    min_topup_fen: int = 100
    max_topup_fen: int = 1_000_000

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> WalletSettings:
        tiers = tuple(sorted((Tier(int(t["pay_fen"]), int(t["bonus_fen"]))
                              for t in values.get("topup_tiers", [])),
                             key=lambda t: t.pay_fen))
        plain = {k: v for k, v in values.items()
                 if k in cls.__dataclass_fields__ and k != "topup_tiers"}
        return cls(topup_tiers=tiers, **plain)

    def bonus_for(self, amount_fen: int) -> int:
        """The bonus of the highest tier the amount reaches (充 100 送 10: 150 -> 10)."""
        reached = [t for t in self.topup_tiers if t.pay_fen <= amount_fen]
        return reached[-1].bonus_fen if reached else 0


def wallet_settings(session: Session) -> WalletSettings:
    from runtime.modules.switches import settings_of

    return WalletSettings.from_dict(settings_of(session, MODULE_ID))
