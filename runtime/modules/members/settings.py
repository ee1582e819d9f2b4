"""The members module's per-shop settings as a typed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

MODULE_ID = "members"


@dataclass(frozen=True)
class MemberSettings:
    token_ttl_days: int = 30
    h5_login_enabled: bool = True
    growth_per_yuan: int = 1
    growth_signup: int = 0
    growth_bind_phone: int = 0
    growth_complete_profile: int = 0
    active_days: int = 30
    dormant_days: int = 90

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> MemberSettings:
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    def growth_for_action(self, action: str) -> int:
        return int(getattr(self, f"growth_{action}", 0))


def member_settings(session: Session) -> MemberSettings:
    from runtime.modules.switches import settings_of

    return MemberSettings.from_dict(settings_of(session, MODULE_ID))
