"""``mallkit schemas check``: validate every manifest, preset and theme in the repository;
``mallkit miniprogram sync``: the mini-program's block registrations from the manifests."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from runtime.modules.registry import MODULES_DIR
from runtime.pages.blocks import block_dirs_under
from runtime.pages.manifests import ManifestError
from runtime.pages.miniprogram import (
    MINIPROGRAM_DIR,
    SyncError,
    capture_fixtures,
    fixture_gaps,
    sync,
)
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
    modules_dir = root / MODULES_DIR.relative_to(REPO_ROOT)
    themes_dir = root / THEMES_DIR.relative_to(REPO_ROOT)
    try:
        regs = load_registries(block_dirs_under(root), (modules_dir,), (themes_dir,))
    except ManifestError as exc:
        raise click.ClickException(f"{exc.path}: {exc.pointer or '/'}: {exc.message}") from None
    presets = sum(len(t.presets) for t in regs.themes)
    click.echo(f"ok: {len(regs.blocks)} blocks, {len(list(regs.modules))} modules, "
               f"{len(list(regs.themes))} themes, {presets} page presets")


miniprogram_cli = click.Group("miniprogram", help="The reference mini-program (miniprogram/).")


@miniprogram_cli.command("sync")
@click.option("--check", is_flag=True,
              help="Change nothing; fail when a generated file or fixture is out of date.")
@click.option("--fixtures/--no-fixtures", default=True, show_default=True,
              help="Also re-record the jest fixtures from a throw-away demo shop (slow).")
@click.option("--blocks", "blocks_dir", default=None,
              help="A block folder (default: blocks/ and every module's own blocks/).",
              type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--miniprogram", "miniprogram_dir", default=MINIPROGRAM_DIR, show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path))
def sync_command(check: bool, fixtures: bool, blocks_dir: Path | None,
                 miniprogram_dir: Path) -> None:
    """Generate the mini-program's block registrations (the renderer's usingComponents and
    wx:if chain, utils/block-types.js) and its jest fixtures from blocks/*/block.json.

    Fails, naming the block, when a block has neither a component in
    miniprogram/components/blocks/<type>/ nor "h5_only": true in its block.json.
    """
    dirs = [blocks_dir] if blocks_dir is not None else list(block_dirs_under(REPO_ROOT))
    try:
        stale = sync(dirs, miniprogram_dir, check=check)
        gaps = fixture_gaps(dirs, miniprogram_dir) if check else []
    except SyncError as exc:
        raise click.ClickException(str(exc)) from None
    if check:
        problems = [f"{p.relative_to(miniprogram_dir)} is out of date" for p in stale]
        problems += [f"the fixture layout-all-blocks.json has no '{t}' block" for t in gaps]
        if problems:
            raise click.ClickException("; ".join(problems) + ": run `mallkit miniprogram sync`")
        click.echo("ok: the mini-program's block registrations and fixtures are up to date")
        return
    for path in stale:
        click.echo(f"wrote {path.relative_to(miniprogram_dir)}")
    if fixtures and capture_fixtures(miniprogram_dir, []) != 0:
        raise click.ClickException("recording the fixtures failed")
