"""A module's settings as a typed value, with the schema in its ``module.json`` as the one
source of defaults: the dataclass names the fields and their types, never their values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from runtime.modules.registry import load_modules


class ModuleSettings:
    """Mixin for a frozen dataclass of a module's settings (``MODULE_ID`` names the module).

    ``from_dict(values)`` fills what ``values`` leaves out from the schema's defaults and
    keeps only the dataclass's fields; a subclass converts nested values in ``convert``.
    """

    MODULE_ID: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, Any]]

    @classmethod
    def schema_defaults(cls) -> dict[str, Any]:
        return load_modules()[cls.MODULE_ID].default_settings()

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None = None) -> Self:
        merged = {**cls.schema_defaults(), **(values or {})}
        fields = {k: v for k, v in merged.items() if k in cls.__dataclass_fields__}
        return cls(**cls.convert(fields))

    @classmethod
    def convert(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Turn JSON values into the field types (lists of objects into tuples ...)."""
        return values
