"""The three registries the page machinery needs, loaded together and cross-checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runtime.modules.registry import MODULES_DIR, ModuleRegistry, load_modules
from runtime.pages.blocks import BLOCKS_DIR, BlockRegistry, load_blocks
from runtime.pages.manifests import ManifestError, cached, files_signature
from runtime.pages.validation import check_page
from runtime.themes.registry import THEMES_DIR, ThemeRegistry, load_themes


@dataclass(frozen=True)
class Registries:
    blocks: BlockRegistry
    modules: ModuleRegistry
    themes: ThemeRegistry


def load_registries(block_dirs: tuple[Path, ...] = (BLOCKS_DIR,), modules_dir: Path = MODULES_DIR,
                    themes_dir: Path = THEMES_DIR) -> Registries:
    """Load blocks, modules and themes; raise :class:`ManifestError` naming file and pointer."""
    registries = Registries(load_blocks(block_dirs), load_modules(modules_dir),
                            load_themes(themes_dir))
    key = (tuple(block_dirs), modules_dir, themes_dir)
    signature = (id(registries.blocks), id(registries.modules), id(registries.themes))
    cached("registries-checked", key, signature, lambda: check_references(registries))
    return registries


def check_references(registries: Registries) -> bool:
    """Cross-file rules: a block's ``requires`` names real modules; theme presets are valid
    pages of the registered blocks; theme templates compile in the sandbox."""
    from runtime.pages.render import compile_check

    for block in registries.blocks:
        for i, module_id in enumerate(block.requires):
            if module_id not in registries.modules:
                raise ManifestError(block.folder / "block.json", f"/requires/{i}",
                                    f"unknown module '{module_id}'")
        compile_check(block.template_path, block.template_path.read_text(encoding="utf-8"))
    for theme in registries.themes:
        for kind, preset in theme.presets.items():
            _normalised, errors = check_page(preset, registries.blocks, kind)
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


_default: Registries | None = None


def default_registries() -> Registries:
    """The registries of the repository's own blocks/, runtime/modules/ and themes/."""
    global _default
    _default = load_registries()
    return _default


__all__ = ["Registries", "default_registries", "files_signature", "load_registries"]
