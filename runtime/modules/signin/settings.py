"""The sign-in module's settings as a typed value, and the reward rules that read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.errors import FieldError
from runtime.fielderrors import FieldErrors
from runtime.modules.settings import ModuleSettings

MODULE_ID = "signin"


@dataclass(frozen=True)
class SigninSettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    daily_points: int
    cycle_days: int
    rewards: tuple[tuple[int, int], ...]  # (cycle day, extra points)
    reset_on_miss: bool
    makeup_enabled: bool
    makeup_cost_points: int
    makeup_max_per_month: int
    milestones: tuple[tuple[int, int], ...]  # (days signed in the month, points)
    remind_enabled: bool
    remind_hour: int

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        def pairs(items: Any, first: str, second: str) -> tuple[tuple[int, int], ...]:
            return tuple(sorted(tuple(i) if isinstance(i, tuple | list)
                                else (int(i[first]), int(i[second])) for i in items))

        return {**values, "rewards": pairs(values["rewards"], "day", "points"),
                "milestones": pairs(values["milestones"], "days", "points")}

    def cycle_day(self, streak: int) -> int:
        """Day of the cycle for a streak: 1..cycle_days, then 1 again."""
        return (streak - 1) % self.cycle_days + 1

    def extra_for(self, cycle_day: int) -> int:
        return sum(points for day, points in self.rewards if day == cycle_day)

    def points_for(self, streak: int) -> int:
        """What a sign-in that makes ``streak`` pays: the daily points plus the reward of
        its cycle day."""
        return self.daily_points + self.extra_for(self.cycle_day(streak))


def check_rules(values: dict[str, Any]) -> None:
    """The rules a JSON Schema cannot say: reward days within the cycle and distinct,
    milestone day counts distinct."""
    errors = FieldErrors()
    cycle = values.get("cycle_days", 7)
    seen: set[int] = set()
    for i, reward in enumerate(values.get("rewards", [])):
        day = reward.get("day")
        if isinstance(day, int) and isinstance(cycle, int) and day > cycle:
            errors.append(FieldError(f"/settings/rewards/{i}/day",
                                     f"day {day} is beyond the {cycle}-day cycle", "range"))
        if day in seen:
            errors.append(FieldError(f"/settings/rewards/{i}/day", f"day {day} is listed twice",
                                     "unique"))
        seen.add(day)
    seen = set()
    for i, milestone in enumerate(values.get("milestones", [])):
        days = milestone.get("days")
        if days in seen:
            errors.append(FieldError(f"/settings/milestones/{i}/days",
                                     f"{days} days is listed twice", "unique"))
        seen.add(days)
    errors.raise_if_any()


def signin_settings(session: Session) -> SigninSettings:
    from runtime.modules.switches import settings_of

    return SigninSettings.from_dict(settings_of(session, MODULE_ID))


def save_settings(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Validate (schema, then :func:`check_rules`) and store the settings; the module's
    on/off switch is left as it is."""
    from runtime.modules.switches import update_settings

    if isinstance(values, dict):
        check_rules(values)
    return update_settings(session, MODULE_ID, values)
