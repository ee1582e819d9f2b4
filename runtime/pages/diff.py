"""What a page's draft changes against its live version, in words a merchant reads before
publishing: blocks added, removed or moved, settings changed (by their labels), page fields.

Blocks are matched by ``id`` (stable across edits). Settings are compared after both sides are
brought to the block's current settings version, so a migration alone is no change of value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from runtime.pages.blocks import BlockRegistry

MAX_VALUE_CHARS = 40
LABELS = {
    "zh": {"added": "新增", "removed": "删除", "moved": "移动", "changed": "修改",
           "page": "页面", "title": "标题", "background": "背景",
           "position": "第 {old} 位 → 第 {new} 位", "inside": "（在“{parent}”中）",
           "migrated": "设置升级到第 {version} 版", "empty": "（空）", "complex": "（已修改）",
           "background_set": "页面背景色改为 {after}", "background_unset": "页面背景色恢复默认",
           "background_image_set": "设置了页面背景图",
           "background_image_changed": "更换了页面背景图",
           "background_image_unset": "去掉了页面背景图",
           "nav_style": "导航栏样式从“{before}”改为“{after}”",
           "nav_default": "默认", "nav_immersive": "沉浸式",
           "share_title": "分享标题从“{before}”改为“{after}”",
           "share_title_unset": "分享标题恢复为页面标题",
           "share_image_set": "设置了分享图片", "share_image_changed": "更换了分享图片",
           "share_image_unset": "去掉了分享图片（微信使用页面截图）",
           "popup_on": "开启了页面弹窗广告（{frequency}）", "popup_off": "关闭了页面弹窗广告",
           "popup_image": "更换了弹窗广告的图片", "popup_link": "修改了弹窗广告的链接",
           "popup_frequency": "弹窗广告的频率从“{before}”改为“{after}”",
           "daily": "每天一次", "once": "只弹一次", "always": "每次访问"},
    "en": {"added": "Added", "removed": "Removed", "moved": "Moved", "changed": "Changed",
           "page": "Page", "title": "Title", "background": "Background",
           "position": "position {old} → {new}", "inside": " (in '{parent}')",
           "migrated": "settings upgraded to version {version}", "empty": "(empty)",
           "complex": "(changed)",
           "background_set": "Page background colour set to {after}",
           "background_unset": "Page background colour back to the default",
           "background_image_set": "Page background image set",
           "background_image_changed": "Page background image replaced",
           "background_image_unset": "Page background image removed",
           "nav_style": "Navigation bar style '{before}' → '{after}'",
           "nav_default": "default", "nav_immersive": "immersive",
           "share_title": "Share title '{before}' → '{after}'",
           "share_title_unset": "Share title back to the page title",
           "share_image_set": "Share image set", "share_image_changed": "Share image replaced",
           "share_image_unset": "Share image removed (WeChat shows a screenshot)",
           "popup_on": "Page popup ad switched on ({frequency})",
           "popup_off": "Page popup ad switched off",
           "popup_image": "Popup ad image replaced", "popup_link": "Popup ad link changed",
           "popup_frequency": "Popup ad frequency '{before}' → '{after}'",
           "daily": "once a day", "once": "only once", "always": "every visit"},
}


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed, moved, changed or migrated; ``block`` the
    block id (None for the page itself); ``text`` says it in the merchant's language."""

    kind: str
    block: str | None
    text: str
    before: str = ""
    after: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "block": self.block, "text": self.text,
                "before": self.before, "after": self.after}


@dataclass(frozen=True)
class _Placed:
    instance: Mapping[str, Any]
    parent: str | None
    index: int


def _flatten(blocks: Any, parent: str | None = None) -> Iterator[tuple[str, _Placed]]:
    for index, instance in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(instance, Mapping) or not isinstance(instance.get("id"), str):
            continue
        yield instance["id"], _Placed(instance, parent, index)
        yield from _flatten(instance.get("blocks"), instance["id"])


def page_changes(live: Mapping[str, Any] | None, draft: Mapping[str, Any],
                 blocks: BlockRegistry, lang: str = "zh") -> list[Change]:
    """The changes publishing ``draft`` would make to ``live`` (None: never published)."""
    words = LABELS.get(lang[:2], LABELS["en"])
    before = dict(_flatten((live or {}).get("blocks")))
    after = dict(_flatten(draft.get("blocks")))
    namer = _Namer(blocks, lang, {**before, **after})
    changes = [Change("changed", None, f"{words['page']} · {words[field]}: "
                                       f"{_show(live.get(field), words)} → "
                                       f"{_show(draft.get(field), words)}",
                      _show(live.get(field), words), _show(draft.get(field), words))
               for field in ("title",)
               if live is not None and live.get(field, "") != draft.get(field, "")]
    if live is not None:
        changes += _page_settings(live, draft, words)
    for block_id, placed in after.items():
        if block_id not in before:
            changes.append(Change("added", block_id, f"{words['added']} {namer(block_id)}"
                                                     f"{namer.where(placed.parent, words)}"))
    for block_id in before:
        if block_id not in after:
            changes.append(Change("removed", block_id, f"{words['removed']} "
                                                       f"{namer(block_id)}"))
    kept = [i for i in after if i in before]
    for block_id in kept:
        old, new = before[block_id], after[block_id]
        changes += _moved(block_id, old, new, before, after, namer, words)
        changes += _settings(block_id, old.instance, new.instance, blocks, namer, words)
    return changes


def _sentence(words: dict[str, str], key: str, before: Any = "", after: Any = "",
              **more: str) -> Change:
    text = words[key].format(before=before, after=after, **more)
    return Change("changed", None, text, str(before or ""), str(after or ""))


def _image_change(words: dict[str, str], prefix: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    kind = "unset" if not new else "set" if not old else "changed"
    return [_sentence(words, f"{prefix}_{kind}")]


def _page_settings(live: Mapping[str, Any], draft: Mapping[str, Any],
                   words: dict[str, str]) -> list[Change]:
    """The page's own settings (background, navigation bar, share, popup) as sentences."""
    found: list[Change] = []
    if (live.get("background") or "") != (draft.get("background") or ""):
        found.append(_sentence(words, "background_set", live.get("background") or "",
                               draft["background"]) if draft.get("background")
                     else _sentence(words, "background_unset", live.get("background")))
    found += _image_change(words, "background_image", live.get("background_image"),
                           draft.get("background_image"))
    old_nav, new_nav = live.get("nav_style") or "default", draft.get("nav_style") or "default"
    if old_nav != new_nav:
        found.append(_sentence(words, "nav_style", words.get(f"nav_{old_nav}", old_nav),
                               words.get(f"nav_{new_nav}", new_nav)))
    old_share, new_share = live.get("share") or {}, draft.get("share") or {}
    old_title, new_title = old_share.get("title") or "", new_share.get("title") or ""
    if old_title != new_title:
        found.append(_sentence(words, "share_title", old_title, new_title) if new_title
                     else _sentence(words, "share_title_unset", old_title))
    found += _image_change(words, "share_image", old_share.get("image"),
                           new_share.get("image"))
    found += _popup(words, live.get("popup") or None, draft.get("popup") or None)
    return found


def _popup(words: dict[str, str], old: Mapping[str, Any] | None,
           new: Mapping[str, Any] | None) -> list[Change]:
    if old == new:
        return []
    if new is None:
        return [_sentence(words, "popup_off")]
    frequency = words.get(str(new.get("frequency")), str(new.get("frequency")))
    if old is None:
        return [_sentence(words, "popup_on", "", frequency, frequency=frequency)]
    found = []
    if old.get("image") != new.get("image"):
        found.append(_sentence(words, "popup_image"))
    if old.get("link") != new.get("link"):
        found.append(_sentence(words, "popup_link"))
    if old.get("frequency") != new.get("frequency"):
        found.append(_sentence(words, "popup_frequency",
                               words.get(str(old.get("frequency")), old.get("frequency")),
                               frequency))
    return found


def _moved(block_id: str, old: _Placed, new: _Placed, before: dict[str, _Placed],
           after: dict[str, _Placed], namer: _Namer, words: dict[str, str]) -> list[Change]:
    """A move is a new parent, or a new place among the siblings both sides share, outside
    their longest run kept in order (so moving one block does not report its neighbours)."""
    def order(side: dict[str, _Placed], other: dict[str, _Placed]) -> list[str]:
        return [i for _, i in sorted((p.index, i) for i, p in side.items()
                                     if p.parent == new.parent and i in other)]

    if old.parent == new.parent:
        was_order, now_order = order(before, after), order(after, before)
        matcher = SequenceMatcher(None, was_order, now_order, autojunk=False)
        if any(block_id in was_order[m.a:m.a + m.size] for m in matcher.get_matching_blocks()):
            return []
        was, now = was_order.index(block_id) + 1, now_order.index(block_id) + 1
        where = words["position"].format(old=was, new=now)
        return [Change("moved", block_id, f"{words['moved']} {namer(block_id)}: {where}",
                       str(was), str(now))]
    return [Change("moved", block_id, f"{words['moved']} {namer(block_id)}"
                                      f"{namer.where(new.parent, words)}")]


def _settings(block_id: str, old: Mapping[str, Any], new: Mapping[str, Any],
              blocks: BlockRegistry, namer: _Namer, words: dict[str, str]) -> list[Change]:
    block = blocks.get(str(new.get("type")))
    if block is None or old.get("type") != new.get("type"):
        return []
    out = []
    old_version = old.get("version", block.version)
    if isinstance(old_version, int) and old_version < new.get("version", block.version):
        out.append(Change("migrated", block_id, f"{namer(block_id)}: "
                          f"{words['migrated'].format(version=block.version)}",
                          str(old_version), str(block.version)))
    was = block.effective_settings(old.get("settings"), old_version
                                   if isinstance(old_version, int) else None)
    now = block.effective_settings(new.get("settings"), new.get("version"))
    properties = block.manifest["settings"].get("properties", {})
    for key in block.defaults:
        if was.get(key) == now.get(key):
            continue
        label = _label(properties.get(key, {}).get("x-label"), namer.lang) or key
        shown = _show(was.get(key), words), _show(now.get(key), words)
        out.append(Change("changed", block_id, f"{words['changed']} {namer(block_id)} · "
                                               f"{label}: {shown[0]} → {shown[1]}", *shown))
    return out


class _Namer:
    """A block's name in the merchant's language, with its title when it has one."""

    def __init__(self, blocks: BlockRegistry, lang: str, placed: dict[str, _Placed]) -> None:
        self.blocks, self.lang, self.placed = blocks, lang, placed

    def __call__(self, block_id: str) -> str:
        instance = self.placed[block_id].instance
        block = self.blocks.get(str(instance.get("type")))
        name = _label(block.name, self.lang) if block else str(instance.get("type"))
        settings = instance.get("settings") or {}
        title = settings.get("title") if isinstance(settings, Mapping) else None
        return f"{name}“{title}”" if isinstance(title, str) and title else f"{name}"

    def where(self, parent: str | None, words: dict[str, str]) -> str:
        return words["inside"].format(parent=self(parent)) if parent in self.placed else ""


def _label(names: Any, lang: str) -> str:
    if not isinstance(names, Mapping):
        return ""
    wanted = "zh-CN" if lang.startswith("zh") else "en"
    return str(names.get(wanted) or next(iter(names.values()), ""))


def _show(value: Any, words: dict[str, str]) -> str:
    if value in (None, ""):
        return words["empty"]
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= MAX_VALUE_CHARS else words["complex"]
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS - 1] + "…"
