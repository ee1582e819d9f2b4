"""The category and group pickers of the console (the product list's filters and bulk bar, the
product form, the export form) are kept in the catalog cache, yet a category or group added,
renamed, moved or deleted shows at once; on PostgreSQL a repeat view reads neither table."""

from __future__ import annotations

import re

import pytest

from tests.sqlcount import counting

BASE = "/console/shops/alpha/catalog"


@pytest.fixture
def owner_client(app, client, factory, shop):
    client.csrf = factory.console_login(client, factory.merchant(shop))
    return client


def _select(html: str, name: str) -> list[str]:
    """The labels of a <select name=...>'s options that have a value."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found is not None, name
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', found.group(1))


def _pickers(client) -> dict[str, list[str]]:
    html = client.get(f"{BASE}/products").get_data(as_text=True)
    return {"categories": _select(html, "category"), "groups": _select(html, "group"),
            "bulk groups": _select(html, "group_id")}


def _post(client, path: str, **form) -> None:
    response = client.post(f"{BASE}{path}", data={"csrf_token": client.csrf, **form})
    assert response.status_code == 302


def _ids(client, name: str) -> dict[str, int]:
    html = client.get(f"{BASE}/products").get_data(as_text=True)
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert found is not None
    return {label.strip("　"): int(value) for value, label in
            re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', found.group(1))}


def test_categories_follow_adds_renames_moves_and_deletes(owner_client):
    assert _pickers(owner_client)["categories"] == []
    _post(owner_client, "/categories", name="女装", position="1", is_visible="1")
    _post(owner_client, "/categories", name="男装", position="2", is_visible="1")
    women = _ids(owner_client, "category")["女装"]
    _post(owner_client, "/categories", name="连衣裙", parent_id=str(women), position="0")
    assert _pickers(owner_client)["categories"] == ["女装", "　连衣裙", "男装"]
    dresses = _ids(owner_client, "category")["连衣裙"]
    _post(owner_client, f"/categories/{dresses}", name="长裙",
          parent_id=str(_ids(owner_client, "category")["男装"]), position="0")
    assert _pickers(owner_client)["categories"] == ["女装", "男装", "　长裙"]
    _post(owner_client, f"/categories/{women}/delete")
    assert _pickers(owner_client)["categories"] == ["男装", "　长裙"]


def test_groups_follow_adds_renames_and_deletes(owner_client):
    _post(owner_client, "/groups", name="新品", kind="manual", position="0")
    _post(owner_client, "/groups", name="百元内", kind="rule", rule_tags="",
          rule_max_price="100.00", position="1")
    assert _pickers(owner_client) == {"categories": [], "groups": ["新品", "百元内"],
                                      "bulk groups": ["新品"]}  # rule groups pick their own
    new = _ids(owner_client, "group")["新品"]
    _post(owner_client, f"/groups/{new}", name="上新", kind="manual", position="0")
    assert _pickers(owner_client)["bulk groups"] == ["上新"]
    _post(owner_client, f"/groups/{new}/delete")
    assert _pickers(owner_client)["groups"] == ["百元内"]


def test_the_product_form_offers_the_same_choices(owner_client):
    _post(owner_client, "/categories", name="女装", position="0", is_visible="1")
    _post(owner_client, "/groups", name="新品", kind="manual", position="0")
    _post(owner_client, "/groups", name="百元内", kind="rule", rule_tags="",
          rule_max_price="100.00", position="1")
    html = owner_client.get(f"{BASE}/products/new").get_data(as_text=True)
    assert '"label": "女装"' in html and '"name": "新品"' in html and "百元内" not in html


@pytest.mark.postgres
def test_a_repeat_view_reads_no_categories_or_groups(app, owner_client):
    _post(owner_client, "/categories", name="女装", position="0", is_visible="1")
    with counting(app) as first:
        _pickers(owner_client)
    with counting(app) as repeat:
        assert _pickers(owner_client)["categories"] == ["女装"]

    def taxonomy_reads(statements: list[str]) -> list[str]:
        return [s for s in statements if "FROM catalog_categories" in s
                or "FROM catalog_groups" in s]

    assert len(taxonomy_reads(first.statements)) == 2
    assert taxonomy_reads(repeat.statements) == []
