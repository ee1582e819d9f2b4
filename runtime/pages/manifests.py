"""Shared rules for JSON manifests (blocks, modules, themes): loading, settings schemas,
error messages that name the file and the JSON pointer, and a per-process parse cache."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from runtime.pages import schemas
from runtime.pages.schemas import pointer

T = TypeVar("T")

WIDGETS = frozenset(
    schemas.registry().contents(schemas.schema_uri("defs"))["$defs"]["widget"]["enum"])


class ManifestError(Exception):
    """A manifest (or preset, or template) is wrong; says which file and where."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        self.path = str(path)
        self.pointer = where
        self.message = message
        super().__init__(f"{self.path}: {where or '/'}: {message}")


class RegistryFrozen(RuntimeError):
    """A registry was changed after start-up."""


class FrozenRegistry(Generic[T]):
    """Manifests by id, filled at start-up and then frozen (blocks, modules, themes)."""

    def __init__(self) -> None:
        self._items: dict[str, T] = {}
        self._frozen = False

    def key(self, item: T) -> str:
        raise TypeError(f"{type(self).__name__} must define key()")

    def manifest_path(self, item: T) -> Path:
        raise TypeError(f"{type(self).__name__} must define manifest_path()")

    def late_hint(self, item: T) -> str:
        """What to do instead of registering ``item`` after start-up."""
        return "add its manifest to the repository so create_app loads it"

    def register(self, item: T) -> None:
        key = self.key(item)
        if self._frozen:
            raise RegistryFrozen(f"'{key}' registered after start-up; {self.late_hint(item)}")
        if key in self._items:
            raise ManifestError(self.manifest_path(item), "/" + self.key_field,
                                f"'{key}' is defined twice (also in "
                                f"{self.manifest_path(self._items[key])})")
        self._items[key] = item

    key_field = "id"

    def freeze(self) -> Self:
        self._frozen = True
        return self

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items[k] for k in sorted(self._items))

    def __len__(self) -> int:
        return len(self._items)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(path, "", f"cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(path, "", f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                                      f"{exc.msg}") from None


def check_against(kind: str, document: Any, path: Path, prefix: str = "") -> None:
    """Validate ``document`` against ``schemas/<kind>.schema.json``; raise on the first error."""
    errors = schemas.validate(kind, document, prefix)
    if errors:
        raise ManifestError(path, errors[0].pointer, errors[0].message)


def compile_settings(schema: dict[str, Any], uri: str, path: Path,
                     where: str) -> tuple[Draft202012Validator, dict[str, Any]]:
    """Check a settings schema's rules and return its validator and its default settings.

    Rules: every property (also inside object and array-item schemas) has a ``default``;
    ``x-ui`` names a known widget; the defaults are valid settings.
    """
    _check_defaults(schema, path, where)
    try:
        validator = schemas.settings_validator(schema, uri)
    except SchemaError as exc:
        raise ManifestError(path, where + pointer(exc.path), f"not a valid JSON Schema: "
                                                              f"{exc.message}") from None
    defaults = {name: prop["default"] for name, prop in schema.get("properties", {}).items()}
    errors = schemas.field_errors(validator.iter_errors(defaults))
    if errors:
        prop = errors[0].pointer.split("/")[1] if errors[0].pointer else ""
        raise ManifestError(path, f"{where}/properties/{prop}/default",
                            f"default is not valid: {errors[0].message}")
    return validator, defaults


def _check_defaults(schema: dict[str, Any], path: Path, where: str) -> None:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, prop in properties.items():
        here = f"{where}/properties/{name}"
        if not isinstance(prop, dict):
            raise ManifestError(path, here, "a property must be a schema object")
        if "default" not in prop:
            raise ManifestError(path, here, f"property '{name}' has no default")
        widget = prop.get("x-ui")
        if widget is not None and widget not in WIDGETS:
            known = ", ".join(sorted(WIDGETS))
            raise ManifestError(path, f"{here}/x-ui",
                                f"unknown widget {widget!r}; use one of {known}")
        if widget == "choice" and not isinstance(prop.get("x-source"), str):
            raise ManifestError(path, f"{here}/x-source",
                                "a 'choice' setting names its x-source (e.g. article-categories)")
        if prop.get("type") == "object":
            _check_defaults(prop, path, here)
        items = prop.get("items")
        if isinstance(items, dict) and items.get("type") == "object":
            _check_defaults(items, path, f"{here}/items")


def files_signature(paths: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    """What the parse cache is keyed by: each file's path, mtime and size."""
    sig = []
    for p in sorted(paths):
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        sig.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(sig)


_parse_cache: dict[tuple[str, Any], tuple[Any, Any]] = {}


def cached(kind: str, key: Any, signature: Any, build: Callable[[], T]) -> T:
    """Return the value built for (kind, key) while ``signature`` (file mtimes) is unchanged."""
    hit = _parse_cache.get((kind, key))
    if hit is not None and hit[0] == signature:
        return hit[1]
    value = build()
    _parse_cache[(kind, key)] = (signature, value)
    return value
