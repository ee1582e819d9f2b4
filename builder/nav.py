"""The console's left navigation: fixed sections, entries registered by modules.

A console package adds its screens in its ``init_app`` / ``init_console``::

    from builder import nav
    nav.register(app, "catalog", _l("Products"), "catalog_console.products", order=10)

Entries are per app and frozen once ``create_app`` is done. An entry shows only when the
member ``can(area)`` (and, with ``module``, while that module is on for the shop); a section
with no visible entry is hidden. The labels and URLs of what a member sees are built once per
shop, language, visible areas and modules on, and kept by the registry (they depend on
nothing else), so a page only marks the active entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from runtime.modules.switches import enabled_modules
from runtime.pages.manifests import RegistryFrozen
from runtime.tenancy import current_shop, db

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
#: How many built navs (shop x language x visible areas x modules on) a registry keeps.
BUILT_NAVS_KEPT = 256


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    endpoint: str


#: A built nav: (area, label, icon, links) per visible section.
BuiltNav = tuple[tuple[str, str, str, tuple[NavLink, ...]], ...]


class NavRegistry:
    """One app's console nav entries; frozen after start-up, then keeping the navs built
    from them (the least recently used dropped)."""

    def __init__(self) -> None:
        self._entries: dict[str, NavEntry] = {}
        self._sorted: list[NavEntry] | None = None
        self._built: OrderedDict[tuple[Any, ...], BuiltNav] = OrderedDict()
        self._lock = threading.Lock()
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
        self._sorted = self.entries()
        self.frozen = True

    def entries(self) -> list[NavEntry]:
        if self._sorted is not None:
            return self._sorted
        return sorted(self._entries.values(), key=lambda e: (e.order, e.endpoint))

    def built(self, key: tuple[Any, ...], build: Any) -> BuiltNav:
        """The nav built for ``key``: kept from an earlier ``build()``, or built now."""
        with self._lock:
            found = self._built.get(key)
            if found is not None:
                self._built.move_to_end(key)
                return found
        nav = build()
        with self._lock:
            self._built[key] = nav
            while len(self._built) > BUILT_NAVS_KEPT:
                self._built.popitem(last=False)
        return nav


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
    registry = registry_of(current_app)
    listed = registry.entries()
    modules_on = frozenset(_modules_on({e.module for e in listed if e.module}))
    areas = tuple(area for area, _label, _icon in SECTIONS if can(area))
    shop = current_shop()
    key = (request.script_root, shop.slug if shop else None, str(get_locale()), areas,
           modules_on)
    built = registry.built(key, lambda: _build_links(listed, areas, modules_on))
    endpoint = request.endpoint
    return [NavSection(area, label, icon, [NavItem(link.label, link.url,
                                                   _is_active(link.endpoint, endpoint))
                                           for link in links])
            for area, label, icon, links in built]


def _build_links(listed: list[NavEntry], areas: tuple[str, ...],
                 modules_on: frozenset[str]) -> BuiltNav:
    """Labels and URLs of the entries in ``areas`` whose module is on (for this request's
    shop and language)."""
    by_area: dict[str, list[NavEntry]] = {}
    for entry in listed:
        if entry.area in areas and (not entry.module or entry.module in modules_on):
            by_area.setdefault(entry.area, []).append(entry)
    return tuple((area, str(label), icon,
                  tuple(NavLink(str(e.label), url_for(e.endpoint), e.endpoint)
                        for e in by_area[area]))
                 for area, label, icon in SECTIONS if area in by_area)


def _modules_on(module_ids: set[str]) -> set[str]:
    """Which of ``module_ids`` the current shop has on (one query, only when asked)."""
    if not module_ids:
        return set()
    if current_shop() is None:
        return set()
    return module_ids & enabled_modules(db())


def _is_active(entry_endpoint: str, endpoint: str | None) -> bool:
    """Exact match, or a screen named after the entry (``products`` -> ``products_edit``)."""
    return bool(endpoint) and (endpoint == entry_endpoint
                               or endpoint.startswith(entry_endpoint + "_"))
