"""image-ad: every hot zone lies inside the image (x + w and y + h at most 100 %)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

EPSILON = 1e-6


def validate(settings: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for i, zone in enumerate(settings.get("zones") or []):
        if zone["x"] + zone["w"] > 100 + EPSILON:
            yield (f"/zones/{i}/w", f"the zone reaches past the right edge: x + w = "
                                    f"{zone['x'] + zone['w']:g}% (at most 100%)")
        if zone["y"] + zone["h"] > 100 + EPSILON:
            yield (f"/zones/{i}/h", f"the zone reaches past the bottom edge: y + h = "
                                    f"{zone['y'] + zone['h']:g}% (at most 100%)")
