"""magic-cube: the number of cells matches the layout (1-2: 2, 1l-2r: 3, 2-2: 4, ...)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

CELLS = {"1-2": 2, "1-3": 3, "1-4": 4, "2-2": 4, "1l-2r": 3, "1t-2b": 3, "1l-3r": 4}


def validate(settings: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    wanted = CELLS[settings["layout"]]
    given = len(settings.get("cells") or [])
    if given != wanted:
        yield ("/cells", f"layout '{settings['layout']}' needs exactly {wanted} cells "
                         f"({given} given)")
