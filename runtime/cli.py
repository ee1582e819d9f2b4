"""The ``mallkit`` command: Flask's CLI group (run, shell, routes) plus mallkit's commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from runtime.app import create_app
from runtime.pages.schemas import REPO_ROOT
from runtime.settings import Settings, SettingsError


def _create_app() -> object:
    return create_app()


cli = FlaskGroup(name="mallkit", create_app=_create_app, add_version_option=False,
                 help="mallkit: a low-code mall builder for WeChat mini-program shops.")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


# --- modules --------------------------------------------------------------------------------


@cli.group("module")
def module_group() -> None:
    """Writing modules, and forgetting removed ones."""


@module_group.command("forget", with_appcontext=False)
@click.argument("module_id")
@click.option("--drop-tables", is_flag=True,
              help="Also drop its tables and its per-shop switch rows (its data is lost).")
@click.option("--yes", is_flag=True, help="Do not ask before dropping tables.")
def module_forget(module_id: str, drop_tables: bool, yes: bool) -> None:
    """Forget MODULE_ID, a module whose package was removed: drop its Alembic version rows
    (and, with --drop-tables, its tables) so the database no longer waits for it."""
    from runtime.db import make_engine
    from runtime.migrate import ForgetRefused, SchemaOutOfDate, forget
    from runtime.modules.loader import discover

    settings = _settings()
    if drop_tables and not yes:
        click.confirm(f"drop every table of module '{module_id}' and its data?", abort=True)
    engine = make_engine(settings.owner_database_url)
    try:
        change = forget(engine, module_id, drop_tables=drop_tables,
                        found=discover(exclude=settings.excluded_modules))
    except (ForgetRefused, SchemaOutOfDate) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    click.echo(f"forgot {module_id}: version rows {', '.join(change.removed) or 'none'} "
               f"removed{'; tables dropped' if drop_tables else ''}")


@module_group.command("new", with_appcontext=False)
@click.argument("name")
@click.option("--title", help="The module's display name (default: NAME).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=REPO_ROOT,
              show_default=True, help="The repository to write into.")
def module_new(name: str, title: str | None, root: Path) -> None:
    """Scaffold module NAME: manifest, Module object, model, migration, service, API, hook,
    job, block, console screen, demo data, docs and passing tests."""
    from runtime.scaffold import ScaffoldError, new_module

    try:
        written = new_module(root, name, title)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"\nnext: mallkit db upgrade && pytest tests/{name}")


# --- database -------------------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade", with_appcontext=False)
@click.argument("target", default="heads")
def db_upgrade(target: str) -> None:
    """Apply the migrations up to TARGET (default: every module's head) as the tables' owner
    (MALLKIT_MIGRATION_DATABASE_URL); the app's role (MALLKIT_DATABASE_URL) gets row rights."""
    from runtime.db import make_engine
    from runtime.migrate import SchemaOutOfDate, app_role_of, database_heads, upgrade
    from runtime.modules.loader import discover

    settings = _settings()
    if settings.embedded_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.owner_database_url)
    try:
        upgrade(engine, target, secret_key=settings.secret_key, app_role=app_role_of(settings),
                found=discover(exclude=settings.excluded_modules))
    except SchemaOutOfDate as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"database at {', '.join(sorted(database_heads(engine)))}")


@db_group.command("current", with_appcontext=False)
def db_current() -> None:
    """Show the database's revision and whether it matches the code."""
    from runtime import schema_ledger
    from runtime.db import make_engine
    from runtime.migrate import SchemaOutOfDate, check_schema, code_heads, database_heads
    from runtime.modules.loader import discover

    settings = _settings()
    found = discover(exclude=settings.excluded_modules)
    engine = make_engine(settings.database_url)
    click.echo(f"database: {', '.join(sorted(database_heads(engine))) or 'empty'}")
    click.echo(f"code:     {', '.join(sorted(code_heads(found)))}")
    with engine.connect() as connection:
        gone = sorted(schema_ledger.absent(connection, found))
    if gone:
        click.echo(f"not installed: {', '.join(gone)} (their tables stay; "
                   "`mallkit module forget ID [--drop-tables]` removes them)")
    try:
        check_schema(engine, found)
    except SchemaOutOfDate as exc:
        raise click.ClickException(str(exc)) from None


# --- backup and restore ----------------------------------------------------------------------


@cli.command("backup", with_appcontext=False)
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def backup_command(dest: Path) -> None:
    """Back up the database, the media folder and a manifest into the new folder DEST."""
    from runtime.backup import BackupError, create_backup

    try:
        manifest = create_backup(_settings(), dest)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup in {dest}: {sum(manifest['tables'].values())} rows in "
               f"{len(manifest['tables'])} tables, {len(manifest['files'])} files, schema "
               f"{', '.join(manifest['schema_revision'])}")


@cli.command("restore", with_appcontext=False)
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has rows.")
def restore_command(src: Path, force: bool) -> None:
    """Restore a backup made by `mallkit backup`, then rebuild Redis's timers by running
    every periodic sweeper once."""
    from runtime.backup import BackupError, rebuild_redis_state, restore_backup

    settings = _settings()
    try:
        manifest = restore_backup(settings, src, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {sum(manifest['tables'].values())} rows and "
               f"{len(manifest['files'])} files (schema {', '.join(manifest['schema_revision'])})")
    try:
        app = create_app(settings)
    except Exception as exc:
        raise click.ClickException(
            f"{exc}\nthe data is restored; run `mallkit db upgrade`, then start the workers "
            "(their sweepers rebuild the timers)") from None
    with app.app_context():
        for name, result in rebuild_redis_state().items():
            click.echo(f"  sweeper {name}: {result}")


# --- run and worker -------------------------------------------------------------------------


@cli.command("run", with_appcontext=False)
@click.option("--host", "-h", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start the embedded background worker.")
def run_command(host: str, port: int, no_worker: bool) -> None:
    """Serve mallkit; on the embedded default a worker runs beside it."""
    serve(create_app(_settings()), host, port, no_worker)


def serve(app: Any, host: str, port: int, no_worker: bool) -> None:
    """Serve ``app`` (its worker beside it on the embedded default) until stopped."""
    from werkzeug.serving import run_simple

    settings = app.extensions["mallkit"].settings
    worker = None
    if settings.embedded_redis and settings.embedded_worker and not no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "runtime.cli", "worker"],
                                  env=dict(os.environ))
    signal.signal(signal.SIGTERM, _exit_on_signal)  # a service manager's stop: exit cleanly
    base = f"http://{host}:{port}"
    click.echo(f"\n  mallkit is running on {base}\n"
               f"    merchant console:  {base}/console/\n"
               f"    demo storefront:   {base}/s/demo/\n"
               f"    health:            {base}/healthz\n"
               + (f"    background worker: started (pid {worker.pid})\n" if worker else ""))
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        if worker is not None:
            _stop(worker)


def _exit_on_signal(signum: int, _frame: object) -> None:
    """Turn SIGTERM into SystemExit so ``finally`` blocks and exit hooks run (the worker
    and the embedded Redis are stopped)."""
    raise SystemExit(128 + signum)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the embedded worker: SIGTERM (RQ finishes the job at hand), then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@cli.command("worker")
@click.option("--queue", "-q", "queues", multiple=True,
              help="Queues to work (default: critical, default, bulk, in that order).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--no-fork", is_flag=True,
              help="Run each job in the worker's own process instead of a forked work horse "
                   "(several times the job rate: a seckill rush's order jobs).")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool, no_fork: bool) -> None:
    """Run a background worker; it also releases due timers and starts periodic sweepers."""
    from runtime.jobs import QUEUE_NAMES, run_worker

    run_worker(current_app._get_current_object(), tuple(queues) or QUEUE_NAMES, burst=burst,
               fork=not no_fork)


def _add_offline_commands() -> None:
    """Commands that need no app or database (an agency runs them on its own machine)."""
    from runtime.pages.cli import miniprogram_cli
    from runtime.themes.cli import theme_cli

    cli.add_command(theme_cli)
    cli.add_command(miniprogram_cli)


_add_offline_commands()


def main() -> None:
    cli.main(prog_name="mallkit")


if __name__ == "__main__":
    main()
