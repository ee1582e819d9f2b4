"""The seckill module's settings as a typed value (defaults: module.json's schema)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "seckill"


@dataclass(frozen=True)
class SeckillSettings(ModuleSettings):
    MODULE_ID = MODULE_ID
    prewarm_minutes: int
    member_attempts_per_10s: int
    ticket_minutes: int


def seckill_settings(session: Session) -> SeckillSettings:
    from runtime.modules.switches import settings_of

    return SeckillSettings.from_dict(settings_of(session, MODULE_ID))
