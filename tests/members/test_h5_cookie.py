"""H5 logins keep the member token in an HttpOnly cookie (scripts never see it): SameSite=Lax,
Secure over https, scoped to the shop's API path; writes with it need a same-origin Origin;
logout clears it. The mini-program's bearer token is unchanged."""

from __future__ import annotations

import logging
import re

PHONE = "13912345678"


def _cookie_login(client, shop, caplog, base_url="http://localhost"):
    base = f"/api/v1/shops/{shop.slug}/auth/h5"
    with caplog.at_level(logging.WARNING, logger="mallkit.members.h5login"):
        assert client.post(base + "/code", json={"phone": PHONE},
                           base_url=base_url).status_code == 202
    code = re.findall(rf"{PHONE}: (\d{{6}})", caplog.text)[-1]
    return client.post(base, json={"phone": PHONE, "code": code, "session": "cookie"},
                       base_url=base_url)


def _set_cookie(response) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie")
             if h.startswith("mallkit_member=")]
    assert len(found) == 1, response.headers
    return found[0]


def test_the_h5_login_sets_an_httponly_cookie_and_no_token(client, shop, caplog, clock):
    login = _cookie_login(client, shop, caplog)
    assert login.status_code == 201 and "token" not in login.json
    header = _set_cookie(login)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert f"Path=/api/v1/shops/{shop.slug}/" in header and "Secure" not in header
    me = client.get(f"/api/v1/shops/{shop.slug}/me")
    assert me.status_code == 200 and me.json["phone"] == PHONE


def test_secure_over_https(client, shop, caplog, clock):
    login = _cookie_login(client, shop, caplog, base_url="https://shop.example.com")
    assert "Secure" in _set_cookie(login)


def test_cookie_writes_need_this_sites_origin(client, shop, caplog, clock):
    _cookie_login(client, shop, caplog)
    url = f"/api/v1/shops/{shop.slug}/me"
    no_origin = client.patch(url, json={"nickname": "小红"})
    assert no_origin.status_code == 403 and no_origin.json["code"] == "csrf_failed"
    foreign = client.patch(url, json={"nickname": "小红"},
                           headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    referer_elsewhere = client.patch(url, json={"nickname": "小红"},
                                     headers={"Referer": "https://evil.example/s/alpha/"})
    assert referer_elsewhere.status_code == 403
    same = client.patch(url, json={"nickname": "小红"}, headers={"Origin": "http://localhost"})
    assert same.status_code == 200 and same.json["nickname"] == "小红"
    by_referer = client.patch(url, json={"nickname": "小明"},
                              headers={"Referer": f"http://localhost/s/{shop.slug}/"})
    assert by_referer.status_code == 200


def test_logout_clears_the_cookie_and_ends_the_token(client, shop, caplog, clock):
    _cookie_login(client, shop, caplog)
    out = client.post(f"/api/v1/shops/{shop.slug}/auth/logout", json={},
                      headers={"Origin": "http://localhost"})
    assert out.status_code == 204
    cleared = _set_cookie(out)
    assert "mallkit_member=;" in cleared and "Expires=Thu, 01 Jan 1970" in cleared
    assert client.get_cookie("mallkit_member", path=f"/api/v1/shops/{shop.slug}/") is None
    me = client.get(f"/api/v1/shops/{shop.slug}/me")
    assert me.status_code == 401


def test_a_stale_cookie_browses_as_a_guest(client, shop, caplog, clock):
    client.set_cookie("mallkit_member", "not-a-token", path=f"/api/v1/shops/{shop.slug}/")
    assert client.get(f"/api/v1/shops/{shop.slug}/products").status_code == 200
    me = client.get(f"/api/v1/shops/{shop.slug}/me")
    assert me.status_code == 401 and me.json["code"] == "login_required"


def test_the_cookie_is_another_shops_nothing(client, factory, shop, caplog, clock):
    _cookie_login(client, shop, caplog)
    token = client.get_cookie("mallkit_member", path=f"/api/v1/shops/{shop.slug}/").value
    other = factory.shop(slug="beta")
    client.set_cookie("mallkit_member", token, path=f"/api/v1/shops/{other.slug}/")
    me = client.get(f"/api/v1/shops/{other.slug}/me")
    assert me.status_code == 401


def test_the_mini_program_keeps_its_bearer_token(client, shop):
    login = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": "dev-alice"})
    assert login.status_code == 201 and login.json["token"]
    assert not [h for h in login.headers.getlist("Set-Cookie") if "mallkit_member" in h]
    auth = {"Authorization": f"Bearer {login.json['token']}"}
    changed = client.patch(f"/api/v1/shops/{shop.slug}/me", json={"nickname": "小蓝"},
                           headers=auth)  # no Origin needed: not a cookie
    assert changed.status_code == 200


def test_a_bad_session_mode_names_the_field(client, shop):
    bad = client.post(f"/api/v1/shops/{shop.slug}/auth/h5",
                      json={"phone": PHONE, "code": "123456", "session": "jar"})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/session"
