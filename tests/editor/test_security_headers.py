"""The page editor's Content-Security-Policy: its scripts carry the request's nonce, it may
compile (Ajv), and its page previews follow the storefront's rules."""

from __future__ import annotations

import re

from tests.editor.conftest import BASE


def test_the_editor_may_compile_and_its_scripts_carry_the_nonce(console):
    page = console.client.get(BASE + "/pages/home/edit")
    policy = page.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = page.get_data(as_text=True)
    assert html.count(f'nonce="{nonce}"') == 2
    preview = console.client.get(BASE + "/pages/home/preview")
    storefront = preview.headers["Content-Security-Policy"]  # the storefront's own policy
    assert "script-src 'self' 'nonce-" in storefront and "'unsafe-eval'" not in storefront


def test_theme_previews_run_sandboxed(console):
    from runtime.headers import SANDBOX_POLICY

    console.client.get(BASE + "/pages")  # the fixed pages exist once listed
    preview = console.client.get(BASE + "/themes/default/preview")
    assert preview.status_code == 200, preview.get_data(as_text=True)[:300]
    assert preview.headers["Content-Security-Policy"] == SANDBOX_POLICY
