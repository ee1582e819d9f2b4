"""Starting a shop's pages from its theme: the theme's presets copied into page drafts."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from runtime.pages import store
from runtime.pages.registries import Registries
from runtime.pages.validation import with_fixed_blocks
from runtime.themes.service import active_theme


@dataclass
class PresetsCopied:
    copied: list[str] = field(default_factory=list)
    """Fixed pages whose draft is now the theme's preset."""
    kept: list[str] = field(default_factory=list)
    """Fixed pages left alone: their draft has edits not yet published."""


def presets_as_drafts(session: Session, registries: Registries) -> PresetsCopied:
    """Copy the active theme's preset of each existing fixed page (modules' kinds included,
    when the theme styles them) into its draft, unless the draft holds unpublished edits.
    Live pages change only when the merchant publishes."""
    theme = active_theme(session, registries.themes).theme
    result = PresetsCopied()
    for kind in registries.kinds.single_kinds():
        if kind not in theme.presets:
            continue  # a module's kind the theme does not style keeps its module's page
        page = store.find_page(session, kind, lock=True)
        if page is None:
            continue  # made from the active theme's preset when first needed
        live = store.live_config(session, kind)
        if live is not None and page.draft != live[1].config:
            result.kept.append(kind)
            continue
        preset = with_fixed_blocks(theme.preset(kind), registries.blocks, kind)
        store.save_draft(session, kind, preset, page.draft_revision, registries)
        result.copied.append(kind)
    return result
