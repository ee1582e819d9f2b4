"""Choices for the editor's ``choice`` widget, served by source name.

A setting with ``"x-ui": "choice", "x-source": "<name>"`` is a drop-down of what the source
lists for the shop (``GET /editor/choices?source=<name>``: ``{"items": [{"value", "label"}]}``).
Console packages register their sources in their ``init_app``::

    from builder.editor import choices
    choices.register(app, "article-categories", article_category_choices, module="content")

A source with ``module`` answers 404 while that module is off for the shop. Sources are per
app and frozen once ``create_app`` is done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from runtime.errors import NotFound
from runtime.pages.manifests import RegistryFrozen

#: A source: the shop's session in, ``[{"value": ..., "label": str}, ...]`` out.
Loader = Callable[[Session], list[dict[str, Any]]]

REGISTRY_KEY = "editor.choices"


@dataclass(frozen=True)
class ChoiceSource:
    name: str
    load: Loader
    module: str | None = None


class ChoiceRegistry:
    """One app's choice sources; frozen after start-up."""

    def __init__(self) -> None:
        self._sources: dict[str, ChoiceSource] = {}
        self.frozen = False

    def add(self, source: ChoiceSource) -> None:
        if self.frozen:
            raise RegistryFrozen(f"choice source {source.name!r} added after start-up; "
                                 "register it in the console package's init")
        if source.name in self._sources:
            raise ValueError(f"choice source {source.name!r} is registered twice")
        self._sources[source.name] = source

    def get(self, name: str) -> ChoiceSource | None:
        return self._sources.get(name)

    def freeze(self) -> None:
        self.frozen = True


def registry_of(app: Flask) -> ChoiceRegistry:
    registries = app.extensions["mallkit"].registries
    return registries.setdefault(REGISTRY_KEY, ChoiceRegistry())


def register(app: Flask, name: str, load: Loader, module: str | None = None) -> None:
    """Serve ``load`` as the choices of source ``name`` (with ``module``: only while it is on)."""
    registry_of(app).add(ChoiceSource(name, load, module))


def choices_of(session: Session, name: str) -> list[dict[str, Any]]:
    """The shop's choices from source ``name``; NotFound for an unknown source or one whose
    module is off."""
    from runtime.modules.switches import is_enabled

    source = registry_of(current_app).get(name)
    if source is None or (source.module and not is_enabled(session, source.module)):
        raise NotFound(f"no choice source {name!r} for this shop", code="unknown_choice_source")
    return source.load(session)
