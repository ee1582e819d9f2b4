"""header-combo: the tab row of every header on the page (see runtime.blocklib.tabs)."""

from __future__ import annotations

from typing import Any

from runtime.blocklib.tabs import tab_rows


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    return tab_rows(((i.id, i.settings) for i in batch), ctx)
