"""Who may reach the WeChat simulators over HTTP, and the banner shown while they are on.

The simulators let anyone who can call them mark an order paid, so they exist only by
explicit choice (``settings.simulators_enabled``) and, even then, answer only clients on this
machine: a loopback address that no reverse proxy forwarded. Behind a proxy configured with
``MALLKIT_TRUSTED_PROXIES`` (werkzeug's ``ProxyFix``) the address is the real client's.
"""

from __future__ import annotations

import ipaddress

from flask import Response, current_app, request

FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")
BANNER_TEXT = "模拟支付 — 订单不会真实收款"
_BANNER_LOOK = ("z-index:2147483647;pointer-events:none;background:rgba(180,35,24,.92);"
                "color:#fff;font:600 12px/1.5 system-ui,sans-serif")
#: On the storefront a strip at the very top of the page that scrolls away with it: fixed
#: anywhere, it covered something (the title, a bar's link, a total, the tab bar).
BANNER = ('<div class="mallkit-simulator-banner" role="status" style="position:relative;'
          f'{_BANNER_LOOK};padding:2px 8px;text-align:center">' + BANNER_TEXT + "</div>")
#: In the console, over the page and centred on the top bar's empty middle (its menus are at
#: the sides), never taking clicks or moving its layout.
CONSOLE_BANNER = ('<div class="mallkit-simulator-banner" role="status" style="position:fixed;'
                  f'top:4px;left:50%;transform:translateX(-50%);{_BANNER_LOOK};'
                  'padding:3px 12px;border-radius:999px;white-space:nowrap">'
                  + BANNER_TEXT + "</div>")
BANNER_PATHS = ("/s/", "/console")


def is_local_client() -> bool:
    """The request comes from this machine itself (in-process calls included)."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if not address.is_loopback:
        return False
    if "werkzeug.proxy_fix.orig" in request.environ:
        return True  # ProxyFix already replaced the proxy's address by the client's
    return not any(name in request.headers for name in FORWARDING_HEADERS)


def refusal() -> str | None:
    """Why the simulators will not answer this request, or None when they will."""
    if not current_app.extensions["mallkit"].settings.simulators_enabled:
        return "WeChat simulators are disabled"
    if not is_local_client():
        return "the WeChat simulators answer only this machine"
    return None


def add_banner(response: Response) -> Response:
    """Put the simulator banner at the top of every console and storefront HTML page."""
    if (response.mimetype != "text/html" or response.direct_passthrough
            or response.is_streamed or not request.path.startswith(BANNER_PATHS)):
        return response
    html = response.get_data(as_text=True)
    start = html.find("<body")
    end = html.find(">", start) if start >= 0 else -1
    if end >= 0:
        banner = BANNER if request.path.startswith("/s/") else CONSOLE_BANNER
        response.set_data("".join((html[:end + 1], banner, html[end + 1:])))
    return response
