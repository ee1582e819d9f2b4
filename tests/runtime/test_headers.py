"""Security headers: nosniff and a referrer policy everywhere, framing by this site only, a
nonce-based Content-Security-Policy on console pages (eval only in the page editor), HSTS
over https."""

from __future__ import annotations

import re


def test_console_pages_have_a_nonce_policy(client):
    first = client.get("/console/login")
    policy = first.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert first.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    second = client.get("/console/login").headers["Content-Security-Policy"]
    assert re.search(r"'nonce-([^']+)'", policy).group(1) != \
        re.search(r"'nonce-([^']+)'", second).group(1)


def test_storefront_and_api(client, shop):
    page = client.get(f"/s/{shop.slug}/cart")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    api = client.get(f"/api/v1/shops/{shop.slug}/products")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in api.headers


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/console/login").headers
    secure = client.get("/console/login", base_url="https://shop.example.com")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_published_pages_get_a_fresh_nonce_on_their_inline_scripts(client, factory, shop):
    """The storefront had no script policy at all (only frame-ancestors); published pages are
    cached, so each response fills the cached page's nonce slot with its own nonce."""
    from runtime.headers import nonce_slot
    from tests.page_helpers import block, page_config

    slides = [{"image": None, "link": None, "title": t, "subtitle": ""} for t in ("一", "二")]
    factory.publish_page(shop, page_config(block("b1", "banner", slides=slides)))
    nonces = []
    for _ in range(2):
        page = client.get(f"/s/{shop.slug}/")
        assert page.status_code == 200
        nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
        html = page.get_data(as_text=True)
        assert f'<script nonce="{nonce}">' in html  # the banner's inline script runs
        assert "<script>" not in html
        with client.application.test_request_context():
            assert nonce_slot() not in html
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    etag = page.headers["ETag"]
    unchanged = client.get(f"/s/{shop.slug}/", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert "Content-Security-Policy" not in unchanged.headers  # the kept page keeps its own
