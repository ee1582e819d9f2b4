"""The built-in line icons as SVG path data (24x24, stroked with currentColor), for H5: the tab
bar of the page frame and block templates (``icon_svg(name)`` in the sandbox). The same drawings
as the mini-program's ``utils/icons.js``."""

from __future__ import annotations

from markupsafe import Markup

ICON_PATHS: dict[str, str] = {
    "home": '<path d="M3 10.5L12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z"/>',
    "grid": '<rect x="4" y="4" width="6.5" height="6.5" rx="1.5"/><rect x="13.5" y="4" '
            'width="6.5" height="6.5" rx="1.5"/><rect x="4" y="13.5" width="6.5" height="6.5" '
            'rx="1.5"/><rect x="13.5" y="13.5" width="6.5" height="6.5" rx="1.5"/>',
    "cart": '<circle cx="9" cy="20" r="1.3"/><circle cx="18" cy="20" r="1.3"/><path d="M2.5 '
            '3.5h3l2.4 11.2a1.5 1.5 0 0 0 1.5 1.2h8.4a1.5 1.5 0 0 0 1.5-1.1L21 7.5H6.5"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c.8-4 4-6.5 8-6.5s7.2 2.5 8 6.5"/>',
    "order": '<rect x="5" y="4" width="14" height="17" rx="2"/><path d="M9 2.5h6v3H9zM8.5 '
             '10h7M8.5 14h7M8.5 18h4"/>',
    "shop": '<path d="M4 10v10h16V10M3 9.5L5 4h14l2 5.5a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 '
            '1-6 0zM10 20v-5h4v5"/>',
    "hot": '<path d="M12 3c.6 3.6 5.2 5.6 5.2 10.6a5.2 5.2 0 0 1-10.4 0c0-2.7 1.5-4.5 2.7-5.7.3 '
           '1.9 1.1 3 2.2 3.5C12 9.3 11 6.1 12 3z"/>',
    "new": '<path d="M12 3l2 4.4 4.6-1.3-1.3 4.6L21.5 12l-4.2 1.9 1.3 4.6-4.6-1.3L12 '
           '21.5l-1.9-4.3-4.6 1.3 1.3-4.6L2.5 12l4.3-1.9-1.3-4.6 4.6 1.3z"/><path d="M9.5 '
           '14.5v-5l5 5v-5"/>',
    "coupon": '<path d="M3 7h18v3.2a1.8 1.8 0 0 0 0 3.6V17H3v-3.2a1.8 1.8 0 0 0 0-3.6z"/><path '
              'd="M9.5 7.5v9" stroke-dasharray="1.6 2"/><path d="M13 12h4"/>',
    "gift": '<rect x="3.5" y="8" width="17" height="4" rx="1"/><path d="M5 12v8h14v-8M12 '
            '8v12M12 8C10.5 5 7 4.5 7 6.7 7 8 9.5 8 12 8zm0 0c1.5-3 5-3.5 5-1.3C17 8 14.5 8 12 '
            '8z"/>',
    "service": '<path d="M4 14v-2a8 8 0 0 1 16 0v2"/><rect x="3" y="13" width="4" height="6" '
               'rx="1.5"/><rect x="17" y="13" width="4" height="6" rx="1.5"/><path d="M19 19c0 '
               '1.5-2 2.5-5 2.5"/>',
    "star": '<path d="M12 2.8l2.9 5.9 6.4.9-4.7 4.5 1.1 6.4L12 17.5l-5.7 3 1.1-6.4-4.7-4.5 '
            '6.4-.9z"/>',
    "heart": '<path d="M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 '
             '1.1L12 21l7.8-7.5 1-1.1a5.5 5.5 0 0 0 0-7.8z"/>',
}


def icon_svg(name: str) -> Markup:
    """The icon's SVG paths, safe to put inside an ``<svg viewBox="0 0 24 24">`` ("" if unknown)."""
    return Markup(ICON_PATHS.get(name, "") if isinstance(name, str) else "")
