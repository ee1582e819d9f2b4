"""An id too large for a BIGINT column is an unknown id, never a driver overflow (500): every
route with an ``<int:...>`` segment, API and console alike, tried with 2**64 (API: 404, or 405
where another route owns the path)."""

from __future__ import annotations

import re

TOO_BIG = 2**64


def _path(rule: str, shop_slug: str) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        if converter.startswith("int"):
            return str(TOO_BIG)
        return shop_slug if name == "shop_slug" else "x"
    return re.sub(r"<(?:([a-z]+(?:\([^)]*\))?):)?(\w+)>", value, rule)


def test_ids_beyond_bigint_are_not_found_on_every_route(app, client, factory, shop):
    factory.console_login(client, factory.merchant(shop))
    token = factory.member_token(shop, factory.member(shop))
    tried = 0
    for rule in app.url_map.iter_rules():
        if "<int" not in rule.rule:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        response = client.open(_path(rule.rule, shop.slug), method=method, json={},
                               headers={"Authorization": f"Bearer {token}"})
        tried += 1
        assert response.status_code < 500, (rule.rule, method, response.status_code)
        if rule.rule.startswith("/api/"):
            assert response.status_code in (404, 405), (rule.rule, method)
    assert tried >= 20
