"""The editor's draft preview: console members with the pages area only, never cached."""

from __future__ import annotations

from runtime.accounts.models import Role
from runtime.pages import store
from tests.pages.conftest import block, ids_in_html, ids_in_layout, in_shop, page_config

URL = "/console/shops/alpha/pages/home/preview"


def save_draft(app, shop, regs, *blocks):
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        store.save_draft(s, "home", page_config(*blocks), page.draft_revision, regs)
        s.commit()


def test_preview_shows_the_draft_uncached(app, client, factory, shop, regs):
    save_draft(app, shop, regs, block("d1", "title", title="草稿标题"), block("d2", "spacer"))
    factory.console_login(client, factory.merchant(shop))
    html = client.get(URL)
    assert html.status_code == 200
    assert html.headers["Cache-Control"] == "no-store"
    assert "ETag" not in html.headers
    assert ids_in_html(html.get_data(as_text=True)) == ["d1", "d2"]
    layout = client.get(URL + "?format=layout", headers={"X-Client-Version": "3.0.0"})
    assert layout.status_code == 200 and layout.headers["Cache-Control"] == "no-store"
    assert ids_in_layout(layout.json["nodes"]) == ["d1", "d2"]
    assert layout.json["page"]["version"] == 0
    # the published page is still the theme preset
    live = client.get("/api/v1/shops/alpha/layouts/home").json
    assert "d1" not in ids_in_layout(live["nodes"])


def test_preview_needs_a_member_with_the_pages_area(app, client, factory, shop, regs):
    save_draft(app, shop, regs, block("d1", "title"))
    assert client.get(URL, headers={"Accept": "application/json"}).status_code == 401

    staff = factory.merchant(shop, role=Role.STAFF, areas=["orders"])
    factory.console_login(client, staff)
    assert client.get(URL, headers={"Accept": "application/json"}).status_code == 403

    other = factory.shop(slug="beta")
    stranger = factory.merchant(other)
    second = app.test_client()
    factory.console_login(second, stranger)
    assert second.get(URL, headers={"Accept": "application/json"}).status_code == 404

    editor = factory.merchant(shop, role=Role.STAFF, areas=["pages"])
    third = app.test_client()
    factory.console_login(third, editor)
    assert third.get(URL).status_code == 200
