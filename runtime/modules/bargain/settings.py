"""The bargain's settings as a typed value (defaults: module.json's schema)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "bargain"


@dataclass(frozen=True)
class BargainSettings(ModuleSettings):
    MODULE_ID = MODULE_ID
    share_title: str
    rules_text: str


def bargain_settings(session: Session) -> BargainSettings:
    from runtime.modules.switches import settings_of

    return BargainSettings.from_dict(settings_of(session, MODULE_ID))
