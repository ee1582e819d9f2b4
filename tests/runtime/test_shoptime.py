"""The shop's calendar helpers, without an app or a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from runtime.shoptime import (
    DEFAULT_ZONE,
    is_known_zone,
    local_midnight,
    local_text,
    local_today,
    shop_zone,
    zone_named,
    zone_of,
)

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("name, known", [("Asia/Shanghai", True), ("UTC", True),
                                         ("Mars/Olympus", False), ("", False), (None, False),
                                         ("../etc/passwd", False)])
def test_known_zones(name: str | None, known: bool) -> None:
    assert is_known_zone(name) is known


def test_unknown_or_blank_zone_falls_back_to_the_default() -> None:
    assert zone_named("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert zone_named("Mars/Olympus") == ZoneInfo(DEFAULT_ZONE)
    assert zone_named(None) == ZoneInfo(DEFAULT_ZONE)
    assert zone_of(None) == ZoneInfo(DEFAULT_ZONE)
    assert zone_of(SimpleNamespace(timezone="Asia/Tokyo")) == ZoneInfo("Asia/Tokyo")  # type: ignore[arg-type]


def test_local_day_turns_at_the_shops_midnight_not_utcs() -> None:
    # 16:30 UTC is 00:30 the next day in Shanghai, still the same day in London
    moment = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert local_today(SH, moment) == date(2026, 3, 2)
    assert local_today(ZoneInfo("Europe/London"), moment) == date(2026, 3, 1)


def test_local_midnight_is_the_instant_the_local_day_starts() -> None:
    start = local_midnight(SH, date(2026, 3, 2))
    assert start.astimezone(UTC) == datetime(2026, 3, 1, 16, 0, tzinfo=UTC)


def test_local_text_formats_in_the_zone_and_accepts_iso_text() -> None:
    moment = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert local_text(moment, SH) == "2026-03-02 00:30"
    assert local_text(moment.isoformat(), SH, "%H:%M") == "00:30"
    assert local_text(None, SH) == ""
    assert local_text("", SH) == ""


def test_shop_zone_needs_a_shop_scoped_session() -> None:
    session = SimpleNamespace(info={"shop_id": None})
    with pytest.raises(RuntimeError, match="use_shop"):
        shop_zone(session)  # type: ignore[arg-type]
