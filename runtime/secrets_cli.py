"""``mallkit secrets``: stored credentials (``runtime.credentials``)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.group("secrets")
def secrets_group() -> None:
    """Stored credentials (WeChat Pay merchant keys, AppSecrets)."""


@secrets_group.command("rotate")
@with_appcontext
def secrets_rotate() -> None:
    """Re-seal every stored credential with MALLKIT_CREDENTIALS_KEY (the first key); the
    old keys (MALLKIT_OLD_CREDENTIALS_KEYS, the secret key) can be dropped afterwards."""
    from runtime import credentials
    from runtime.audit.service import Action, Origin, record

    mk = current_app.extensions["mallkit"]
    with mk.session_factory() as session:
        session.info["shop_id"] = None
        try:
            counts = credentials.rotate(session, mk.settings.credential_keys)
        except credentials.CredentialsUnreadable as exc:
            session.rollback()
            raise click.ClickException(f"{exc}: none of the configured keys opens it; "
                                       "nothing was changed") from None
        record(session, Action.SECRETS_ROTATED, Origin(label="cli"), detail=counts)
        session.commit()
    for table, count in counts.items():
        click.echo(f"{table}: {count} re-sealed")


def init_app(app: Flask) -> None:
    app.cli.add_command(secrets_group)
