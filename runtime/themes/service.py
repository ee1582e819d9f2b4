"""Each shop's installed themes, the active one, and the merchant's token settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.pages import schemas
from runtime.pages.cache import bump_config_after_commit
from runtime.themes import catalog
from runtime.themes.models import ShopTheme
from runtime.themes.registry import DEFAULT_THEME, Theme, ThemeRegistry, load_themes


@dataclass(frozen=True)
class ActiveTheme:
    theme: Theme
    tokens: dict[str, Any]
    revision: int
    fallback_from: Theme | None = None
    """The shop's theme when ``theme`` stands in for it (a client older than its min_client)."""

    @property
    def cache_version(self) -> str:
        return f"{self.theme.id}@{self.theme.version}#{self.revision}"


def _registry(themes: ThemeRegistry | None) -> ThemeRegistry:
    return themes if themes is not None else load_themes()


def theme_for(session: Session, registry: ThemeRegistry, theme_id: str,
              version: str) -> Theme | None:
    """A bundled theme by id, or an uploaded theme's version."""
    bundled = registry.get(theme_id)
    if bundled is not None:
        return bundled
    return catalog.load_theme(session, theme_id, version)


def active_theme(session: Session, themes: ThemeRegistry | None = None) -> ActiveTheme:
    """The shop's active theme with its tokens; the default theme when none is installed."""
    registry = _registry(themes)
    row = session.scalar(select(ShopTheme).where(ShopTheme.active.is_(True)))
    theme = theme_for(session, registry, row.theme_id, row.theme_version) if row else None
    if row is None or theme is None:
        theme = registry.default
        return ActiveTheme(theme, theme.effective_tokens(None), 0)
    return ActiveTheme(theme, theme.effective_tokens(row.tokens), row.revision)


def for_client(session: Session, registry: ThemeRegistry, current: ActiveTheme,
               client: tuple[int, int, int] | None) -> ActiveTheme:
    """What a mini-program of version ``client`` gets: the shop's theme, or, when that theme
    needs a newer client, the default theme (with the shop's tokens for it) marked as a
    fallback so the client can ask its user to upgrade. ``None`` is the newest client."""
    needed = current.theme.min_client
    default = registry.default
    if client is None or needed is None or client >= needed or current.theme.id == default.id:
        return current
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == default.id))
    return ActiveTheme(default, default.effective_tokens(row.tokens if row else None),
                       current.revision, fallback_from=current.theme)


def installed_themes(session: Session) -> list[ShopTheme]:
    return list(session.scalars(select(ShopTheme).order_by(ShopTheme.id)))


def install_theme(session: Session, theme_id: str, themes: ThemeRegistry | None = None, *,
                  version: str | None = None, accept_major: bool = False) -> ShopTheme:
    """Install a theme, or move an installed one to ``version`` (bundled: the registry's;
    uploaded: a published version the shop may use; None: the installed version, else the
    newest published). Tokens and pages are kept; a new major version needs ``accept_major``;
    a deprecated version is kept by the shops on it but offered to no one else."""
    registry = _registry(themes)
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == theme_id)
                         .with_for_update())
    if theme_id in registry:
        target = registry[theme_id].version
    elif version is None and row is not None:
        target = row.theme_version
    else:
        found = catalog.shop_version(session, _shop(session), theme_id, version)
        if found.status != "published" and (row is None or row.theme_version != found.version):
            raise NotFound(f"version {found.version} of '{theme_id}' is no longer offered",
                           code="theme_not_found")
        target = found.version
    if row is None:
        row = ShopTheme(theme_id=theme_id, theme_version=target, tokens={}, active=False,
                        revision=1)
        session.add(row)
    elif row.theme_version != target:
        _move(session, row, target, accept_major or theme_id in registry)
    session.flush()
    return row


def _move(session: Session, row: ShopTheme, target: str, accept_major: bool) -> None:
    if row.pinned:
        raise Conflict(f"'{row.theme_id}' is pinned at {row.theme_version}; unpin it to "
                       f"change its version", code="theme_pinned",
                       extra={"version": row.theme_version})
    if (not accept_major
            and catalog.version_key(target)[0] > catalog.version_key(row.theme_version)[0]):
        raise Conflict(f"{target} is a new major version of '{row.theme_id}': it may change "
                       f"your pages' look a lot; accept it explicitly to update",
                       code="major_update_needs_acceptance",
                       extra={"from": row.theme_version, "to": target})
    row.previous_version = row.theme_version
    row.theme_version = target
    row.revision += 1
    if row.active:
        bump_config_after_commit(session, _shop(session))


def pin_theme(session: Session, theme_id: str, pinned: bool,
              themes: ThemeRegistry | None = None) -> ShopTheme:
    """Pin an installed uploaded theme at its version (no update offered or made), or unpin."""
    if theme_id in _registry(themes):
        raise Conflict("a bundled theme has one version and comes with mallkit's updates",
                       code="bundled_theme")
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == theme_id)
                         .with_for_update())
    if row is None:
        raise NotFound(f"'{theme_id}' is not installed", code="theme_not_installed")
    row.pinned = pinned
    session.flush()
    return row


def rollback_theme(session: Session, theme_id: str) -> ShopTheme:
    """Back to the version installed before the last update (tokens kept)."""
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == theme_id)
                         .with_for_update())
    if row is None or not row.previous_version:
        raise Conflict("there is no earlier version to go back to", code="nothing_to_roll_back")
    if catalog.find_version(session, theme_id, row.previous_version) is None:
        raise NotFound(f"version {row.previous_version} is gone", code="theme_not_found")
    target = row.previous_version
    _move(session, row, target, accept_major=True)
    session.flush()
    return row


def activate_theme(session: Session, theme_id: str, themes: ThemeRegistry | None = None, *,
                   version: str | None = None, accept_major: bool = False) -> ShopTheme:
    """Make ``theme_id`` the shop's theme (installing it first if needed); the shop's page
    caches are dropped after commit."""
    row = install_theme(session, theme_id, themes, version=version, accept_major=accept_major)
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
        row = activate_theme(session, theme.id, registry, version=theme.version)
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


__all__ = ["DEFAULT_THEME", "ActiveTheme", "activate_theme", "active_theme", "for_client",
           "install_theme", "installed_themes", "pin_theme", "rollback_theme", "theme_for",
           "update_tokens"]
