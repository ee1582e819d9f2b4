"""Browser tests: one headless Debian Chromium per test session (driven by Playwright, no
browser download), the app served on a free local port, and a phone-sized page.

Use it from a test package's ``conftest.py``::

    from tests.browser_support import browser, live_url, phone  # noqa: F401

and mark the tests ``@pytest.mark.browser``. Without ``/usr/bin/chromium`` the tests are
skipped, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def require_chromium() -> None:
    """Skip when Chromium is missing, but fail under CI, where it must be installed."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")


_shared: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session. Each test package's conftest imports this fixture
    (so pytest holds one fixture per package); they all share one Playwright and one browser,
    closed when the last of them is torn down."""
    require_chromium()
    if _shared["users"] == 0:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        try:
            _shared["browser"] = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception:
            playwright.stop()
            raise
        _shared["playwright"] = playwright
    _shared["users"] += 1
    try:
        yield _shared["browser"]
    finally:
        _shared["users"] -= 1
        if _shared["users"] == 0:
            _shared.pop("browser").close()
            _shared.pop("playwright").stop()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page in a fresh phone-sized context (375×812, touch, zh-CN)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def watched_context(browser: Any, **options: Any) -> Iterator[Any]:
    """A browser context (``options`` as Playwright takes them) whose page errors fail the
    test; for a fixture to ``yield from``."""
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    errors: list[str] = []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    yield context
    context.close()
    assert errors == [], errors


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG under ``test-artifacts/`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in_h5(page: Any, live_url: str, shop_slug: str, token: str) -> None:
    """Log ``page`` in as H5 pages are: the member token in the HttpOnly cookie of the shop's
    API path, and the flag scripts read (they never see the token). Call on a page of the
    shop, then reload."""
    page.context.add_cookies([{"name": "mallkit_member", "value": token, "httpOnly": True,
                               "sameSite": "Lax",
                               "url": f"{live_url}/api/v1/shops/{shop_slug}/"}])
    page.evaluate("(key) => localStorage.setItem(key, '1')", f"mallkit:{shop_slug}:member")


PHONE_WIDTHS = (320, 375, 430)
#: how far the page scrolls sideways (0 or less: it fits the screen)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def visit_at_phone_widths(page: Any, base_url: str, paths: list[str], *,
                          height: int = 760) -> Iterator[tuple[int, str]]:
    """Open every path at every phone width, each loaded to network idle and checked not to
    scroll sideways; yields ``(width, path)`` for the caller's own checks."""
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate(OVERFLOW) <= 0, (width, path)
            yield width, path


def assert_fits_phone_widths(page: Any, *, height: int = 800) -> None:
    """The page as it is now does not scroll sideways at any phone width (it is left at
    375 px)."""
    for width in sorted(PHONE_WIDTHS, key=lambda w: w == 375):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate(OVERFLOW) <= 0, width
