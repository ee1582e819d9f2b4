"""``mallkit members import --shop SLUG FILE``: the console's member import, from the command
line. The run is recorded like the console's (it shows in 会员导入) and carried out in this
process, or by a worker with ``--queue``. Prints the counts, every bad cell and where the
report is; exits with status 1 when a row failed or the file could not be read."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from runtime.db import use_shop
from runtime.errors import MallkitError
from runtime.modules.members import import_runs, importing
from runtime.modules.members.models import ImportStatus, MemberImport
from runtime.shops.service import get_shop_by_slug


@click.group("members")
def members_group() -> None:
    """Members tools: import members from another system's workbook."""


@members_group.command("import")
@click.option("--shop", "shop_slug", required=True, help="The shop's slug.")
@click.option("--queue", "queued", is_flag=True,
              help="Hand the run to a worker (`mallkit worker`) instead of running it here.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(shop_slug: str, queued: bool, file: Path) -> None:
    """Import the members of FILE (.xlsx: 手机号, 姓名, 等级, 积分, 余额, 标签) into SLUG."""
    mk = current_app.extensions["mallkit"]
    data_dir = mk.settings.data_dir
    if file.stat().st_size > importing.MAX_FILE_BYTES:
        raise click.ClickException("the file is larger than 10 MB")
    with mk.session_factory() as session:
        try:
            shop = get_shop_by_slug(session, shop_slug)
            use_shop(session, shop.id)
            run = import_runs.create_import(session, data_dir, file.name, file.read_bytes(),
                                            requested_by="cli")
            if queued:
                import_runs.queue_import(session, run, mk.redis)
            session.commit()
        except MallkitError as error:
            raise click.ClickException(error.detail) from None
        if queued:
            click.echo(f"member import {run.id} queued; a worker carries it out")
            return
        run = import_runs.run_import(session, run.id, data_dir, progress=_show_progress)
        report = import_runs.report_file(data_dir, run)
    if sys.stderr.isatty():
        click.echo("", err=True)
    if run.status == ImportStatus.FAILED:
        click.echo(f"member import {run.id} failed: {run.error}", err=True)
        sys.exit(1)
    click.echo(f"member import {run.id}: {run.total_rows} rows")
    click.echo(f"created: {run.created_count}  updated: {run.updated_count}  "
               f"unchanged: {run.unchanged_count}  failed: {run.failed_count}")
    for problem in run.problems:
        click.echo(f"  {problem['cell']}: {problem['message']}")
    if report is not None:
        click.echo(f"error report: {report}")
    if run.failed_count:
        sys.exit(1)


def _show_progress(run: MemberImport) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r  {run.processed_rows}/{run.total_rows} rows", err=True, nl=False)
