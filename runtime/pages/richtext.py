"""The rich-text allow-list: what HTML a merchant's text may keep (H5 and mini-program alike)."""

from __future__ import annotations

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "h2", "h3", "h4",
        "blockquote", "img", "span", "div"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
              "span": {"style"}, "p": {"style"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
STYLE_PROPERTIES = {"color", "background-color", "text-align", "font-weight", "font-size"}


def sanitize_html(html: str) -> str:
    """Keep only allowed tags, attributes, URL schemes and inline style properties."""
    if not html:
        return ""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     filter_style_properties=STYLE_PROPERTIES, link_rel="noopener nofollow")
