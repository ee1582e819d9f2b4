"""page-tabs: every tab row of the page (its own tabs or the shop's top-level categories)."""

from __future__ import annotations

from typing import Any

from runtime.blocklib.tabs import tab_rows


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    return tab_rows(((i.id, {**i.settings, "tab_source": i.settings["source"]}) for i in batch),
                    ctx)
