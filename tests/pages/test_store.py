"""The page store: drafts with revisions, validation pointers, atomic publish, rollback,
history, immutability, idempotent creation, tenant isolation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.errors import Conflict, NotFound, ValidationFailed, problem_response
from runtime.pages import store
from runtime.pages.models import ImmutableVersion, Page, PageVersion
from tests.pages.conftest import block, in_shop, page_config


def pointers(exc: ValidationFailed) -> list[str]:
    return [e.pointer for e in exc.errors]


@pytest.fixture
def home(app, shop, regs):
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        s.commit()
        return page


def test_ensure_page_is_idempotent_and_publishes_the_preset(app, shop, regs, home):
    with in_shop(app, shop) as s:
        again = store.ensure_page(s, "home", regs)
        assert again.id == home.id
        assert s.scalar(select(Page.id).where(Page.slug == "home")) == home.id
        versions = store.history(s, "home")
        assert [(v.number, v.source) for v in versions] == [(1, "preset")]
        assert again.draft == versions[0].config
        assert again.draft_revision == 1


def test_ensure_page_survives_a_concurrent_creator(app, shop, regs):
    """Two sessions race to create the home page; both end up with the same row."""
    mk = app.extensions["mallkit"]
    first, second = mk.session_factory(), mk.session_factory()
    try:
        use_shop(first, shop.id)
        use_shop(second, shop.id)
        a = store.ensure_page(first, "home", regs)
        first.commit()
        # `second` has not seen the row in its own snapshot yet on some backends; the unique
        # constraint decides and the loser reads the winner's page.
        b = store.ensure_page(second, "home", regs)
        second.commit()
        assert a.id == b.id
    finally:
        first.close()
        second.close()


def test_save_draft_validates_with_one_pointer_per_error(app, shop, regs, home):
    config = page_config(
        block("a", "title", title=42),                    # wrong type
        {"type": "title", "settings": {}},                # missing required id
        block("c", "no-such-block"),                      # unknown block type
        {**block("g", "test-group"), "blocks": [block("g1", "title"), block("g2", "title"),
                                                block("g3", "title")]},  # too many children
        block("e", "spacer", height=500, colour="red"),   # out of range + unknown setting
        block("a", "title"),                              # duplicate id
        {**block("h", "test-group"), "blocks": [block("h1", "spacer")]},  # child type refused
        block("l1", "test-limited"), block("l2", "test-limited"),  # over the per-page limit
    )
    del config["title"]
    with in_shop(app, shop) as s, pytest.raises(ValidationFailed) as caught:
        store.save_draft(s, "home", config, home.draft_revision, regs)
    assert pointers(caught.value) == [
        "/title",
        "/blocks/1/id",
        "/blocks/0/settings/title",
        "/blocks/2/type",
        "/blocks/3/blocks",
        "/blocks/4/settings/colour",
        "/blocks/4/settings/height",
        "/blocks/5/id",
        "/blocks/6/blocks/0/type",
        "/blocks/8",
    ]
    problem = caught.value.to_problem()
    assert problem["status"] == 422
    assert {e["code"] for e in problem["errors"]} >= {"required", "type", "unknown_block",
                                                      "max_children", "limit", "unique"}
    with app.test_request_context():
        response = problem_response(caught.value)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    with in_shop(app, shop) as s:
        unchanged = store.get_page(s, "home")
        assert unchanged.draft_revision == home.draft_revision
        assert unchanged.draft == home.draft


def test_link_and_image_settings_are_checked_against_shared_defs(app, shop, regs, home):
    config = page_config(block("t", "title", link={"kind": "url", "url": "javascript:alert(1)"}),
                         block("t2", "title", link={"kind": "product", "product_id": "x"}),
                         block("t3", "title", color="red"))
    with in_shop(app, shop) as s, pytest.raises(ValidationFailed) as caught:
        store.save_draft(s, "home", config, home.draft_revision, regs)
    assert pointers(caught.value) == ["/blocks/0/settings/link/url",
                                      "/blocks/1/settings/link/product_id",
                                      "/blocks/2/settings/color"]


def test_stale_draft_save_is_a_409_draft_conflict(app, shop, regs, home):
    config = page_config(block("t", "title", title="一"))
    with in_shop(app, shop) as s:
        saved = store.save_draft(s, "home", config, home.draft_revision, regs)
        assert saved.draft_revision == home.draft_revision + 1
        s.commit()
    with in_shop(app, shop) as s, pytest.raises(Conflict) as caught:
        store.save_draft(s, "home", page_config(block("t", "title", title="二")),
                         home.draft_revision, regs)
    assert caught.value.code == "draft_conflict"
    assert caught.value.status == 409
    assert caught.value.extra["current_revision"] == home.draft_revision + 1
    with in_shop(app, shop) as s:
        assert store.get_page(s, "home").draft["blocks"][0]["settings"]["title"] == "一"


def test_draft_is_normalised_defaults_filled_and_version_set(app, shop, regs, home):
    with in_shop(app, shop) as s:
        page = store.save_draft(s, "home", page_config(block("t", "title")),
                                home.draft_revision, regs)
        stored = page.draft["blocks"][0]
        assert stored["version"] == 2
        assert stored["settings"] == regs.blocks["title"].defaults


def test_publish_rollback_and_history(app, shop, regs, home, publish):
    assert publish(shop, page_config(block("t", "title", title="二"))) == 2
    assert publish(shop, page_config(block("t", "title", title="三"))) == 3
    with in_shop(app, shop) as s:
        version = store.rollback(s, "home", 2)
        s.commit()
        assert version.number == 4 and version.source == "rollback"
        page, live = store.live_config(s, "home")
        assert page.live_version == 4
        assert live.config["blocks"][0]["settings"]["title"] == "二"
        assert [v.number for v in store.history(s, "home")] == [4, 3, 2, 1]
        # The draft is not touched by a rollback.
        assert page.draft["blocks"][0]["settings"]["title"] == "三"
        with pytest.raises(NotFound):
            store.rollback(s, "home", 99)


def test_publish_with_a_stale_revision_is_refused(app, shop, regs, home):
    with in_shop(app, shop) as s, pytest.raises(Conflict) as caught:
        store.publish(s, "home", revision=home.draft_revision + 5, registries=regs)
    assert caught.value.code == "draft_conflict"


def test_published_versions_are_immutable(app, shop, regs, home):
    with in_shop(app, shop) as s:
        version = s.scalar(select(PageVersion))
        version.config = {"schema": 1}
        with pytest.raises(ImmutableVersion):
            s.flush()
        s.rollback()


def test_publish_is_atomic(app, shop, regs, home):
    """A failure after the version row is written leaves neither the version nor the pointer."""
    with in_shop(app, shop) as s:
        store.save_draft(s, "home", page_config(block("t", "title", title="新")),
                         home.draft_revision, regs)
        s.commit()
        store.publish(s, "home", registries=regs)
        s.rollback()
    with in_shop(app, shop) as s:
        page = store.get_page(s, "home")
        assert page.live_version == 1
        assert [v.number for v in store.history(s, "home")] == [1]


def test_custom_pages(app, shop, regs):
    with in_shop(app, shop) as s:
        page = store.create_page(s, "about", "关于我们", registries=regs)
        assert page.kind == "custom" and page.live_version is None and page.title == "关于我们"
        s.commit()
        with pytest.raises(Conflict):
            store.create_page(s, "about", registries=regs)
        with pytest.raises(ValidationFailed) as caught:
            store.create_page(s, "Bad Slug", registries=regs)
        assert pointers(caught.value) == ["/slug"]
        with pytest.raises(ValidationFailed):
            store.create_page(s, "home", registries=regs)
        # a custom page cannot hold blocks limited to other kinds, nor change its kind
        with pytest.raises(ValidationFailed) as caught:
            store.save_draft(s, "about", page_config(block("t", "title"), kind="home"),
                             page.draft_revision, regs)
        assert pointers(caught.value) == ["/kind"]


def test_block_kinds_are_enforced(app, shop, regs):
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "cart", regs)
        with pytest.raises(ValidationFailed) as caught:
            store.save_draft(s, "cart", page_config(block("p", "test-promo"), kind="cart"),
                             page.draft_revision, regs)
        assert pointers(caught.value) == ["/blocks/0/type"]


def test_another_shop_cannot_read_or_write_the_pages(app, factory, shop, regs, home):
    other = factory.shop(slug="beta")
    with in_shop(app, other) as s:
        assert store.find_page(s, "home") is None
        with pytest.raises(NotFound):
            store.save_draft(s, "home", page_config(), 1, regs)
        assert s.scalars(select(PageVersion)).all() == []
        own = store.ensure_page(s, "home", regs)
        assert own.id != home.id
        s.commit()
    with in_shop(app, shop) as s:
        assert store.get_page(s, "home").id == home.id
        assert len(store.history(s, "home")) == 1
