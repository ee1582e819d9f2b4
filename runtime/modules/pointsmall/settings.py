"""The points mall's settings as a typed value (defaults: module.json's schema)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "pointsmall"


@dataclass(frozen=True)
class PointsMallSettings(ModuleSettings):
    MODULE_ID = MODULE_ID
    title: str
    free_shipping: bool


def pointsmall_settings(session: Session) -> PointsMallSettings:
    from runtime.modules.switches import settings_of

    return PointsMallSettings.from_dict(settings_of(session, MODULE_ID))
