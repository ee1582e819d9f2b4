"""``mallkit create-shop``, ``create-user`` and ``create-agency``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from runtime.accounts import service as accounts
from runtime.accounts.models import Agency, Membership, Role
from runtime.db import use_shop
from runtime.errors import MallkitError, ValidationFailed
from runtime.extension import state
from runtime.shops.models import Shop
from runtime.shops.service import create_shop, get_shop_by_slug


def _fail(error: MallkitError) -> click.ClickException:
    if isinstance(error, ValidationFailed):
        lines = [f"  {e.pointer.lstrip('/') or 'input'}: {e.message}" for e in error.errors]
        return click.ClickException("invalid input:\n" + "\n".join(lines))
    return click.ClickException(error.detail)


@click.command("create-shop")
@click.option("--slug", required=True, help="URL name: 3-40 lowercase letters, digits, dashes.")
@click.option("--name", required=True, help="The shop's display name.")
@click.option("--timezone", default="Asia/Shanghai", show_default=True)
@with_appcontext
def create_shop_command(slug: str, name: str, timezone: str) -> None:
    """Create a shop (add its owner with create-user --shop SLUG --role owner)."""
    with state().session_factory() as session:
        session.info["shop_id"] = None
        try:
            shop = create_shop(session, slug=slug, name=name, timezone=timezone)
            session.commit()
        except MallkitError as exc:
            raise _fail(exc) from None
        click.echo(f"created shop {shop.slug} ({shop.name}), id {shop.id}")


@click.command("create-agency")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@with_appcontext
def create_agency_command(slug: str, name: str) -> None:
    """Create a design agency (its users publish themes)."""
    with state().session_factory() as session:
        session.info["shop_id"] = None
        try:
            agency = accounts.create_agency(session, slug=slug, name=name)
            session.commit()
        except MallkitError as exc:
            raise _fail(exc) from None
        click.echo(f"created agency {agency.slug} ({agency.name})")


def _parse_areas(value: str) -> list[str]:
    try:
        return accounts.parse_areas(value)
    except ValidationFailed as exc:
        raise click.BadParameter(f"unknown area; use {', '.join(accounts.AREAS)}",
                                 param_hint="--areas") from exc


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--password", help="Prompted for (hidden, twice) when not given.")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--shop", "shop_slug", help="Add the user to this shop's staff.")
@click.option("--role", type=click.Choice(accounts.ROLES), default="owner", show_default=True,
              help="Role in --shop.")
@click.option("--areas", default="", help="For staff: comma-separated areas, e.g. catalog,orders.")
@click.option("--platform-admin", is_flag=True, help="Make the user a platform admin.")
@click.option("--agency", "agency_slug", help="Make the user a member of this agency.")
@click.option("--locale", type=click.Choice(accounts.LOCALES), default="zh_CN",
              show_default=True)
@with_appcontext
def create_user_command(email: str, password: str | None, display_name: str,
                        shop_slug: str | None, role: str, areas: str, platform_admin: bool,
                        agency_slug: str | None, locale: str) -> None:
    """Create a console user; an existing user (same email) is only added to --shop."""
    area_list = _parse_areas(areas) if role == Role.STAFF else []
    if areas and role != Role.STAFF:
        raise click.BadParameter("areas apply to the staff role only", param_hint="--areas")
    settings = state().settings
    with state().session_factory() as session:
        session.info["shop_id"] = None
        shop: Shop | None = None
        agency: Agency | None = None
        try:
            if shop_slug:
                shop = get_shop_by_slug(session, shop_slug)
            if agency_slug:
                agency = accounts.agency_by_slug(session, agency_slug)
                if agency is None:
                    raise click.ClickException(
                        f"no agency '{agency_slug}'; create it with `mallkit create-agency`")
            user = accounts.user_by_email(session, email)
            if user is not None:
                if shop is None:
                    raise click.ClickException(
                        f"a user with the email {user.email} already exists")
                created = False
            else:
                if not password:
                    password = click.prompt("Password", hide_input=True,
                                            confirmation_prompt=True)
                user = accounts.create_user(session, settings, email=email, password=password,
                                            display_name=display_name, locale=locale,
                                            is_platform_admin=platform_admin, agency=agency)
                created = True
            if shop is not None:
                use_shop(session, shop.id)
                if accounts.membership_of(session, user.id) is not None:
                    raise click.ClickException(f"{user.email} is already on the staff of "
                                               f"{shop.slug}")
                session.add(Membership(user_id=user.id, role=role, areas=area_list))
                session.flush()
                use_shop(session, None)
            session.commit()
        except MallkitError as exc:
            raise _fail(exc) from None
        parts = ["created user" if created else "found user", user.email]
        if shop is not None:
            parts.append(f"-> {role} of {shop.slug}"
                         + (f" ({', '.join(area_list)})" if area_list else ""))
        if platform_admin and created:
            parts.append("[platform admin]")
        if agency is not None and created:
            parts.append(f"[agency {agency.slug}]")
        click.echo(" ".join(parts))


COMMANDS = (create_shop_command, create_user_command, create_agency_command)
