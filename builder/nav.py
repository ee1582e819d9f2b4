"""The console's left navigation: fixed sections, entries registered by modules.

A console package adds its screens in its ``init_app`` / ``init_console``::

    from builder import nav
    nav.register(app, "catalog", _l("Products"), "catalog_console.products", order=10)

Entries are per app and frozen once ``create_app`` is done. An entry shows only when the
member ``can(area)`` (and, with ``module``, while that module is on for the shop); a section
with no visible entry is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l

from runtime.pages.manifests import RegistryFrozen

#: The sections of the left nav, in display order: (area, label, icon).
#: ``overview`` is open to every member; ``settings`` to owners and admins; the others are
#: the permission areas of :class:`runtime.accounts.models.Area`.
SECTIONS: tuple[tuple[str, Any, str], ...] = (
    ("overview", _l("Overview"), "home"),
    ("pages", _l("Pages"), "layout"),
    ("catalog", _l("Products"), "box"),
    ("orders", _l("Orders"), "receipt"),
    ("members", _l("Members"), "users"),
    ("marketing", _l("Marketing"), "gift"),
    ("finance", _l("Finance"), "wallet"),
    ("settings", _l("Settings"), "gear"),
)
SECTION_AREAS = frozenset(area for area, _label, _icon in SECTIONS)


@dataclass(frozen=True)
class NavEntry:
    area: str
    label: Any
    endpoint: str
    order: int = 100
    module: str | None = None  # shown only while this module is on for the shop


REGISTRY_KEY = "console.nav"


class NavRegistry:
    """One app's console nav entries; frozen after start-up."""

    def __init__(self) -> None:
        self._entries: dict[str, NavEntry] = {}
        self.frozen = False

    def add(self, entry: NavEntry) -> None:
        if self.frozen:
            raise RegistryFrozen(f"nav entry {entry.endpoint!r} added after start-up; "
                                 "register it in the console package's init")
        if entry.area not in SECTION_AREAS:
            raise ValueError(f"unknown console nav area {entry.area!r}; use one of "
                             f"{', '.join(sorted(SECTION_AREAS))}")
        self._entries[entry.endpoint] = entry

    def freeze(self) -> None:
        self.frozen = True

    def entries(self) -> list[NavEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.endpoint))


def registry_of(app: Flask) -> NavRegistry:
    registries = app.extensions["mallkit"].registries
    return registries.setdefault(REGISTRY_KEY, NavRegistry())


def register(app: Flask, area: str, label: Any, endpoint: str, order: int = 100,
             module: str | None = None) -> None:
    """Add a console screen to the nav section ``area`` (a lazy_gettext label); with
    ``module``, only while that module is switched on for the shop."""
    registry_of(app).add(NavEntry(area, label, endpoint, order, module))


def entries() -> list[NavEntry]:
    return registry_of(current_app).entries()


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavSection:
    area: str
    label: str
    icon: str
    items: list[NavItem]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)

    @property
    def url(self) -> str:
        return self.items[0].url


def build(can: Any) -> list[NavSection]:
    """The sections and entries the current member may see, for the current shop."""
    endpoint = request.endpoint if request else None
    by_area: dict[str, list[NavEntry]] = {}
    listed = entries()
    modules_on = _modules_on({e.module for e in listed if e.module})
    for entry in listed:
        if entry.module and entry.module not in modules_on:
            continue
        by_area.setdefault(entry.area, []).append(entry)
    sections: list[NavSection] = []
    for area, label, icon in SECTIONS:
        if not can(area) or area not in by_area:
            continue
        items = [NavItem(str(e.label), url_for(e.endpoint), _is_active(e.endpoint, endpoint))
                 for e in by_area[area]]
        sections.append(NavSection(area, str(label), icon, items))
    return sections


def _modules_on(module_ids: set[str]) -> set[str]:
    """Which of ``module_ids`` the current shop has on (one query, only when asked)."""
    if not module_ids:
        return set()
    from runtime.modules.switches import enabled_modules
    from runtime.tenancy import current_shop, db

    if current_shop() is None:
        return set()
    return module_ids & enabled_modules(db())


def _is_active(entry_endpoint: str, endpoint: str | None) -> bool:
    """Exact match, or a screen named after the entry (``products`` -> ``products_edit``)."""
    return bool(endpoint) and (endpoint == entry_endpoint
                               or endpoint.startswith(entry_endpoint + "_"))
