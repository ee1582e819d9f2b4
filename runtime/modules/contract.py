"""The module contract: one :class:`Module` object per module declares everything it adds.

A module is a package with a ``module.json`` (id, name, ``requires``, settings schema, jobs)
and a ``module`` attribute holding a :class:`Module`. Contributions are import strings
(``"package.sub"`` or ``"package.sub:attribute"``) so declaring a module imports nothing;
:mod:`runtime.modules.loader` imports them once, at start-up, into per-app registries.

Example (the sign-in module)::

    module = Module(
        models="runtime.modules.signin.models",
        api=("runtime.modules.signin.api:signin_api",),
        console="builder.signin",
        jobs={"signin-reminders": "runtime.modules.signin.jobs:reminders_job"},
        seeders=("runtime.modules.signin.demo:seed_demo_signin",),
        docs="docs/modules/signin.md",
        tests="tests/signin",
    )
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Module:
    """What a module contributes. Every field is optional: a module declares only its parts.

    - ``models``: the module of its SQLAlchemy models (imported so the metadata is complete).
    - ``migrations``: its own Alembic version folder, relative to the package.
    - ``api``: Flask blueprints (shop-scoped ones come from ``runtime.api.shop_api_blueprint``).
    - ``console``: the console package (under ``builder/`` for in-tree modules); it exposes
      ``init_console(app, console)`` and registers its blueprints and nav entries there.
    - ``blocks``: a folder of blocks shipped with the module, relative to the package
      (in-tree modules keep theirs in the repository's ``blocks/`` and name them in
      ``module.json``).
    - ``jobs``: periodic job name (as listed in ``module.json`` with its period) -> function.
    - ``hooks``: modules holding ``@hookimpl`` functions of :mod:`runtime.modules.hookspecs`.
    - ``pricing_steps``: pricing pipeline steps (objects with ``name``, ``position``,
      ``apply`` and an optional ``prepare``).
    - ``seeders``: demo-data seeders ``func(session, shop)``, run by ``mallkit demo`` after
      the seeders of the modules it requires.
    - ``seed_after``: ids of modules whose demo data its seeders build on without requiring
      them (their seeders run first when they are installed).
    - ``media_references``: ``finder(session, asset_ids)`` saying which assets it shows.
    - ``openapi``: ``ApiComponents`` objects (``runtime.api.openapi``) for the API document.
    - ``cli``: click commands added to ``mallkit``.
    - ``messages``: its message catalog folder (gettext), relative to the package.
    - ``docs`` / ``tests``: where its rules are written down and tested, relative to the
      repository (checked by the contract tests for in-tree modules).
    """

    models: str | None = None
    migrations: str | None = None
    api: tuple[str, ...] = ()
    console: str | None = None
    blocks: str | None = None
    jobs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    hooks: tuple[str, ...] = ()
    pricing_steps: tuple[str, ...] = ()
    seeders: tuple[str, ...] = ()
    seed_after: tuple[str, ...] = ()
    media_references: str | None = None
    openapi: tuple[str, ...] = ()
    cli: tuple[str, ...] = ()
    messages: str | None = None
    docs: str | None = None
    tests: str | None = None


def import_string(path: str) -> Any:
    """``"package.module"`` -> the module; ``"package.module:attr.sub"`` -> that attribute."""
    module_name, _, attribute = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in filter(None, attribute.split(".")):
        target = getattr(target, part)
    return target
