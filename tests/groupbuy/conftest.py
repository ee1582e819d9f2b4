"""Group-buy fixtures: the shared Chromium for the product page's buy-box test."""

from tests.browser_support import browser, live_url, phone  # noqa: F401
