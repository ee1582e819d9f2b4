"""The registries the page machinery needs (blocks, modules, themes and the page kinds the
core and the modules define), loaded together and cross-checked."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from runtime.modules.registry import MODULES_DIR, ModuleRegistry, load_modules
from runtime.pages.blocks import BLOCKS_DIR, BlockRegistry, block_dirs_under, load_blocks
from runtime.pages.kinds import PageKindRegistry, check_kinds, load_kinds
from runtime.pages.manifests import ManifestError, cached
from runtime.pages.validation import check_page
from runtime.themes.registry import THEMES_DIR, ThemeRegistry, load_themes


@dataclass(frozen=True)
class Registries:
    blocks: BlockRegistry
    modules: ModuleRegistry
    themes: ThemeRegistry
    kinds: PageKindRegistry


def _dirs(default: Path | tuple[Path, ...], extra: str | None) -> tuple[Path, ...]:
    """The repository's folder(s) plus ``os.pathsep``-separated extra folders."""
    extras = [Path(p).resolve() for p in (extra or "").split(os.pathsep) if p]
    return (*(default if isinstance(default, tuple) else (default,)), *extras)


def dirs_from_settings(extra: Mapping[str, str]) -> dict[str, tuple[Path, ...]]:
    """Folders named in ``Settings.extra`` (``block_dirs``, ``module_dirs``, ``theme_dirs``)
    are loaded after the repository's own; tests and agencies' local themes use them."""
    return {"block_dirs": _dirs(block_dirs_under(BLOCKS_DIR.parent), extra.get("block_dirs")),
            "module_dirs": _dirs(MODULES_DIR, extra.get("module_dirs")),
            "theme_dirs": _dirs(THEMES_DIR, extra.get("theme_dirs"))}


def load_registries(block_dirs: Iterable[Path] | None = None,
                    module_dirs: Iterable[Path] = (MODULES_DIR,),
                    theme_dirs: Iterable[Path] = (THEMES_DIR,),
                    modules: ModuleRegistry | None = None) -> Registries:
    """Load blocks, modules (unless the app's ``modules`` are given) and themes; raise
    :class:`ManifestError` naming file and pointer."""
    module_registry = modules if modules is not None else load_modules(tuple(module_dirs))
    blocks = load_blocks(None if block_dirs is None else tuple(block_dirs))
    registries = Registries(blocks, module_registry, load_themes(tuple(theme_dirs)),
                            _kinds(module_registry, blocks))
    signature = (id(registries.blocks), id(registries.themes))  # the check reads only these
    cached("registries-checked", signature, signature, lambda: check_references(registries))
    return registries


def _kinds(modules: ModuleRegistry, blocks: BlockRegistry) -> PageKindRegistry:
    """The page kinds of ``modules``, checked against ``blocks`` once per pair (the cached
    value holds both registries, so their ids stay theirs)."""
    def build() -> tuple[ModuleRegistry, BlockRegistry, PageKindRegistry]:
        kinds = load_kinds(modules)
        check_kinds(kinds, blocks)
        return modules, blocks, kinds

    key = (id(modules), id(blocks))
    return cached("kinds", key, key, build)[2]


def check_references(registries: Registries) -> bool:
    """Cross-file rules: theme presets are valid pages of the registered blocks; every
    template compiles in the sandbox. (Modules' page kinds are checked by ``check_kinds``.)"""
    from runtime.pages.render import compile_check

    for block in registries.blocks:
        # A ``requires`` naming a module without a manifest (one not built yet) is allowed:
        # that module is never on, so the block is never offered, rendered or sent.
        compile_check(block.template_path, block.template_path.read_text(encoding="utf-8"))
    for theme in registries.themes:
        for kind, preset in theme.presets.items():
            _normalised, errors = check_page(preset, registries.blocks, kind, fixed=False)
            if errors:
                path = theme.folder / theme.manifest["presets"][kind]
                raise ManifestError(path, errors[0].pointer, errors[0].message)
        templates = [*theme.block_templates.values()]
        if theme.page_template:
            templates.append(theme.page_template)
        for path in templates:
            compile_check(path, path.read_text(encoding="utf-8"))
        for type_, path in theme.block_templates.items():
            if type_ not in registries.blocks:
                raise ManifestError(path, "", f"overrides unknown block type '{type_}'")
    return True


def default_registries() -> Registries:
    """The registries of the repository's own blocks/, runtime/modules/ and themes/."""
    return load_registries()
