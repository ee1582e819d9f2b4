"""Console screen of the member-day module: per member level, the price of a 100-yuan item on
an ordinary day and on the member day (the better one applies, never both) and the points
multiplier; the next member days. 404 while the module is off."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask.typing import ResponseReturnValue

from builder.auth import shop_blueprint
from builder.members.views import _render
from runtime.modules import switches
from runtime.modules.memberday import service
from runtime.modules.memberday.settings import MODULE_ID
from runtime.modules.members.levels import list_levels
from runtime.pricing import percent_of
from runtime.tenancy import db

memberday_console = shop_blueprint("memberday_console", __name__, area="marketing",
                                   template_folder="templates")
SAMPLE_FEN = 10_000  # the item the table prices
UPCOMING = 6


@memberday_console.before_request
def _module_on() -> None:
    if not switches.is_enabled(db(), MODULE_ID):
        abort(404)


@dataclass(frozen=True)
class LevelRow:
    name: str
    rank: int | None
    takes_part: bool
    ordinary_fen: int
    member_day_fen: int
    multiplier: str


@memberday_console.get("/memberday", endpoint="overview")
def overview() -> ResponseReturnValue:
    session = db()
    rules = service.settings(session)
    day_price = percent_of(SAMPLE_FEN, rules.discount_percent)
    rows = [LevelRow("—", None, rules.min_level_rank <= 0, SAMPLE_FEN,
                     min(SAMPLE_FEN, day_price) if rules.min_level_rank <= 0 else SAMPLE_FEN,
                     str(rules.points_multiplier if rules.min_level_rank <= 0 else 1))]
    for level in list_levels(session):
        ordinary = percent_of(SAMPLE_FEN, level.discount_percent)
        part = level.rank >= rules.min_level_rank
        rows.append(LevelRow(
            level.name, level.rank, part, ordinary,
            min(ordinary, day_price) if part else ordinary,
            str(max(level.points_multiplier, rules.points_multiplier) if part
                else level.points_multiplier)))
    today = service.shop_day(session)
    dates, day = [], rules.next_member_day(today)
    while len(dates) < UPCOMING:
        dates.append(day)
        day = rules.next_member_day(day.fromordinal(day.toordinal() + 1))
    return _render("memberday/overview.html", rules=rules, schedule=rules.schedule_text,
                   rows=rows, dates=dates, today=today, sample_fen=SAMPLE_FEN)
