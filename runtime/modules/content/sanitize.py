"""The article body's allow-list: the HTML a merchant's article may keep, on H5 and in the
mini-program's ``rich-text`` node alike. Everything else — scripts, event handlers, ``style``
beyond a few text properties, iframes, forms, ``javascript:`` and ``data:`` URLs — is removed
when the article is saved, so what is stored is what is shown."""

from __future__ import annotations

import nh3

TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "h2",
                  "h3", "h4", "blockquote", "img", "figure", "figcaption", "hr", "table",
                  "thead", "tbody", "tr", "th", "td", "span", "section"})
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
              "span": {"style"}, "p": {"style"}}
URL_SCHEMES = frozenset({"http", "https"})
STYLE_PROPERTIES = frozenset({"color", "background-color", "text-align", "font-weight"})


def sanitize_body(html: str) -> str:
    """The article body as it may be stored: allowed tags, attributes, http(s) or relative
    URLs and inline text styles only; links get ``rel="noopener noreferrer nofollow"``."""
    if not html:
        return ""
    return nh3.clean(html, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(URL_SCHEMES),
                     filter_style_properties=set(STYLE_PROPERTIES),
                     link_rel="noopener noreferrer nofollow").strip()
