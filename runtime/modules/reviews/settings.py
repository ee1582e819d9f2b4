"""The reviews module's settings as a typed value (defaults: module.json's schema)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.modules.settings import ModuleSettings

MODULE_ID = "reviews"


@dataclass(frozen=True)
class ReviewSettings(ModuleSettings):
    MODULE_ID = MODULE_ID
    auto_review_enabled: bool
    auto_review_days: int
    auto_review_text: str
    require_approval: bool
    followup_days: int


def review_settings(session: Session) -> ReviewSettings:
    from runtime.modules.switches import settings_of

    return ReviewSettings.from_dict(settings_of(session, MODULE_ID))
