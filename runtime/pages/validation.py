"""Checking a page config against the page schema and every block's manifest.

Pure: takes the config and the block registry, returns the normalised config (block settings
upgraded to the current block version, defaults filled in) and one error per problem, each
with a JSON pointer into the config.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from runtime.errors import FieldError
from runtime.pages import schemas
from runtime.pages.blocks import BlockRegistry


def check_page(config: Any, blocks: BlockRegistry, kind: str | None = None, *,
               fixed: bool = True) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate ``config``; return (normalised config, errors). ``fixed=False`` leaves out the
    rule that a page keeps its fixed blocks (theme presets, which get them added on use)."""
    errors = schemas.validate("page", config)
    if not isinstance(config, dict):
        return {}, errors or [FieldError("", "a page config must be a JSON object", "type")]
    normalised = copy.deepcopy(config)
    if kind is not None and config.get("kind") != kind:
        errors.append(FieldError("/kind", f"this page's kind is '{kind}'", "const"))
    page_kind = kind or config.get("kind")
    instances = normalised.get("blocks")
    if isinstance(instances, list):
        walker = _Walker(blocks, page_kind if isinstance(page_kind, str) else None)
        walker.walk(instances, "/blocks", parent=None)
        errors += walker.errors
        if fixed and isinstance(page_kind, str):
            errors += fixed_block_errors(instances, blocks, page_kind)
    return normalised, _dedupe(errors)


def fixed_block_errors(instances: list[Any], blocks: BlockRegistry,
                       page_kind: str) -> list[FieldError]:
    """A page of a kind with a fixed block (the product page's buy box) keeps it, shown, at the
    top level; it may be moved but not removed or hidden."""
    errors = []
    for block in blocks:
        if not block.fixed or not block.allowed_on(page_kind):
            continue
        found = [(i, b) for i, b in enumerate(instances)
                 if isinstance(b, dict) and b.get("type") == block.type]
        if not found:
            errors.append(FieldError("/blocks", f"a {page_kind} page keeps its '{block.type}' "
                                                "block", "fixed"))
        for i, instance in found:
            if instance.get("hidden"):
                errors.append(FieldError(f"/blocks/{i}/hidden",
                                         f"'{block.type}' cannot be hidden", "fixed"))
    return errors


def with_fixed_blocks(config: dict[str, Any], blocks: BlockRegistry,
                      page_kind: str) -> dict[str, Any]:
    """``config`` with the fixed blocks of ``page_kind`` it lacks added at the top."""
    present = {b.get("type") for b in config.get("blocks") or [] if isinstance(b, dict)}
    missing = [{"id": b.type, "type": b.type, "version": b.version, "settings": {}}
               for b in blocks if b.fixed and b.allowed_on(page_kind)
               and b.type not in present]
    return {**config, "blocks": missing + list(config.get("blocks") or [])} if missing \
        else config


class _Walker:
    def __init__(self, blocks: BlockRegistry, page_kind: str | None) -> None:
        self.blocks = blocks
        self.page_kind = page_kind
        self.errors: list[FieldError] = []
        self.ids: set[str] = set()
        self.counts: Counter[str] = Counter()

    def walk(self, instances: list[Any], where: str, parent: str | None) -> None:
        for i, instance in enumerate(instances):
            if isinstance(instance, dict):
                self.check(instance, f"{where}/{i}", parent)

    def check(self, instance: dict[str, Any], where: str, parent: str | None) -> None:
        block_id = instance.get("id")
        if isinstance(block_id, str):
            if block_id in self.ids:
                self.errors.append(FieldError(f"{where}/id", f"duplicate block id '{block_id}'",
                                              "unique"))
            self.ids.add(block_id)
        type_ = instance.get("type")
        if not isinstance(type_, str):
            return
        block = self.blocks.get(type_)
        if block is None:
            self.errors.append(FieldError(f"{where}/type", f"unknown block type '{type_}'",
                                          "unknown_block"))
            return
        if parent is not None:
            parent_block = self.blocks[parent]
            if type_ not in parent_block.child_types:
                self.errors.append(FieldError(
                    f"{where}/type", f"'{parent}' does not accept '{type_}' blocks", "child_type"))
        elif self.page_kind and not block.allowed_on(self.page_kind):
            self.errors.append(FieldError(
                f"{where}/type", f"'{type_}' cannot be placed on a {self.page_kind} page",
                "page_kind"))
        self.counts[type_] += 1
        if block.limit is not None and self.counts[type_] == block.limit + 1:
            self.errors.append(FieldError(
                where, f"at most {block.limit} '{type_}' block(s) per page", "limit"))
        self._check_settings(instance, block, where)
        children = instance.get("blocks")
        if isinstance(children, list) and children:
            if not block.child_types:
                self.errors.append(FieldError(f"{where}/blocks",
                                              f"'{type_}' takes no child blocks", "max_children"))
            elif len(children) > block.max_children:
                self.errors.append(FieldError(
                    f"{where}/blocks", f"at most {block.max_children} child blocks "
                                       f"({len(children)} given)", "max_children"))
            self.walk(children, f"{where}/blocks", parent=type_)

    def _check_settings(self, instance: dict[str, Any], block: Any, where: str) -> None:
        version = instance.get("version", block.version)
        if not isinstance(version, int) or version < 1:
            return  # reported by the page schema
        if version > block.version:
            self.errors.append(FieldError(
                f"{where}/version", f"'{block.type}' is at version {block.version}; "
                                    f"version {version} is unknown", "version"))
            return
        stored = instance.get("settings")
        if not isinstance(stored, dict):
            return
        migrated = block.migrate(stored, version)
        for key in sorted(set(migrated) - set(block.defaults)):
            self.errors.append(FieldError(f"{where}/settings/{key}",
                                          f"unknown setting '{key}'", "unknown"))
        settings = block.default_settings()
        settings.update({k: v for k, v in migrated.items() if k in block.defaults})
        schema_errors = schemas.field_errors(block.validator.iter_errors(settings),
                                             f"{where}/settings")
        self.errors += schema_errors
        if not schema_errors:
            self.errors += [FieldError(f"{where}/settings{pointer}", message, "rule")
                            for pointer, message in block.rule_errors(settings)]
        instance["settings"] = settings
        instance["version"] = block.version


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        if (e.pointer, e.message) not in seen:
            seen.add((e.pointer, e.message))
            out.append(e)
    return out
