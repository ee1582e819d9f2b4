"""A page's own settings (background image, title bar style, share, popup ad): checked when a
draft is saved, sent in the layout's ``page`` (images expanded, the popup with a key that
changes with its content) and drawn by the H5 page frame."""

from __future__ import annotations

import re

import pytest

from runtime.errors import ValidationFailed
from runtime.pages import schemas, store
from tests.pages.conftest import block, in_shop, page_config


def _home(**settings):
    return {**page_config(block("t", "title", title="欢迎")), **settings}


def test_a_page_without_settings_sends_their_defaults(client, shop):
    page = client.get("/api/v1/shops/alpha/layouts/home").json["page"]
    assert (page["background_image"], page["nav_style"], page["share"], page["popup"]) == (
        None, "default", {"title": "", "image": None}, None)
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "data-mk-popup" not in html and "mk-page--immersive" not in html


def test_settings_reach_the_layout_and_the_h5_frame(client, shop, publish, factory):
    picture = factory.media_image(shop, 1500, 2000)
    publish(shop, _home(background="#fff0f0", background_image={"media_id": picture.id},
                        nav_style="immersive",
                        share={"title": "好物分享", "image": {"url": "https://cdn.example.com/s.png"}},
                        popup={"image": {"media_id": picture.id},
                               "link": {"kind": "page", "slug": "user"}, "frequency": "once"}))
    layout = client.get("/api/v1/shops/alpha/layouts/home").json
    schemas.validator("layout").validate(layout)
    page = layout["page"]
    assert page["background_image"]["media_id"] == picture.id
    assert page["background_image"]["url"].startswith("/media/")
    assert page["nav_style"] == "immersive"
    assert page["share"] == {"title": "好物分享", "image": {"url": "https://cdn.example.com/s.png",
                                                         "sizes": {}, "alt": ""}}
    popup = page["popup"]
    assert popup["frequency"] == "once" and popup["link"] == {"kind": "page", "slug": "user"}
    assert re.fullmatch(r"[0-9a-f]{12}", popup["key"])
    assert popup["image"]["sizes"]

    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "mk-page--immersive" in html
    assert f"background-image:url('{page['background_image']['sizes']['750']}')" in html
    assert '<meta property="og:title" content="好物分享">' in html
    assert '<meta property="og:image" content="https://cdn.example.com/s.png">' in html
    dialog = re.search(r"<dialog[^>]*data-mk-popup=\"([^\"]+)\"[^>]*data-frequency=\"(\w+)\"",
                       html)
    assert dialog.groups() == (f"alpha:home:{popup['key']}", "once")
    assert 'href="/s/alpha/pages/user"' in html and "_shop-static/popup.js" in html


def test_the_popup_key_changes_with_its_content(client, shop, publish):
    def key():
        return client.get("/api/v1/shops/alpha/layouts/home").json["page"]["popup"]["key"]

    popup = {"image": {"url": "https://cdn.example.com/a.png"}, "frequency": "daily"}
    publish(shop, _home(popup=popup))
    first = key()
    publish(shop, _home(popup={**popup, "frequency": "always"}))
    assert key() == first  # how often is not what is shown
    publish(shop, _home(popup={**popup, "image": {"url": "https://cdn.example.com/b.png"}}))
    assert key() != first


@pytest.mark.parametrize("own, pointer", [
    ({"popup": {"image": None, "frequency": "daily"}}, "/popup/image"),
    ({"popup": {"frequency": "daily"}}, "/popup/image"),
    ({"popup": {"image": {"url": "https://x.example/a.png"}, "frequency": "weekly"}},
     "/popup/frequency"),
    ({"share": {"title": "长" * 41}}, "/share/title"),
    ({"share": {"image": {"url": "ftp://x"}}}, "/share/image/url"),
    ({"nav_style": "floating"}, "/nav_style"),
    ({"background_image": "x.png"}, "/background_image"),
])
def test_bad_page_settings_are_refused_naming_the_field(app, shop, regs, own, pointer):
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        with pytest.raises(ValidationFailed) as failed:
            store.save_draft(s, "home", _home(**own), page.draft_revision, regs)
    assert pointer in [e.pointer for e in failed.value.errors]


def test_another_shop_s_page_settings_stay_its_own(client, factory, shop, publish):
    other = factory.shop(slug="beta", name="Beta")
    publish(shop, _home(popup={"image": {"url": "https://cdn.example.com/a.png"},
                               "frequency": "always"}))
    assert client.get("/api/v1/shops/beta/layouts/home").json["page"]["popup"] is None
    publish(other, _home(nav_style="immersive"))
    assert client.get("/api/v1/shops/alpha/layouts/home").json["page"]["nav_style"] == "default"
