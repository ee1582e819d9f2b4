"""After a theme update or switch: block settings migrations applied to every page draft, and
each page's draft compared with its live version so the merchant sees what publishing changes."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from runtime.pages import store
from runtime.pages.diff import Change, page_changes
from runtime.pages.registries import Registries
from runtime.pages.validation import check_page


@dataclass
class Migrated:
    pages: dict[str, list[str]] = field(default_factory=dict)
    """Page slug -> ids of the blocks whose settings were brought to their current version."""
    invalid: list[str] = field(default_factory=list)
    """Pages whose draft is not valid any more: left as they are, to fix in the editor."""


def migrate_drafts(session: Session, registries: Registries) -> Migrated:
    """Apply the block settings migrations to every draft of the shop (each block at an older
    settings version is brought to the current one). A changed draft gets a new revision, so an
    editor open on the old one is asked to reload instead of overwriting it."""
    result = Migrated()
    for listed in store.list_pages(session):
        page = store.get_page(session, listed.slug, lock=True)
        normalised, errors = check_page(copy.deepcopy(page.draft), registries.blocks, page.kind)
        if errors:
            result.invalid.append(page.slug)
            continue
        if normalised == page.draft:
            continue
        before = {i: v for i, v in _versions(page.draft.get("blocks"))}
        result.pages[page.slug] = [i for i, v in _versions(normalised["blocks"])
                                   if isinstance(before.get(i), int) and before[i] != v]
        page.draft = normalised
        page.draft_revision += 1
    session.flush()
    return result


def _versions(blocks: object) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for instance in blocks if isinstance(blocks, list) else []:
        if isinstance(instance, dict) and isinstance(instance.get("id"), str):
            out.append((instance["id"], instance.get("version")))
            out += _versions(instance.get("blocks"))
    return out


@dataclass(frozen=True)
class PageReview:
    slug: str
    title: str
    kind: str
    published: bool
    draft_revision: int
    changes: list[Change]


def pending_changes(session: Session, registries: Registries, lang: str) -> list[PageReview]:
    """Every page whose draft differs from what is live, with the differences in words."""
    reviews = []
    for page in store.list_pages(session):
        live = store.live_config(session, page.slug)
        changes = page_changes(live[1].config if live else None, page.draft,
                               registries.blocks, lang)
        if changes:
            reviews.append(PageReview(page.slug, page.title, page.kind, live is not None,
                                      page.draft_revision, changes))
    return reviews
