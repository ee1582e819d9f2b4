"""Each shop's installed themes, the active one, and the merchant's token settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import FieldError, NotFound, ValidationFailed
from runtime.pages import schemas
from runtime.pages.cache import bump_config_after_commit
from runtime.themes.models import ShopTheme
from runtime.themes.registry import DEFAULT_THEME, Theme, ThemeRegistry, load_themes


@dataclass(frozen=True)
class ActiveTheme:
    theme: Theme
    tokens: dict[str, Any]
    revision: int

    @property
    def cache_version(self) -> str:
        return f"{self.theme.id}@{self.theme.version}#{self.revision}"


def _registry(themes: ThemeRegistry | None) -> ThemeRegistry:
    return themes if themes is not None else load_themes()


def _theme(registry: ThemeRegistry, theme_id: str) -> Theme:
    theme = registry.get(theme_id)
    if theme is None:
        raise NotFound(f"no theme '{theme_id}'", code="theme_not_found")
    return theme


def active_theme(session: Session, themes: ThemeRegistry | None = None) -> ActiveTheme:
    """The shop's active theme with its tokens; the default theme when none is installed."""
    registry = _registry(themes)
    row = session.scalar(select(ShopTheme).where(ShopTheme.active.is_(True)))
    if row is None or row.theme_id not in registry:
        theme = registry.default
        return ActiveTheme(theme, theme.effective_tokens(None), 0)
    theme = registry[row.theme_id]
    return ActiveTheme(theme, theme.effective_tokens(row.tokens), row.revision)


def installed_themes(session: Session) -> list[ShopTheme]:
    return list(session.scalars(select(ShopTheme).order_by(ShopTheme.id)))


def install_theme(session: Session, theme_id: str,
                  themes: ThemeRegistry | None = None) -> ShopTheme:
    """Install (or update to the registry's version of) a theme; stored tokens are kept."""
    theme = _theme(_registry(themes), theme_id)
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == theme_id)
                         .with_for_update())
    if row is None:
        row = ShopTheme(theme_id=theme_id, theme_version=theme.version, tokens={}, active=False,
                        revision=1)
        session.add(row)
    elif row.theme_version != theme.version:
        row.theme_version = theme.version
        row.revision += 1
        if row.active:
            bump_config_after_commit(session, _shop(session))
    session.flush()
    return row


def activate_theme(session: Session, theme_id: str,
                   themes: ThemeRegistry | None = None) -> ShopTheme:
    """Make ``theme_id`` the shop's theme (installing it first if needed)."""
    row = install_theme(session, theme_id, themes)
    for other in session.scalars(select(ShopTheme).where(ShopTheme.active.is_(True))):
        if other.id != row.id:
            other.active = False
    row.active = True
    session.flush()
    bump_config_after_commit(session, _shop(session))
    return row


def update_tokens(session: Session, tokens: dict[str, Any],
                  themes: ThemeRegistry | None = None) -> dict[str, Any]:
    """Set token values of the active theme; a 422 names each bad token."""
    registry = _registry(themes)
    current = active_theme(session, registry)
    if not isinstance(tokens, dict):
        raise ValidationFailed.single("/tokens", "tokens must be an object", "type")
    theme = current.theme
    errors = [FieldError(f"/tokens/{k}", f"unknown token '{k}'", "unknown")
              for k in sorted(set(tokens) - set(theme.defaults))]
    values = theme.effective_tokens({**current.tokens, **tokens})
    errors += schemas.field_errors(theme.validator.iter_errors(values), "/tokens")
    if errors:
        raise ValidationFailed(errors)
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == theme.id)
                         .with_for_update())
    if row is None:
        row = activate_theme(session, theme.id, registry)
    row.tokens = {k: v for k, v in values.items() if v != theme.defaults.get(k)}
    row.revision += 1
    session.flush()
    bump_config_after_commit(session, _shop(session))
    return values


def _shop(session: Session) -> int:
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise RuntimeError("themes need a shop context (use_shop)")
    return shop_id


__all__ = ["DEFAULT_THEME", "ActiveTheme", "activate_theme", "active_theme", "install_theme",
           "installed_themes", "update_tokens"]
