"""A page's own settings beside its blocks (``schemas/page.schema.json``): background image,
title bar style (default / immersive), what a share shows, and the popup ad (首页弹窗).

They reach clients in the layout's ``page`` section (images expanded like props) and the H5
page frame. The popup carries a ``key`` that changes with its content, so a shopper who saw
one popup "once" still sees the next one the merchant puts up; whether it is due is decided
on the shopper's device (``frequency`` + when that device last showed that key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

FREQUENCIES = ("daily", "once", "always")
ImageExpander = Callable[[dict[str, Any]], dict[str, Any]]


def image_refs(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The media-library references among the page's own settings."""
    share = config.get("share") or {}
    popup = config.get("popup") or {}
    refs = [config.get("background_image"), share.get("image"), popup.get("image")]
    return [r for r in refs if isinstance(r, dict) and "media_id" in r]


def popup_key(popup: Mapping[str, Any]) -> str:
    """A short fingerprint of the popup's content: a new image or link is a new popup."""
    raw = json.dumps({"image": popup.get("image"), "link": popup.get("link")}, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def page_section(config: Mapping[str, Any], expand: ImageExpander) -> dict[str, Any]:
    """What the layout's ``page`` gets from the page's own settings, defaults filled in."""
    def image(ref: Any) -> dict[str, Any] | None:
        return expand(ref) if isinstance(ref, dict) else None

    share = config.get("share") or {}
    popup = config.get("popup")
    shown_popup = None
    if isinstance(popup, Mapping) and isinstance(popup.get("image"), dict):
        shown_popup = {"key": popup_key(popup), "image": image(popup["image"]),
                       "link": popup.get("link"), "frequency": popup.get("frequency", "daily")}
    return {"background_image": image(config.get("background_image")),
            "nav_style": config.get("nav_style", "default"),
            "share": {"title": share.get("title", ""), "image": image(share.get("image"))},
            "popup": shown_popup}
