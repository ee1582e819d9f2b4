"""The JSON Schema documents under ``schemas/``, loaded into one ``referencing`` registry.

Every document has an ``$id`` under ``https://mallkit.dev/schemas/``, so ``$ref`` works across
files; block and module settings schemas get an ``$id`` under ``https://mallkit.dev/`` too, so
they can say ``{"$ref": "/schemas/defs.schema.json#/$defs/image"}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from runtime.errors import FieldError

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = REPO_ROOT / "schemas"
BASE_URI = "https://mallkit.dev/schemas/"
KINDS = ("defs", "page", "block", "module", "theme", "layout", "navigation")


def schema_uri(kind: str) -> str:
    return f"{BASE_URI}{kind}.schema.json"


@cache
def registry() -> Registry:
    """The registry of every schema document, keyed by its ``$id``."""
    resources = []
    for path in sorted(SCHEMAS_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources).crawl()


@cache
def validator(kind: str) -> Draft202012Validator:
    """A validator for one of the documents in ``KINDS``."""
    uri = schema_uri(kind)
    contents = registry().contents(uri)
    Draft202012Validator.check_schema(contents)
    return Draft202012Validator(contents, registry=registry())


def settings_validator(schema: dict[str, Any], uri: str) -> Draft202012Validator:
    """A validator for a block's or module's settings schema, resolving shared ``$defs``."""
    contents = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "$id": uri}
    Draft202012Validator.check_schema(contents)
    return Draft202012Validator(contents, registry=registry())


def pointer(parts: Iterable[Any]) -> str:
    """An RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def field_errors(errors: Iterable[ValidationError], prefix: str = "") -> list[FieldError]:
    """Turn jsonschema errors into one :class:`FieldError` per problem, pointing at the value.

    A missing required member points at the member itself (``/blocks/0/id``); a ``oneOf`` that
    no branch matches reports the best branch's error.
    """
    out: list[FieldError] = []
    for error in sorted(errors, key=lambda e: (list(map(str, e.absolute_path)), e.message)):
        out.extend(_explain(error, prefix))
    seen: set[tuple[str, str]] = set()
    unique = []
    for item in out:
        if (item.pointer, item.message) not in seen:
            seen.add((item.pointer, item.message))
            unique.append(item)
    return unique


def _explain(error: ValidationError, prefix: str) -> Iterator[FieldError]:
    path = prefix + pointer(error.absolute_path)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        for name in error.validator_value:
            if name not in instance:
                yield FieldError(f"{path}/{name}", f"'{name}' is required", "required")
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        for name in sorted(error.instance):
            if name not in allowed:
                yield FieldError(f"{path}/{name}", f"unknown property '{name}'", "unknown")
        return
    if error.validator in ("oneOf", "anyOf") and error.context:
        branch = _best_branch(error)
        if branch:
            for sub in branch:
                yield from _explain(sub, prefix)
            return
    yield FieldError(path, error.message, str(error.validator))


def _best_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the branch the value was evidently meant for: not refused at its root
    for its type, not refused for a ``const`` discriminator (such as a link's ``kind``)."""
    depth = len(error.absolute_path)
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)
    candidates = [
        errs for errs in by_branch.values()
        if not any(e.validator == "const" or (e.validator == "type"
                                              and len(e.absolute_path) == depth) for e in errs)]
    if not candidates:
        return []
    return min(candidates, key=len)


def validate(kind: str, instance: Any, prefix: str = "") -> list[FieldError]:
    return field_errors(validator(kind).iter_errors(instance), prefix)
