"""``mallkit schemas check``: validate every manifest, preset and theme in the repository."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from runtime.modules.registry import MODULES_DIR
from runtime.pages.blocks import BLOCKS_DIR
from runtime.pages.manifests import ManifestError
from runtime.pages.registries import load_registries
from runtime.pages.schemas import REPO_ROOT
from runtime.themes.registry import THEMES_DIR

schemas_cli = AppGroup("schemas", help="The JSON Schema contracts (schemas/).")


@schemas_cli.command("check", with_appcontext=False)
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=REPO_ROOT, show_default=True,
              help="A tree holding blocks/, themes/ and runtime/modules/.")
def check_command(root: Path) -> None:
    """Validate every block, module and theme manifest, preset and template."""
    root = root.resolve()
    blocks_dir = root / BLOCKS_DIR.relative_to(REPO_ROOT)
    modules_dir = root / MODULES_DIR.relative_to(REPO_ROOT)
    themes_dir = root / THEMES_DIR.relative_to(REPO_ROOT)
    try:
        regs = load_registries((blocks_dir,), (modules_dir,), (themes_dir,))
    except ManifestError as exc:
        raise click.ClickException(f"{exc.path}: {exc.pointer or '/'}: {exc.message}") from None
    presets = sum(len(t.presets) for t in regs.themes)
    click.echo(f"ok: {len(regs.blocks)} blocks, {len(list(regs.modules))} modules, "
               f"{len(list(regs.themes))} themes, {presets} page presets")
