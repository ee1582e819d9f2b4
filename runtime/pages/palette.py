"""The editor's block palette: which blocks a shop may place on a page of a given kind."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.switches import module_state
from runtime.pages.registries import Registries, default_registries
from runtime.pages.tree import Visibility, shown


def available_blocks(session: Session, page_kind: str, *, child_of: str | None = None,
                     registries: Registries | None = None) -> list[dict[str, Any]]:
    """Blocks offered for ``page_kind`` in the current shop (or as children of ``child_of``):
    those whose modules are on, with what the editor needs to add one."""
    regs = registries or default_registries()
    if page_kind not in regs.kinds:
        raise ValueError(f"unknown page kind {page_kind!r}")
    state = module_state(session, regs.modules)
    allowed = None if child_of is None else set(regs.blocks[child_of].child_types)
    visibility = Visibility(state.enabled, None, None if child_of else page_kind)
    out = []
    for block in regs.blocks:
        if allowed is not None and block.type not in allowed:
            continue
        if not shown(block, visibility):
            continue
        manifest = block.manifest
        out.append({
            "type": block.type, "version": block.version, "name": manifest["name"],
            "description": manifest.get("description"), "category": manifest["category"],
            "icon": manifest.get("icon"), "limit": block.limit, "fixed": block.fixed,
            "min_client": manifest.get("min_client"), "settings_schema": manifest["settings"],
            "defaults": block.default_settings(), "presets": block.presets,
            "children": ({"types": list(block.child_types), "max": block.max_children}
                         if block.child_types else None),
        })
    return out
