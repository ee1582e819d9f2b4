"""The sign-in module's settings as a typed value, and the reward rules that read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.errors import FieldError
from runtime.fielderrors import FieldErrors

MODULE_ID = "signin"


@dataclass(frozen=True)
class SigninSettings:
    daily_points: int = 5
    cycle_days: int = 7
    rewards: tuple[tuple[int, int], ...] = ((3, 10), (7, 30))  # (cycle day, extra points)
    reset_on_miss: bool = True
    makeup_enabled: bool = True
    makeup_cost_points: int = 20
    makeup_max_per_month: int = 2
    milestones: tuple[tuple[int, int], ...] = ((7, 50), (15, 100), (28, 300))  # (days, points)
    remind_enabled: bool = False
    remind_hour: int = 20

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SigninSettings:
        plain = {k: v for k, v in values.items() if k in cls.__dataclass_fields__
                 and k not in ("rewards", "milestones")}
        rewards = tuple(sorted((int(r["day"]), int(r["points"]))
                               for r in values.get("rewards", [])))
        milestones = tuple(sorted((int(m["days"]), int(m["points"]))
                                  for m in values.get("milestones", [])))
        return cls(rewards=rewards, milestones=milestones, **plain)

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
