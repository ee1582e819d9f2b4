"""A merchant of shop A gets the same 404 for every console URL of shop B as for a shop that
does not exist, whatever the method; nothing of shop B changes."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from runtime.accounts.models import Membership
from runtime.shops.models import Shop
from tests.accounts.helpers import HTML, JSON, fetch

SHOP_PREFIX = "/console/shops/<shop_slug>"


def _shop_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(SHOP_PREFIX)]
    assert len(rules) >= 5, "the console's own shop screens should be among them"
    return rules


def _url(app, rule, slug):
    values = {"shop_slug": slug}
    for name in rule.arguments - {"shop_slug"}:
        values[name] = 1 if isinstance(rule._converters[name], IntegerConverter) else "x"
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method=next(iter(rule.methods - {"HEAD",
                                                                                 "OPTIONS"})))


def test_every_console_url_of_another_shop_is_404(app, factory):
    alpha, beta = factory.shop(slug="alpha"), factory.shop(slug="beta", name="Beta")
    merchant = factory.merchant(alpha, email="a@alpha.cn")
    beta_owner = factory.merchant(beta, email="b@beta.cn")
    client = app.test_client()
    token = factory.console_login(client, merchant)
    checked = 0
    for rule in _shop_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in (JSON, HTML):
                answers = {}
                for slug in ("beta", "no-such-shop"):
                    url = _url(app, rule, slug)
                    response = client.open(url, method=method, json={} if method != "GET"
                                           else None,
                                           headers={**headers, "X-CSRF-Token": token})
                    assert response.status_code == 404, (method, url, response.status_code)
                    body = response.get_data(as_text=True).replace(slug, "<slug>")
                    answers[slug] = body
                    checked += 1
                assert answers["beta"] == answers["no-such-shop"], (method, rule.rule)
    assert checked >= 20
    assert fetch(app, select(Shop.name).where(Shop.slug == "beta"), one=True) == "Beta"
    members = fetch(app, select(Membership.user_id).where(Membership.shop_id == beta.id))
    assert members == [beta_owner.id]
    assert client.get("/console/shops/alpha/", headers=JSON).status_code == 200


def test_the_shop_switcher_lists_only_my_shops(app, factory):
    alpha, beta = factory.shop(slug="alpha", name="甲店"), factory.shop(slug="beta", name="乙店")
    factory.shop(slug="gamma", name="丙店")
    user = factory.merchant(alpha, email="two@shops.cn")
    factory.membership(user, beta, role="staff", areas=["orders"])
    client = app.test_client()
    factory.console_login(client, user)
    index = client.get("/console/", headers=HTML)
    assert index.status_code == 200  # two shops: a list, not a redirect
    html = client.get("/console/shops/beta/", headers=HTML).get_data(as_text=True)
    assert "甲店" in html and "乙店" in html and "丙店" not in html
    assert 'href="/console/shops/alpha/"' in html
    me = client.get("/console/api/me", headers=JSON).json
    assert sorted((s["slug"], s["role"]) for s in me["shops"]) == [("alpha", "owner"),
                                                                   ("beta", "staff")]
