"""``mallkit catalog import --shop SLUG FILE``: the console's import, from the command line.

The format is detected from the file (the mallkit .xlsx template, a Shopify or a
WooCommerce product CSV). Prints the counts and where the error report is; exits with
status 1 when any row failed or the file could not be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from runtime.db import use_shop
from runtime.errors import MallkitError
from runtime.modules.catalog.importing import service
from runtime.modules.catalog.importing.importer import run_import
from runtime.modules.catalog.importing.models import CatalogImport, RunStatus, SourceFormat
from runtime.shops.service import get_shop_by_slug


@click.group("catalog")
def catalog_group() -> None:
    """Catalog tools: import products from a file."""


@catalog_group.command("import")
@click.option("--shop", "shop_slug", required=True, help="The shop's slug.")
@click.option("--format", "fmt", type=click.Choice(["auto", *SourceFormat]), default="auto",
              show_default=True, help="Skip detection and read the file as this format.")
@click.option("--create-categories/--no-create-categories", default=None,
              help="Create missing categories (default: only for Shopify/WooCommerce).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the error report.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(shop_slug: str, fmt: str, create_categories: bool | None, lang: str,
                   file: Path) -> None:
    """Import products from FILE into the shop SLUG."""
    mk = current_app.extensions["mallkit"]
    data_dir = mk.settings.data_dir
    options = {"format": None if fmt == "auto" else fmt,
               "create_categories": create_categories}
    with mk.session_factory() as session:
        session.info["shop_id"] = None
        try:
            shop = get_shop_by_slug(session, shop_slug)
            use_shop(session, shop.id)
            session.info["redis"] = mk.redis
            run = service.create_import(session, data_dir, file.name, file,
                                        requested_by="cli", locale=lang, options=options)
            session.commit()
        except MallkitError as error:
            raise click.ClickException(error.detail) from None
        run = run_import(session, run.id, data_dir, progress=_show_progress)
        report = service.report_file(data_dir, run)
    if sys.stderr.isatty():
        click.echo("", err=True)
    if run.status == RunStatus.FAILED:
        click.echo(f"import {run.id} failed: {run.error}", err=True)
        sys.exit(1)
    click.echo(f"import {run.id} ({run.source_format}): {run.total_products} products in "
               f"{run.total_rows} rows")
    click.echo(f"created: {run.created_count}  updated: {run.updated_count}  "
               f"unchanged: {run.unchanged_count}  failed: {run.failed_count} "
               f"({run.failed_rows} rows)")
    if run.image_products:
        click.echo(f"image URLs of {len(run.image_products)} products are shown as they are; "
                   "a worker (`mallkit worker`) copies them into the media library")
    if report is not None:
        click.echo(f"error report: {report}")
    if run.failed_rows or run.failed_count:
        sys.exit(1)


def _show_progress(run: CatalogImport) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r  {run.processed_products}/{run.total_products} products", err=True,
                   nl=False)
