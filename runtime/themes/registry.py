"""The theme registry: every ``themes/<id>/theme.json`` with its presets and templates.

A theme package holds ``theme.json`` (``schemas/theme.schema.json``), one page preset per page
kind under ``presets/``, ``templates/page.html`` (the page frame), optional block template
overrides ``blocks/<type>.html`` and static ``assets/``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from runtime.pages.manifests import (
    FrozenRegistry,
    ManifestError,
    cached,
    check_against,
    compile_settings,
    files_signature,
    read_json,
)
from runtime.pages.render import TemplateSource
from runtime.pages.schemas import REPO_ROOT

THEMES_DIR = REPO_ROOT / "themes"
DEFAULT_THEME = "default"


@dataclass(frozen=True)
class Theme:
    id: str
    version: str
    manifest: dict[str, Any]
    folder: Path
    validator: Draft202012Validator
    defaults: dict[str, Any]
    presets: dict[str, dict[str, Any]]
    page_template: TemplateSource | None
    block_templates: dict[str, TemplateSource] = field(default_factory=dict)
    asset_files: dict[str, str] = field(default_factory=dict)
    """An uploaded theme's assets: path under ``assets/`` -> the hash its bytes are kept by."""
    uploaded: bool = False

    @property
    def name(self) -> dict[str, str]:
        return self.manifest["name"]

    @property
    def min_client(self) -> tuple[int, int, int] | None:
        """The oldest mini-program version the theme is made for (None: any)."""
        raw = self.manifest.get("min_client")
        return tuple(int(p) for p in raw.split(".")) if raw else None  # type: ignore[return-value]

    @property
    def stylesheet(self) -> str | None:
        return self.manifest.get("stylesheet")

    def preset(self, kind: str) -> dict[str, Any]:
        return copy.deepcopy(self.presets[kind])

    def effective_tokens(self, stored: dict[str, Any] | None) -> dict[str, Any]:
        """The theme's defaults overlaid with a shop's stored tokens it still knows."""
        tokens = copy.deepcopy(self.defaults)
        tokens.update({k: v for k, v in (stored or {}).items() if k in self.defaults})
        return tokens

    def asset_path(self, relative: str) -> Path | None:
        """The file under ``assets/`` for ``relative``, or None (never outside the folder)."""
        root = (self.folder / "assets").resolve()
        target = (root / relative).resolve()
        if root not in target.parents or not target.is_file():
            return None
        return target


class ThemeRegistry(FrozenRegistry[Theme]):
    """Themes by id; frozen after start-up."""

    def key(self, item: Theme) -> str:
        return item.id

    def manifest_path(self, item: Theme) -> Path:
        return item.folder / "theme.json"

    def late_hint(self, item: Theme) -> str:
        return f"add themes/{item.id}/ instead"

    @property
    def default(self) -> Theme:
        return self[DEFAULT_THEME]


def load_themes(roots: Iterable[Path] = (THEMES_DIR,)) -> ThemeRegistry:
    """Load and validate every theme under ``roots``; raises :class:`ManifestError`."""
    roots = tuple(Path(r).resolve() for r in roots)
    files = [f for root in roots for f in root.glob("*/**/*") if f.is_file()]
    return cached("themes", roots, files_signature(files), lambda: _load(roots))


def _load(roots: tuple[Path, ...]) -> ThemeRegistry:
    registry = ThemeRegistry()
    for root in roots:
        for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
            if (folder / "theme.json").exists():
                registry.register(load_theme(folder))
    if DEFAULT_THEME not in registry:
        raise ManifestError(roots[0] / DEFAULT_THEME / "theme.json", "",
                            "the default theme is missing")
    return registry.freeze()


def load_theme(folder: Path) -> Theme:
    path = folder / "theme.json"
    manifest = read_json(path)
    check_against("theme", manifest, path)
    theme_id = manifest["id"]
    if theme_id != folder.name:
        raise ManifestError(path, "/id", f"id '{theme_id}' must match the folder name "
                                         f"'{folder.name}'")
    validator, defaults = compile_settings(
        manifest["settings"], f"https://mallkit.dev/themes/{theme_id}/settings.json", path,
        "/settings")
    presets: dict[str, dict[str, Any]] = {}
    for kind, relative in manifest["presets"].items():
        preset_path = folder / relative
        if not preset_path.is_file():
            raise ManifestError(path, f"/presets/{kind}", f"no file {relative}")
        preset = read_json(preset_path)
        check_against("page", preset, preset_path)
        if preset["kind"] != kind:
            raise ManifestError(preset_path, "/kind", f"a {kind} preset must have kind '{kind}'")
        presets[kind] = preset
    stylesheet = manifest.get("stylesheet")
    if stylesheet and not (folder / stylesheet).is_file():
        raise ManifestError(path, "/stylesheet", f"no file {stylesheet}")
    page_template = folder / "templates" / "page.html"
    overrides = {p.stem: p for p in sorted((folder / "blocks").glob("*.html"))}
    return Theme(id=theme_id, version=manifest["version"], manifest=manifest, folder=folder,
                 validator=validator, defaults=defaults, presets=presets,
                 page_template=page_template if page_template.is_file() else None,
                 block_templates=overrides)
