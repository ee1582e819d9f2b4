"""Finding modules and turning their :class:`~runtime.modules.contract.Module` objects into
one app's registries.

Modules come from ``runtime/modules/*`` (a package with ``module.json`` and a ``module``
attribute), from folders named in ``Settings.extra["module_dirs"]`` (manifest-only modules,
used by tests), and from the entry-point group ``mallkit.modules``, whose entries name a
``Module`` object (``testmod = "mallkit_testmod:module"``): a pip-installed package adds a
module with no edit to mallkit.

Discovery needs no app (migrations use it); :func:`build_module_set` imports what the
modules declare and fills the per-app :class:`ModuleSet`, frozen once ``create_app`` is done.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy
from sqlalchemy.orm import Session

from runtime.modules import hookspecs
from runtime.modules.contract import Module, import_string
from runtime.modules.registry import (
    MODULES_DIR,
    ModuleManifest,
    ModuleRegistry,
    load_module,
)
from runtime.pages.manifests import ManifestError, RegistryFrozen

ENTRY_POINT_GROUP = "mallkit.modules"
IN_TREE_PACKAGE = "runtime.modules"


@dataclass(frozen=True)
class Discovered:
    """A module found on disk or through an entry point: its manifest and its contract."""

    manifest: ModuleManifest
    module: Module
    package: str | None  # None for a manifest-only module (no Python package)

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def folder(self) -> Path:
        return self.manifest.path.parent


def discover(extra_dirs: Iterable[Path] = (), *, exclude: Iterable[str] = (),
             use_entry_points: bool = True) -> list[Discovered]:
    """Every module, in-tree first, then extra folders, then entry points; ``exclude`` drops
    modules by id (as if their package were not installed)."""
    skipped = set(exclude)
    found: list[Discovered] = []
    for path in sorted(MODULES_DIR.glob("*/module.json")):
        found.append(_in_tree(path))
    for folder in extra_dirs:
        for path in sorted(Path(folder).glob("*/module.json")):
            found.append(_from_folder(path))
    if use_entry_points:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            found.append(_from_entry_point(ep.name, ep.value))
    return [d for d in found if d.id not in skipped]


def _in_tree(path: Path) -> Discovered:
    manifest = load_module(path)
    package = f"{IN_TREE_PACKAGE}.{path.parent.name}"
    module = getattr(importlib.import_module(package), "module", None)
    if not isinstance(module, Module):
        raise ManifestError(path.parent / "__init__.py", "",
                            f"module '{manifest.id}' must define `module = Module(...)` "
                            "(runtime.modules.contract)")
    return Discovered(manifest, module, package)


def _from_folder(path: Path) -> Discovered:
    return Discovered(load_module(path), Module(), None)


def _from_entry_point(name: str, value: str) -> Discovered:
    module = import_string(value)
    if not isinstance(module, Module):
        raise ManifestError(f"entry point {ENTRY_POINT_GROUP}:{name}", "",
                            f"{value} is not a runtime.modules.contract.Module")
    package = value.partition(":")[0]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ManifestError(f"entry point {ENTRY_POINT_GROUP}:{name}", "",
                            f"{package} must be a package holding module.json")
    path = Path(next(iter(spec.submodule_search_locations))) / "module.json"
    manifest = load_module(path, folder_must_match=False)
    if manifest.id != name:
        raise ManifestError(path, "/id", f"id '{manifest.id}' must match the entry point "
                                         f"name '{name}'")
    return Discovered(manifest, module, package)


def manifest_registry(found: Iterable[Discovered]) -> ModuleRegistry:
    registry = ModuleRegistry()
    for item in found:
        registry.register(item.manifest)
    registry.check_requires()
    return registry.freeze()


def migration_folders(found: Iterable[Discovered]) -> list[Path]:
    """Each module's own Alembic version folder (``Module.migrations``)."""
    return [item.folder / item.module.migrations for item in found
            if item.module.migrations and (item.folder / item.module.migrations).is_dir()]


def block_folders(found: Iterable[Discovered]) -> list[Path]:
    """Block folders shipped inside module packages (``Module.blocks``)."""
    return [item.folder / item.module.blocks for item in found
            if item.module.blocks and (item.folder / item.module.blocks).is_dir()]


def import_models(found: Iterable[Discovered]) -> None:
    for item in found:
        if item.module.models:
            importlib.import_module(item.module.models)


# --- the per-app registries ---------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    """A job enqueued every ``every`` by whichever worker first claims the time slot."""

    name: str
    func: Callable[..., Any]
    every: timedelta
    queue: str = "default"
    module: str | None = None


@dataclass(frozen=True)
class PricingStepEntry:
    module: str | None
    step: Any
    prepare: Callable[..., Any] | None


@dataclass(frozen=True)
class Seeder:
    name: str
    func: Callable[..., Any]
    module: str | None = None


@dataclass
class ModuleSet:
    """One app's modules and everything they contribute; frozen after start-up.

    Platform parts (pages, media, accounts ...) add to the same registries from their
    ``init_app``; modules' contributions come from their ``Module`` objects. Per-shop
    contributions carry their module id, and are skipped for a shop where it is off.
    """

    manifests: ModuleRegistry
    modules: dict[str, Discovered]
    plugins: pluggy.PluginManager
    periodic: dict[str, Periodic] = field(default_factory=dict)
    pricing_steps: dict[str, PricingStepEntry] = field(default_factory=dict)
    seeders: dict[str, Seeder] = field(default_factory=dict)
    reference_finders: dict[str, Callable[..., Any]] = field(default_factory=dict)
    openapi: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugin_names: dict[str, list[str]] = field(default_factory=dict)
    frozen: bool = False
    _subsets: dict[frozenset[str], HookRelay] = field(default_factory=dict)

    def _check_open(self, what: str) -> None:
        if self.frozen:
            raise RegistryFrozen(f"{what} added after start-up; declare it in a Module "
                                 "(runtime.modules.contract) or in an init_app")

    def add_periodic(self, name: str, func: Callable[..., Any], every: timedelta,
                     queue: str = "default", module: str | None = None) -> None:
        from runtime.jobs import QUEUE_NAMES, job_id

        self._check_open(f"periodic job {name!r}")
        job_id(name)
        if queue not in QUEUE_NAMES:
            raise ValueError(f"unknown queue {queue!r} for periodic job {name!r}")
        self.periodic[name] = Periodic(name, func, every, queue, module)

    def add_pricing_step(self, step: Any, module: str | None = None) -> None:
        self._check_open(f"pricing step {step.name!r}")
        self.pricing_steps[step.name] = PricingStepEntry(
            module, step, getattr(step, "prepare", None))

    def add_seeder(self, name: str, func: Callable[..., Any],
                   module: str | None = None) -> None:
        self._check_open(f"demo seeder {name!r}")
        self.seeders[name] = Seeder(name, func, module)

    def add_reference_finder(self, name: str, finder: Callable[..., Any]) -> None:
        self._check_open(f"media reference finder {name!r}")
        self.reference_finders[name] = finder

    def add_openapi(self, components: dict[str, dict[str, Any]]) -> None:
        """Components of an ``ApiComponents`` (``runtime.api.openapi``), by kind and name."""
        self._check_open("OpenAPI components")
        for kind, named in components.items():
            bucket = self.openapi.setdefault(kind, {})
            for name, component in named.items():
                if name in bucket and bucket[name] != component:
                    raise ValueError(f"OpenAPI {kind} {name!r} is already registered "
                                     "differently")
                bucket[name] = component

    def freeze(self) -> ModuleSet:
        self.frozen = True
        return self

    # --- per shop ---

    def ordered_steps(self, enabled: frozenset[str] | None = None) -> list[PricingStepEntry]:
        """The pricing steps in pipeline order, without those of modules that are off."""
        entries = [e for e in self.pricing_steps.values()
                   if enabled is None or e.module is None or e.module in enabled]
        return sorted(entries, key=lambda e: (e.step.position, e.step.name))

    def hooks_for(self, enabled: frozenset[str]) -> HookRelay:
        """Hook callers that skip the implementations of modules not in ``enabled``."""
        off = frozenset(m for m in self.modules if m not in enabled)
        relay = self._subsets.get(off)
        if relay is None:
            names = [n for m in off for n in self.plugin_names.get(m, ())]
            relay = self._subsets[off] = HookRelay(self.plugins, names)
        return relay

    def __iter__(self) -> Iterator[Discovered]:
        return iter(self.modules.values())


class HookRelay:
    """``relay.order_paid(session=..., order=...)`` calls the hook on the enabled modules."""

    def __init__(self, plugins: pluggy.PluginManager, removed: list[str]) -> None:
        self._plugins = plugins
        self._removed = [plugins.get_plugin(n) for n in removed if plugins.has_plugin(n)]
        self._callers: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        caller = self._callers.get(name)
        if caller is None:
            hook = getattr(self._plugins.hook, name)
            caller = (self._plugins.subset_hook_caller(name, self._removed)
                      if self._removed else hook)
            self._callers[name] = caller
        return caller


def new_plugin_manager() -> pluggy.PluginManager:
    plugins = pluggy.PluginManager(hookspecs.PROJECT)
    plugins.add_hookspecs(hookspecs)
    return plugins


def build_module_set(found: list[Discovered]) -> ModuleSet:
    """Import every contribution the modules declare (models, hooks, jobs, steps, seeders,
    media finders, OpenAPI components); blueprints, console and CLI are added by
    :func:`register_blueprints_and_commands` once the app exists."""
    manifests = manifest_registry(found)
    plugins = new_plugin_manager()
    modules = {d.id: d for d in _dependency_order(found, lambda d: manifests[d.id].requires)}
    mods = ModuleSet(manifests, modules, plugins)
    import_models(modules.values())
    for item in modules.values():
        _contribute(mods, item)
    for item in _seeding_order(found, manifests):
        _add_seeders(mods, item)
    return mods


def _dependency_order(found: list[Discovered], after: Callable[[Discovered], Iterable[str]],
                      what: str = "requires") -> list[Discovered]:
    """Modules after the modules ``after`` names (ties by id), so their hooks run after."""
    by_id = {d.id: d for d in found}
    ordered: list[Discovered] = []
    seen: set[str] = set()

    def visit(module_id: str, trail: tuple[str, ...]) -> None:
        if module_id in seen:
            return
        if module_id in trail:
            raise ManifestError(by_id[module_id].manifest.path, f"/{what}",
                                f"{what} form a cycle: {' -> '.join((*trail, module_id))}")
        for required in after(by_id[module_id]):
            visit(required, (*trail, module_id))
        seen.add(module_id)
        ordered.append(by_id[module_id])

    for module_id in sorted(by_id):
        visit(module_id, ())
    return ordered


def _seeding_order(found: list[Discovered], manifests: ModuleRegistry) -> list[Discovered]:
    """Modules whose demo seeders run after those of the modules they require and of the
    installed modules named in their ``Module.seed_after``."""
    present = {d.id for d in found}
    return _dependency_order(found, lambda d: (
        *manifests[d.id].requires, *(m for m in d.module.seed_after if m in present)),
        "seed_after")


def _add_seeders(mods: ModuleSet, item: Discovered) -> None:
    for target in item.module.seeders:
        func = import_string(target)
        mods.add_seeder(getattr(func, "seeder_name", item.id), func, item.id)


def _contribute(mods: ModuleSet, item: Discovered) -> None:
    module, module_id = item.module, item.id
    declared = {job["name"]: job for job in item.manifest.manifest.get("jobs", [])}
    if set(module.jobs) != set(declared):
        raise ManifestError(item.manifest.path, "/jobs",
                            f"jobs in module.json {sorted(declared)} differ from the Module's "
                            f"jobs {sorted(module.jobs)}")
    for name, target in module.jobs.items():
        spec = declared[name]
        mods.add_periodic(name, import_string(target), parse_duration(spec["every"]),
                          spec.get("queue", "default"), module_id)
    names = []
    for index, target in enumerate(module.hooks):
        name = module_id if index == 0 else f"{module_id}#{index}"
        mods.plugins.register(import_string(target), name=name)
        names.append(name)
    mods.plugin_names[module_id] = names
    for target in module.pricing_steps:
        mods.add_pricing_step(import_string(target), module_id)
    if module.media_references:
        mods.add_reference_finder(module_id, import_string(module.media_references))
    for target in module.openapi:
        mods.add_openapi(import_string(target).components)


def parse_duration(value: str) -> timedelta:
    """ISO 8601 durations as module.json writes them: ``P1D``, ``PT1H``, ``PT5M``, ``PT30S``."""
    import re

    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", value)
    if not match or not any(match.groups()):
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def register_blueprints_and_commands(app: Any, mods: ModuleSet) -> None:
    """Each module's API blueprints (answering 404 for a shop where an optional module is
    off) and CLI commands."""
    from runtime.api import guard_optional_modules

    optional: dict[str, str] = {}
    for item in mods:
        for target in item.module.api:
            blueprint = import_string(target)
            if not item.manifest.core:
                optional[blueprint.name] = item.id
            app.register_blueprint(blueprint)
        for target in item.module.cli:
            app.cli.add_command(import_string(target))
    guard_optional_modules(app, optional)


# --- reaching the app's modules from domain code --------------------------------------------

SESSION_KEY = "mallkit.modules"


def modules_of(session: Session) -> ModuleSet:
    """The app's module set, carried by every session its session factory makes."""
    try:
        return session.info[SESSION_KEY]
    except KeyError:
        raise RuntimeError("this session was not made by an app's session factory; "
                           "use app.extensions['mallkit'].session_factory") from None


def hooks(session: Session) -> HookRelay:
    """The hooks of the modules on for the session's shop (read once per transaction)."""
    from runtime.modules.switches import enabled_modules

    return modules_of(session).hooks_for(enabled_modules(session))
