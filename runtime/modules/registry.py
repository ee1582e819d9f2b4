"""The module registry: every ``runtime/modules/<id>/module.json``, validated at start-up."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from runtime.pages.kinds import PageKind, module_kinds
from runtime.pages.manifests import (
    FrozenRegistry,
    ManifestError,
    cached,
    check_against,
    compile_settings,
    files_signature,
    read_json,
)

MODULES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ModuleManifest:
    id: str
    manifest: dict[str, Any]
    path: Path
    core: bool
    requires: tuple[str, ...]
    blocks: tuple[str, ...]
    validator: Draft202012Validator | None
    defaults: dict[str, Any]
    page_kinds: tuple[PageKind, ...] = ()

    @property
    def name(self) -> dict[str, str]:
        return self.manifest["name"]

    def default_settings(self) -> dict[str, Any]:
        """A copy of the defaults to change at will (containers copied deep, scalars shared:
        read for every request's module state, so no deepcopy of the whole)."""
        return {key: copy.deepcopy(value) if isinstance(value, dict | list) else value
                for key, value in self.defaults.items()}


class ModuleRegistry(FrozenRegistry[ModuleManifest]):
    """Module manifests by id; frozen after start-up."""

    def key(self, item: ModuleManifest) -> str:
        return item.id

    def manifest_path(self, item: ModuleManifest) -> Path:
        return item.path

    def late_hint(self, item: ModuleManifest) -> str:
        return f"add runtime/modules/{item.id}/module.json instead"

    @property
    def core_ids(self) -> frozenset[str]:
        return frozenset(m.id for m in self if m.core)

    def check_requires(self) -> None:
        """Every ``requires`` names a known module."""
        for module in self:
            for i, required in enumerate(module.requires):
                if required not in self:
                    raise ManifestError(module.path, f"/requires/{i}",
                                        f"unknown module '{required}'")


def manifest_paths(roots: Iterable[Path] = (MODULES_DIR,)) -> list[Path]:
    return [p for root in roots for p in sorted(Path(root).glob("*/module.json"))]


def load_modules(roots: Iterable[Path] = (MODULES_DIR,)) -> ModuleRegistry:
    """Load and validate every module manifest under ``roots``; raises :class:`ManifestError`."""
    roots = tuple(Path(r).resolve() for r in roots)
    paths = manifest_paths(roots)
    return cached("modules", roots, files_signature(paths), lambda: _load(paths))


def _load(paths: list[Path]) -> ModuleRegistry:
    registry = ModuleRegistry()
    for path in paths:
        registry.register(load_module(path))
    registry.check_requires()
    return registry.freeze()


def load_module(path: Path, folder_must_match: bool = True) -> ModuleManifest:
    """Read and check one ``module.json`` (parsed once while the file is unchanged); in-tree
    modules live in a folder named by id."""
    pages = sorted(path.parent.glob("*/*.json"))  # default pages of its page kinds
    return cached("module", (path, folder_must_match), files_signature([path, *pages]),
                  lambda: _read_module(path, folder_must_match))


def _read_module(path: Path, folder_must_match: bool) -> ModuleManifest:
    manifest = read_json(path)
    check_against("module", manifest, path)
    module_id = manifest["id"]
    if folder_must_match and module_id.replace("-", "_") != path.parent.name:
        raise ManifestError(path, "/id", f"id '{module_id}' must match the package folder "
                                         f"'{path.parent.name}'")
    validator, defaults = None, {}
    if "settings" in manifest:
        validator, defaults = compile_settings(
            manifest["settings"], f"https://mallkit.dev/modules/{module_id}/settings.json",
            path, "/settings")
    return ModuleManifest(
        id=module_id, manifest=manifest, path=path, core=bool(manifest.get("core", False)),
        requires=tuple(manifest.get("requires", ())), blocks=tuple(manifest.get("blocks", ())),
        validator=validator, defaults=defaults, page_kinds=module_kinds(manifest, path))
