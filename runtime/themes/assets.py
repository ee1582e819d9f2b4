"""Who may fetch an uploaded theme's files, and the URLs that carry that right.

- A *listed* theme's published or deprecated versions: anyone (``/themes/<id>/<v>/<file>``).
- A *private* theme's published or deprecated versions: only through a shop's URL
  (``/theme-files/<shop_id>.<signature>/<id>/<v>/<file>``), and only for a shop granted the theme
  or that has it installed. The signature (HMAC of the app's secret key) means the URL cannot be
  made up for another shop; the path form keeps a stylesheet's relative ``url()`` working.
- A draft: only the owning agency's console (``/console/agency/themes/<id>/versions/<v>/files``).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import use_shop
from runtime.themes.catalog import INSTALLABLE, find_version
from runtime.themes.models import ShopTheme, ThemeGrant, ThemePackage, ThemeVersion
from runtime.themes.registry import Theme


def _signature(theme_id: str, shop_id: int) -> str:
    key = f"mallkit-theme-files:{current_app.secret_key}".encode()
    return hmac.new(key, f"{theme_id}:{shop_id}".encode(), hashlib.sha256).hexdigest()[:32]


def shop_pass(theme_id: str, shop_id: int) -> str:
    """The URL segment that lets ``shop_id`` fetch ``theme_id``'s files."""
    return f"{shop_id}.{_signature(theme_id, shop_id)}"


def pass_shop(theme_id: str, segment: str) -> int | None:
    """The shop a URL segment was made for, or None when it is forged or malformed."""
    raw_id, _, signature = segment.partition(".")
    if not raw_id.isdigit() or len(raw_id) > 19:
        return None
    shop_id = int(raw_id)
    return shop_id if hmac.compare_digest(signature, _signature(theme_id, shop_id)) else None


def asset_url(theme: Theme, asset: str, shop_id: int | None) -> str:
    """The URL of ``asset`` (a path under ``assets/``) of ``theme`` as seen by ``shop_id``."""
    asset = asset.removeprefix("assets/")
    if theme.uploaded and shop_id is not None:
        return url_for("theme_assets.shop_asset", grant=shop_pass(theme.id, shop_id),
                       theme_id=theme.id, version=theme.version, asset=asset)
    return url_for("theme_assets.asset", theme_id=theme.id, version=theme.version, asset=asset)


def servable(session: Session, theme_id: str, version: str,
             shop_id: int | None) -> tuple[ThemeVersion, bool] | None:
    """The version whose files may be served to this request, and whether they are public;
    None: 404 (drafts, private themes without a shop that may use them)."""
    row = find_version(session, theme_id, version)
    if row is None or row.status not in INSTALLABLE:
        return None
    package = session.get(ThemePackage, row.package_id)
    if package is None:
        return None
    if package.visibility == "listed":
        return row, True
    if shop_id is None:
        return None
    granted = session.scalar(select(ThemeGrant.id).where(ThemeGrant.package_id == package.id,
                                                         ThemeGrant.shop_id == shop_id))
    if granted is None:  # a shop keeps the themes it installed when its grant is withdrawn
        use_shop(session, shop_id)
        granted = session.scalar(select(ShopTheme.id).where(ShopTheme.theme_id == theme_id))
    return (row, False) if granted is not None else None
