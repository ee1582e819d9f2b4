"""The members module's per-shop settings as a typed value."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "members"


@dataclass(frozen=True)
class MemberSettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    token_ttl_days: int
    h5_login_enabled: bool
    growth_per_yuan: int
    growth_signup: int
    growth_bind_phone: int
    growth_complete_profile: int
    active_days: int
    dormant_days: int

    def growth_for_action(self, action: str) -> int:
        return int(getattr(self, f"growth_{action}", 0))


def member_settings(session: Session) -> MemberSettings:
    from runtime.modules.switches import settings_of

    return MemberSettings.from_dict(settings_of(session, MODULE_ID))
