"""The merchant's theme gallery: every theme the shop may use (the bundled ones and the
agencies' published ones), what it has installed, and the updates on offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.themes import catalog
from runtime.themes.models import ShopTheme
from runtime.themes.registry import ThemeRegistry
from runtime.themes.service import installed_themes


@dataclass(frozen=True)
class GalleryVersion:
    version: str
    status: str
    changelog: str


@dataclass
class GalleryEntry:
    id: str
    manifest: dict[str, Any]
    versions: list[GalleryVersion]
    bundled: bool
    installed: ShopTheme | None = None
    update: str | None = None
    major_update: str | None = None
    screenshots: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.installed and self.installed.active)

    @property
    def version(self) -> str:
        """The version the shop has, else the newest offered."""
        if self.installed is not None:
            return self.installed.theme_version
        return next((v.version for v in self.versions if v.status == "published"),
                    self.versions[0].version)


def gallery(session: Session, bundled: ThemeRegistry) -> list[GalleryEntry]:
    shop_id = current_shop_id(session)
    assert shop_id is not None, "the gallery needs a shop context"
    rows = {row.theme_id: row for row in installed_themes(session)}
    entries = [GalleryEntry(t.id, t.manifest, [GalleryVersion(t.version, "published", "")],
                            bundled=True, installed=rows.get(t.id)) for t in bundled]
    for view in catalog.shop_packages(session, shop_id):
        latest = view.latest
        entry = GalleryEntry(
            view.package.theme_id, latest.manifest,
            [GalleryVersion(v.version, v.status, v.changelog) for v in view.versions],
            bundled=False, installed=rows.get(view.package.theme_id),
            screenshots=list(latest.manifest.get("screenshots", [])))
        _offer_updates(entry)
        entries.append(entry)
    return entries


def _offer_updates(entry: GalleryEntry) -> None:
    """Patch and minor updates are offered; a new major one only as a separate offer; none
    while the theme is pinned."""
    if entry.installed is None or entry.installed.pinned:
        return
    have = catalog.version_key(entry.installed.theme_version)
    for version in entry.versions:
        if version.status != "published":
            continue
        key = catalog.version_key(version.version)
        if key <= have:
            continue
        if key[0] == have[0] and entry.update is None:
            entry.update = version.version
        elif key[0] > have[0] and entry.major_update is None:
            entry.major_update = version.version
