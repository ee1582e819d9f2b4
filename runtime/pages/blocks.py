"""The block registry: every ``blocks/<type>/`` folder, validated once at start-up.

A folder holds ``block.json`` (the manifest, see ``schemas/block.schema.json``),
``template.html`` (H5), optionally ``resolve.py`` with ``resolve(batch, ctx)`` (and, to share a
page-wide load with other block types, ``prepare(batch, ctx)``, called for every block type
before any ``resolve``) and optionally ``validate.py`` with ``validate(settings)`` for rules
JSON Schema cannot say.
The registry fills in ``create_app`` and is then frozen.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from jsonschema import Draft202012Validator

from runtime.pages.kinds import CORE_KINDS
from runtime.pages.manifests import (
    FrozenRegistry,
    ManifestError,
    cached,
    check_against,
    compile_settings,
    files_signature,
    read_json,
)
from runtime.pages.schemas import REPO_ROOT

BLOCKS_DIR = REPO_ROOT / "blocks"
PAGE_KINDS = tuple(k.kind for k in CORE_KINDS)  # the core kinds' names

Resolver = Callable[[list[Any], Any], Mapping[str, Any]]
Preparer = Callable[[list[Any], Any], None]
SettingsRules = Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]]


def parse_version(value: str) -> tuple[int, int, int]:
    """``"1.4.0"`` -> ``(1, 4, 0)``; raises ValueError for anything else."""
    parts = value.split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 6 for p in parts):
        raise ValueError(f"not a major.minor.patch version: {value!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


@dataclass(frozen=True)
class BlockType:
    """One block type as loaded from its folder."""

    type: str
    version: int
    manifest: dict[str, Any]
    folder: Path
    validator: Draft202012Validator
    defaults: dict[str, Any]
    resolver: Resolver | None = None
    preparer: Preparer | None = None
    rules: SettingsRules | None = None
    requires: tuple[str, ...] = ()
    page_kinds: tuple[str, ...] = PAGE_KINDS
    everywhere: bool = True
    """No ``page_kinds`` in the manifest: allowed on every kind, modules' kinds too."""
    limit: int | None = None
    fixed: bool = False
    min_client: tuple[int, int, int] | None = None
    child_types: tuple[str, ...] = ()
    max_children: int = 0
    richtext_keys: tuple[str, ...] = ()
    migrations: Mapping[int, tuple[dict[str, Any], ...]] = field(default_factory=dict)

    def allowed_on(self, kind: str) -> bool:
        """Whether the block may stand on a page of ``kind`` (at the top level)."""
        return self.everywhere or kind in self.page_kinds

    @property
    def template_path(self) -> Path:
        return self.folder / "template.html"

    @property
    def name(self) -> dict[str, str]:
        return self.manifest["name"]

    @property
    def presets(self) -> list[dict[str, Any]]:
        return self.manifest.get("presets", [])

    def default_settings(self) -> dict[str, Any]:
        return copy.deepcopy(self.defaults)

    def effective_settings(self, stored: Mapping[str, Any] | None,
                           stored_version: int | None = None) -> dict[str, Any]:
        """Stored settings upgraded to the current version, with defaults for what is missing.

        A new top-level dict; stored values are shared, not copied (a render only reads
        them), and a default is copied only when it is a container, so the registry's stay
        untouched.
        """
        version = stored_version or self.version
        upgraded = self.migrate(dict(stored or {}), version) if version < self.version \
            else (stored or {})
        return {key: upgraded[key] if key in upgraded
                else (copy.deepcopy(default) if isinstance(default, dict | list) else default)
                for key, default in self.defaults.items()}

    def rule_errors(self, settings: Mapping[str, Any]) -> list[tuple[str, str]]:
        """``(pointer into the settings, message)`` for each broken ``validate.py`` rule."""
        return [] if self.rules is None else list(self.rules(settings))

    def migrate(self, settings: dict[str, Any], from_version: int) -> dict[str, Any]:
        """Apply the manifest's ``migrations`` from ``from_version`` up to the current one."""
        settings = copy.deepcopy(settings)
        for version in range(from_version, self.version):
            for op in self.migrations.get(version, ()):
                apply_migration_op(settings, op)
        return settings


def apply_migration_op(settings: dict[str, Any], op: Mapping[str, Any]) -> None:
    kind = op["op"]
    if kind == "rename":
        if op["from"] in settings:
            settings[op["to"]] = settings.pop(op["from"])
    elif kind == "set":
        settings[op["key"]] = copy.deepcopy(op["value"])
    elif kind == "remove":
        settings.pop(op["key"], None)
    elif kind == "map":
        value = settings.get(op["key"])
        if isinstance(value, str | int | float | bool) and str(value) in op["values"]:
            settings[op["key"]] = copy.deepcopy(op["values"][str(value)])


class BlockRegistry(FrozenRegistry[BlockType]):
    """Block types by name; frozen after start-up."""

    key_field = "type"

    def __init__(self, types: Iterable[BlockType] = ()) -> None:
        super().__init__()
        self._thresholds: tuple[tuple[int, int, int], ...] = ()
        for block in types:
            self.register(block)

    def key(self, item: BlockType) -> str:
        return item.type

    def manifest_path(self, item: BlockType) -> Path:
        return item.folder / "block.json"

    def late_hint(self, item: BlockType) -> str:
        return (f"put it in blocks/{item.type}/ (or a block dir named in settings) so "
                "create_app loads it")

    def freeze(self) -> Self:
        self._thresholds = self._find_thresholds()
        return super().freeze()

    @property
    def min_client_thresholds(self) -> tuple[tuple[int, int, int], ...]:
        """Every block type's ``min_client``, sorted (found once when frozen: every published
        page request asks)."""
        return self._thresholds if self._frozen else self._find_thresholds()

    def _find_thresholds(self) -> tuple[tuple[int, int, int], ...]:
        return tuple(sorted({b.min_client for b in self if b.min_client}))


def block_dirs_under(root: Path) -> tuple[Path, ...]:
    """A tree's block folders: ``blocks/`` and each in-tree module's own ``blocks/``."""
    return (root / "blocks", *sorted((root / "runtime" / "modules").glob("*/blocks")))


def load_blocks(dirs: Iterable[Path] | None = None) -> BlockRegistry:
    """Load and validate every block under ``dirs`` (default: the repository's block
    folders); raises :class:`ManifestError`."""
    dirs = tuple(Path(d).resolve() for d in (dirs if dirs is not None
                                             else block_dirs_under(BLOCKS_DIR.parent)))
    files = [f for d in dirs if d.is_dir() for f in d.glob("*/*") if f.is_file()]
    return cached("blocks", dirs, files_signature(files), lambda: _load(dirs))


def _load(dirs: tuple[Path, ...]) -> BlockRegistry:
    registry = BlockRegistry()
    for root in dirs:
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if (folder / "block.json").exists():
                registry.register(load_block(folder))
    check_children(registry)
    return registry.freeze()


def load_block(folder: Path) -> BlockType:
    path = folder / "block.json"
    manifest = read_json(path)
    check_against("block", manifest, path)
    type_ = manifest["type"]
    if type_ != folder.name:
        raise ManifestError(path, "/type", f"type '{type_}' must match the folder name "
                                           f"'{folder.name}'")
    version = manifest["version"]
    validator, defaults = compile_settings(
        manifest["settings"], f"https://mallkit.dev/blocks/{type_}/settings.json", path,
        "/settings")
    if not (folder / "template.html").is_file():
        raise ManifestError(folder / "template.html", "", "every block needs a template.html")
    migrations: dict[int, tuple[dict[str, Any], ...]] = {}
    for i, step in enumerate(manifest.get("migrations", [])):
        if step["from"] >= version:
            raise ManifestError(path, f"/migrations/{i}/from",
                                f"a migration from version {step['from']} cannot apply to a "
                                f"block at version {version}")
        if step["from"] in migrations:
            raise ManifestError(path, f"/migrations/{i}/from",
                                f"two migrations from version {step['from']}")
        migrations[step["from"]] = tuple(step["ops"])
    for missing in range(1, version):
        if missing not in migrations:
            raise ManifestError(path, "/migrations",
                                f"no migration from version {missing} to {missing + 1}")
    min_client = manifest.get("min_client")
    children = manifest.get("blocks") or {}
    if manifest.get("fixed") and ("page_kinds" not in manifest or manifest.get("limit") != 1):
        raise ManifestError(path, "/fixed", "a fixed block names its page_kinds and has limit 1")
    resolving = _import_file(folder / "resolve.py", type_)
    block = BlockType(
        type=type_, version=version, manifest=manifest, folder=folder, validator=validator,
        defaults=defaults, resolver=_function(resolving, folder / "resolve.py", "resolve", 2),
        preparer=_function(resolving, folder / "resolve.py", "prepare", 2, required=False),
        rules=_function(_import_file(folder / "validate.py", type_), folder / "validate.py",
                        "validate", 1),
        requires=tuple(manifest.get("requires", ())),
        page_kinds=tuple(manifest.get("page_kinds", PAGE_KINDS)),
        everywhere="page_kinds" not in manifest,
        limit=manifest.get("limit"),
        fixed=bool(manifest.get("fixed")),
        min_client=parse_version(min_client) if min_client else None,
        child_types=tuple(children.get("types", ())), max_children=children.get("max", 0),
        richtext_keys=tuple(k for k, p in manifest["settings"]["properties"].items()
                            if p.get("x-ui") == "richtext"),
        migrations=migrations,
    )
    for i, preset in enumerate(block.presets):
        settings = block.effective_settings(preset["settings"])
        errors = list(validator.iter_errors(settings))
        unknown = sorted(set(preset["settings"]) - set(defaults))
        if unknown:
            raise ManifestError(path, f"/presets/{i}/settings/{unknown[0]}",
                                f"unknown setting '{unknown[0]}'")
        if errors:
            raise ManifestError(path, f"/presets/{i}/settings", errors[0].message)
        for where, message in block.rule_errors(settings):
            raise ManifestError(path, f"/presets/{i}/settings{where}", message)
        for j, child in enumerate(preset.get("blocks", [])):
            if child["type"] not in block.child_types:
                raise ManifestError(path, f"/presets/{i}/blocks/{j}/type",
                                    f"'{child['type']}' is not a child type of '{type_}'")
        if len(preset.get("blocks", [])) > max(block.max_children, 0):
            raise ManifestError(path, f"/presets/{i}/blocks",
                                f"at most {block.max_children} child blocks")
    for where, message in block.rule_errors(defaults):
        prop = where.split("/")[1] if where.count("/") else ""
        raise ManifestError(path, f"/settings/properties/{prop}/default", message)
    return block


def _function(module: Any, path: Path, func: str, arity: int, required: bool = True) -> Any:
    """``func`` from a block's optional Python file (``resolve.py``, ``validate.py``; None
    when there is no file); ``required=False``: None when the file does not define it."""
    if module is None:
        return None
    found = getattr(module, func, None)
    if found is None and not required:
        return None
    if not callable(found) or len(inspect.signature(found).parameters) != arity:
        args = "(batch, ctx)" if arity == 2 else "(settings)"
        raise ManifestError(path, "", f"must define {func}{args}")
    return found


def _import_file(path: Path, type_: str) -> Any:
    """A block's optional Python file as a module (None when there is none)."""
    if not path.exists():
        return None
    name = f"mallkit_blocks.{type_.replace('-', '_')}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ManifestError(path, "", "cannot be imported")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise ManifestError(path, "", f"import failed: {type(exc).__name__}: {exc}") from exc
    return module


def check_children(registry: BlockRegistry) -> None:
    """Child block types named by a manifest must exist."""
    for block in registry:
        for i, child in enumerate(block.child_types):
            if child not in registry:
                raise ManifestError(block.folder / "block.json", f"/blocks/types/{i}",
                                    f"unknown child block type '{child}'")
