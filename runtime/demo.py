"""``mallkit demo``: the demo shop, its owner, and every module's demo data.

Modules add demo data with ``Module.seeders`` (platform parts with ``modules.add_seeder`` in
their ``init_app``); ``mallkit demo`` runs each seeder after creating the shop. A seeder is
called as ``func(session, shop)`` in the app context, with ``session`` scoped to the demo
shop; it must be idempotent (running the demo twice creates nothing new). The command
commits after each seeder.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from runtime.accounts import service as accounts
from runtime.accounts.models import Membership, Role
from runtime.db import use_shop
from runtime.extension import state
from runtime.settings import PREFIX
from runtime.shops.models import Shop
from runtime.shops.service import create_shop

DEMO_SLUG = "demo"
DEMO_NAME = "演示商城"
DEMO_EMAIL = "demo@mallkit.local"
DEMO_PASSWORD = "mallkit-demo-2026"

def ensure_demo_shop(session: Session) -> tuple[Shop, bool, bool]:
    """The demo shop and its owner, created when missing: (shop, shop_created,
    owner_created)."""
    shop = session.query(Shop).filter_by(slug=DEMO_SLUG).one_or_none()
    shop_created = shop is None
    if shop is None:
        shop = create_shop(session, slug=DEMO_SLUG, name=DEMO_NAME)
    owner = accounts.user_by_email(session, DEMO_EMAIL)
    owner_created = owner is None
    if owner is None:
        owner = accounts.create_user(session, state().settings, email=DEMO_EMAIL,
                                     password=DEMO_PASSWORD, display_name="演示店主")
    use_shop(session, shop.id)
    if accounts.membership_of(session, owner.id) is None:
        session.add(Membership(user_id=owner.id, role=str(Role.OWNER), areas=[]))
        session.flush()
    return shop, shop_created, owner_created


@click.command("demo")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where `mallkit run` serves, for the printed links.")
@click.option("--serve", is_flag=True,
              help="Then serve it (like `mallkit run`) with the WeChat simulators on.")
@with_appcontext
def demo_command(base_url: str, serve: bool) -> None:
    """Create the demo shop and owner (idempotent) and run every module's demo seeder."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if serve and not state().settings.simulators_enabled:
        app = _app_with_simulators()  # seeded as it is served: talking to the simulators
    with app.app_context():
        owner_created = _seed()
    base = base_url.rstrip("/")
    click.echo(f"\n  console:    {base}/console/\n"
               f"  storefront: {base}/s/{DEMO_SLUG}/\n"
               f"  login:      {DEMO_EMAIL} / "
               + (DEMO_PASSWORD if owner_created else f"{DEMO_PASSWORD} (unless changed since)"))
    if serve:
        from runtime.cli import serve as serve_app

        parts = urlsplit(base)
        serve_app(app, parts.hostname or "127.0.0.1", parts.port or 5000, no_worker=False)
    else:
        click.echo("  serve it with simulated payments: mallkit demo --serve "
                   "(or MALLKIT_SIMULATORS=1 mallkit run)")


def _seed() -> bool:
    """Create the shop and owner and run the seeders; True when the owner was created."""
    with state().session_factory() as session:
        session.info["shop_id"] = None
        shop, shop_created, owner_created = ensure_demo_shop(session)
        session.commit()
        click.echo(("created" if shop_created else "kept") + f" shop {shop.slug} ({shop.name})")
        for name, seeder in state().modules.seeders.items():
            use_shop(session, shop.id)
            seeder.func(session, shop)
            session.commit()
            click.echo(f"seeded {name}")
    return owner_created


def _app_with_simulators() -> Flask:
    """The app ``--serve`` serves: the WeChat simulators on, for its worker too."""
    from runtime.app import create_app
    from runtime.cli import _settings

    os.environ[f"{PREFIX}SIMULATORS"] = "1"
    return create_app(_settings())
