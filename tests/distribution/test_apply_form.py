"""The apply form (指定分销): the merchant defines its fields in the module's settings (the
console's list editor; 422 naming the field), the shopper gets them from distribution/me and
applies with answers (422 at /answers/<key>), the answers are stored with the application and
shown in the console's application review."""

from __future__ import annotations

from runtime.modules.distribution.models import Application, Distributor
from tests.distribution.flow import buyer, read, switch_on

FIELDS = [{"key": "name", "label": "姓名", "required": True},
          {"key": "city", "label": "所在城市", "required": False}]


def test_the_shops_form_from_the_console_to_the_review(app, client, factory, shop):
    switch_on(factory, shop)
    console = app.test_client()
    token = factory.console_login(console, factory.merchant(shop))
    headers = {"X-CSRF-Token": token}
    settings_url = f"/console/shops/{shop.slug}/modules/distribution/settings"
    bad = console.post(settings_url, json={"settings": {
        "enrolment": "apply", "application_fields": [{"key": "Bad Key", "label": "x"}]}},
        headers=headers)
    assert bad.status_code == 422
    assert "/settings/application_fields/0/key" in [e["pointer"] for e in bad.json["errors"]]
    saved = console.post(settings_url, json={"settings": {
        "enrolment": "apply", "application_fields": FIELDS}}, headers=headers)
    assert saved.status_code == 200, saved.json
    page = console.get(f"/console/shops/{shop.slug}/modules/distribution")
    assert page.status_code == 200 and "所在城市" in page.get_data(as_text=True)

    alice = buyer(app, client, factory, shop, "alice")
    me = alice.call("GET", "/distribution/me").json
    assert (me["enrolment"], me["form"]) == ("apply", FIELDS)
    for answers, pointer in (({"city": "深圳"}, "/answers/name"),
                             ({"name": "李雷", "age": "30"}, "/answers/age"),
                             ({"name": "李" * 101}, "/answers/name")):
        problem = alice.call("POST", "/distribution/apply", {"answers": answers}, 422).json
        assert problem["errors"][0]["pointer"] == pointer
    assert read(factory, shop, lambda s: s.query(Application).count()) == 0
    applied = alice.call("POST", "/distribution/apply",
                         {"answers": {"name": " 李雷 ", "city": "深圳"}}, 201).json
    assert (applied["result"], applied["is_distributor"]) == ("pending", False)
    assert read(factory, shop, lambda s: s.query(Application).one().answers) \
        == {"name": "李雷", "city": "深圳"}

    base = f"/console/shops/{shop.slug}/distribution/applications"
    review = console.get(base).get_data(as_text=True)
    assert "姓名：李雷" in review and "所在城市：深圳" in review
    listed = console.get(base, headers={"Accept": "application/json"}).json["items"]
    assert listed[0]["answers"] == {"name": "李雷", "city": "深圳"}
    decided = console.post(f"{base}/{listed[0]['id']}/approve", json={}, headers=headers)
    assert decided.status_code == 200
    assert read(factory, shop, lambda s: s.query(Distributor).count()) == 1
    assert alice.call("GET", "/distribution/me").json["is_distributor"] is True
