"""Per-shop module switches: which modules are on, with their validated settings.

Core modules are always on. Switching a module off keeps its settings; its blocks stop being
offered, rendered and sent at once (the page caches are invalidated after commit).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.modules.loader import SESSION_KEY
from runtime.modules.models import ShopModule
from runtime.modules.registry import ModuleManifest, ModuleRegistry, load_modules
from runtime.pages import schemas
from runtime.pages.cache import bump_config_after_commit

_ENABLED_KEY = "mallkit.enabled_modules"


@dataclass(frozen=True)
class ModuleState:
    """The shop's enabled modules and their settings, read once per request or render."""

    enabled: frozenset[str]
    settings: dict[str, dict[str, Any]]

    def is_enabled(self, module_id: str) -> bool:
        return module_id in self.enabled

    def settings_of(self, module_id: str) -> dict[str, Any]:
        return copy.deepcopy(self.settings.get(module_id, {}))


def _registry(modules: ModuleRegistry | None, session: Session | None = None
              ) -> ModuleRegistry:
    """The registry given, else the app's (carried by the session), else the in-tree one."""
    if modules is not None:
        return modules
    if session is not None and SESSION_KEY in session.info:
        return session.info[SESSION_KEY].manifests
    return load_modules()


def _manifest(registry: ModuleRegistry, module_id: str) -> ModuleManifest:
    module = registry.get(module_id)
    if module is None:
        raise NotFound(f"no module '{module_id}'", code="module_not_found")
    return module


def _row(session: Session, module_id: str, lock: bool = False) -> ShopModule | None:
    query = select(ShopModule).where(ShopModule.module_id == module_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def module_state(session: Session, modules: ModuleRegistry | None = None) -> ModuleState:
    """Every module's state for the current shop in one query."""
    registry = _registry(modules, session)
    rows = {r.module_id: r for r in session.scalars(select(ShopModule))}
    settings = {module.id: _effective(module, row.settings if (row := rows.get(module.id))
                                      else None) for module in registry}
    return ModuleState(_switched_on(registry, {i for i, r in rows.items() if r.enabled}),
                       settings)


def _switched_on(registry: ModuleRegistry, on: set[str]) -> frozenset[str]:
    """The core modules and the installed ones whose row is switched on."""
    return frozenset({*registry.core_ids, *(module.id for module in registry if module.id in on)})


def _effective(module: ModuleManifest, stored: dict[str, Any] | None) -> dict[str, Any]:
    values = module.default_settings()
    values.update({k: v for k, v in (stored or {}).items() if k in module.defaults})
    return values


def enabled_modules(session: Session) -> frozenset[str]:
    """The ids of the modules on for the session's shop, read once per transaction (a switch
    in this transaction forgets it)."""
    transaction = session.get_transaction()
    cached = session.info.get(_ENABLED_KEY)
    if (transaction is not None and cached is not None and cached[0] is transaction
            and cached[1] == current_shop_id(session)):
        return cached[2]
    enabled = _enabled(session)  # begins a transaction when none is open
    session.info[_ENABLED_KEY] = (session.get_transaction(), current_shop_id(session), enabled)
    return enabled


def _enabled(session: Session) -> frozenset[str]:
    """:attr:`ModuleState.enabled` alone: the ids of the switched-on rows, no settings."""
    on = set(session.scalars(select(ShopModule.module_id).where(ShopModule.enabled)))
    return _switched_on(_registry(None, session), on)


def _forget_enabled(session: Session) -> None:
    session.info.pop(_ENABLED_KEY, None)


def is_enabled(session: Session, module_id: str, modules: ModuleRegistry | None = None) -> bool:
    registry = _registry(modules, session)
    module = _manifest(registry, module_id)
    if module.core:
        return True
    row = _row(session, module_id)
    return bool(row and row.enabled)


def settings_of(session: Session, module_id: str,
                modules: ModuleRegistry | None = None) -> dict[str, Any]:
    """The module's settings for the current shop (defaults when never set)."""
    module = _manifest(_registry(modules, session), module_id)
    row = _row(session, module_id)
    return _effective(module, row.settings if row else None)


def validate_settings(module: ModuleManifest, settings: dict[str, Any]) -> dict[str, Any]:
    """The full settings (defaults filled in) or a 422 naming each bad field."""
    if not isinstance(settings, dict):
        raise ValidationFailed.single("/settings", "settings must be an object", "type")
    errors = [FieldError(f"/settings/{k}", f"unknown setting '{k}'", "unknown")
              for k in sorted(set(settings) - set(module.defaults))]
    values = _effective(module, settings)
    if module.validator is not None:
        errors += schemas.field_errors(module.validator.iter_errors(values), "/settings")
    if errors:
        raise ValidationFailed(errors)
    return values


def enable(session: Session, module_id: str, settings: dict[str, Any] | None = None,
           modules: ModuleRegistry | None = None) -> ShopModule | None:
    """Switch a module on (with new settings, or the ones it had). Core modules are always on."""
    registry = _registry(modules, session)
    _forget_enabled(session)
    module = _manifest(registry, module_id)
    row = _row(session, module_id, lock=True)
    values = validate_settings(module, settings if settings is not None
                               else (row.settings if row else {}))
    missing = [m for m in module.requires if not is_enabled(session, m, registry)]
    if missing:
        raise Conflict(f"'{module_id}' needs {', '.join(missing)} switched on first",
                       code="module_requires", extra={"requires": missing})
    if module.core and row is None and settings is None:
        return None
    if row is None:
        row = ShopModule(module_id=module_id, enabled=True, settings=values)
        session.add(row)
    else:
        row.enabled = True
        row.settings = values
    session.flush()
    bump_config_after_commit(session, _shop(session))
    return row


def update_settings(session: Session, module_id: str, settings: dict[str, Any],
                    modules: ModuleRegistry | None = None) -> dict[str, Any]:
    """Change a module's settings without switching it on or off."""
    module = _manifest(_registry(modules, session), module_id)
    values = validate_settings(module, settings)
    row = _row(session, module_id, lock=True)
    if row is None:
        row = ShopModule(module_id=module_id, enabled=False, settings=values)
        session.add(row)
    else:
        row.settings = values
    session.flush()
    bump_config_after_commit(session, _shop(session))
    return values


def disable(session: Session, module_id: str, modules: ModuleRegistry | None = None) -> None:
    """Switch a module off, keeping its settings. Refused for core modules and dependencies."""
    registry = _registry(modules, session)
    _forget_enabled(session)
    module = _manifest(registry, module_id)
    if module.core:
        raise Conflict(f"'{module_id}' is a core module and is always on", code="core_module")
    dependants = [m.id for m in registry if module_id in m.requires
                  and is_enabled(session, m.id, registry)]
    if dependants:
        raise Conflict(f"switch off {', '.join(dependants)} first: they need '{module_id}'",
                       code="module_required_by", extra={"required_by": dependants})
    row = _row(session, module_id, lock=True)
    if row is None or not row.enabled:
        return
    row.enabled = False
    session.flush()
    bump_config_after_commit(session, _shop(session))


def _shop(session: Session) -> int:
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise RuntimeError("module switches need a shop context (use_shop)")
    return shop_id
