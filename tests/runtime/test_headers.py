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
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    api = client.get(f"/api/v1/shops/{shop.slug}/products")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in api.headers


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/console/login").headers
    secure = client.get("/console/login", base_url="https://shop.example.com")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
