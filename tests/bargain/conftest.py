"""Bargain fixtures: the shared Chromium for the H5 pages' test."""

from tests.browser_support import browser, live_url, phone  # noqa: F401
