"""``mallkit theme new|validate|package``: an agency's tools for making a theme package."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import click

from runtime.pages.registries import default_registries
from runtime.themes.checks import CheckedTheme, check_theme
from runtime.themes.package import PackageRefused, read_package, write_zip
from runtime.themes.registry import THEMES_DIR

theme_cli = click.Group("theme", help="Make, check and zip a theme package (docs/themes.md).")
_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


@theme_cli.command("new")
@click.argument("name")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The folder to create the theme's folder in.")
@click.option("--author", default="", help="Who made it (your agency's name).")
def new_command(name: str, into: Path, author: str) -> None:
    """Start a theme called NAME from a copy of the bundled default theme."""
    if not _ID.match(name):
        raise click.BadParameter("use lowercase letters, digits and dashes, starting with a "
                                 "letter", param_hint="NAME")
    target = into / name
    if target.exists():
        raise click.ClickException(f"{target} already exists")
    shutil.copytree(THEMES_DIR / "default", target)
    manifest_path = target / "theme.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.update(id=name, version="0.1.0", author=author or name,
                    name={"zh-CN": name, "en": name},
                    description={"zh-CN": "新主题", "en": "A new theme"})
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    (target / "blocks").mkdir(exist_ok=True)
    click.echo(f"created {target}: edit theme.json, presets/, templates/page.html, add block "
               f"overrides in blocks/<type>.html, then `mallkit theme validate {target}`")


def _checked(path: Path) -> CheckedTheme:
    try:
        return check_theme(read_package(path), default_registries().blocks)
    except PackageRefused as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s) in {path}") from None


@theme_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path) -> None:
    """Run every upload check on PATH (a theme folder or zip), offline."""
    checked = _checked(path)
    click.echo(f"ok: theme {checked.id} {checked.version}, {len(checked.files)} files")


@theme_cli.command("package")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the zip (default: <id>-<version>.zip here).")
def package_command(path: Path, output: Path | None) -> None:
    """Check the theme folder PATH and write the zip to upload in the theme studio."""
    checked = _checked(path)
    output = output or Path(f"{checked.id}-{checked.version}.zip")
    output.write_bytes(write_zip(checked.files))
    click.echo(f"wrote {output} ({output.stat().st_size} bytes)")
