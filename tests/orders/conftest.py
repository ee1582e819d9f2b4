from tests.browser_support import browser, live_url, phone  # noqa: F401
