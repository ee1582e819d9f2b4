"""Login throttling: failure counters per account and address, per address, and a
progressive delay per account; sign-up limits; client addresses behind trusted proxies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runtime.accounts.throttle import account_key, account_total_key, ip_key
from tests.accounts.helpers import HTML, JSON, page_csrf
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def owner(factory, shop):
    return factory.merchant(shop, email="owner@alpha.cn")


@pytest.fixture
def limits(app):
    """Small limits for this app (the defaults are 5 per account, 30 per IP)."""
    state = app.extensions["mallkit"]
    before = state.settings
    state.settings = before.replace(login_max_failures_per_account=3,
                                    login_max_failures_per_ip=5, login_window_seconds=600,
                                    login_delay_after_failures=4)
    yield state.settings
    state.settings = before  # the app is shared with later tests


def _login(client, email, password, ip="203.0.113.7"):
    token = client.get("/console/login", headers=JSON,
                       environ_base={"REMOTE_ADDR": ip}).json["csrf_token"]
    return client.post("/console/login", json={"email": email, "password": password},
                       headers={"X-CSRF-Token": token}, environ_base={"REMOTE_ADDR": ip})


def test_account_is_throttled_after_its_failure_limit(client, owner, limits, redis_conn):
    for _ in range(3):
        assert _login(client, owner.email, "wrong-pass-1").status_code == 401
    refused = _login(client, owner.email, DEFAULT_PASSWORD)  # the right password
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "rate_limited"
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 600
    assert redis_conn.ttl(account_key(owner.email, "203.0.113.7")) == pytest.approx(
        retry_after, abs=2)


def test_failures_from_elsewhere_never_lock_the_owner_out(client, owner, limits, clock):
    """Guessing from one address locks that address out of the account, not its owner."""
    for _ in range(3):
        assert _login(client, owner.email, "wrong-pass-1").status_code == 401
    assert _login(client, owner.email, DEFAULT_PASSWORD).status_code == 429
    assert _login(client, owner.email, DEFAULT_PASSWORD, ip="198.51.100.9").status_code == 200


def test_a_distributed_guess_is_slowed_progressively(client, owner, limits, clock):
    """Past the account's threshold (4 here) each attempt waits 2, 4, 8 ... seconds after
    the last failure, whatever the address; the owner waits seconds, not the window."""
    for n in range(4):
        assert _login(client, owner.email, "wrong-pass-1", ip=f"198.51.100.{n}").status_code \
            == 401
    for expected_wait in (2, 4):
        held = _login(client, owner.email, "wrong-pass-1", ip="192.0.2.50")
        assert held.status_code == 429 and int(held.headers["Retry-After"]) == expected_wait
        clock.advance(timedelta(seconds=expected_wait))
        assert _login(client, owner.email, "wrong-pass-1", ip="192.0.2.50").status_code == 401
    held = _login(client, owner.email, DEFAULT_PASSWORD, ip="192.0.2.99")
    assert held.status_code == 429 and int(held.headers["Retry-After"]) == 8
    clock.advance(timedelta(seconds=8))
    assert _login(client, owner.email, DEFAULT_PASSWORD, ip="192.0.2.99").status_code == 200


def test_account_counter_ignores_email_case_and_spaces(client, owner, limits):
    for email in ("Owner@Alpha.cn", " owner@alpha.cn", "OWNER@ALPHA.CN"):
        assert _login(client, email, "wrong-pass-1").status_code == 401
    assert _login(client, owner.email, DEFAULT_PASSWORD).status_code == 429


def test_ip_is_throttled_across_accounts(client, factory, shop, limits):
    users = [factory.merchant(shop, email=f"staff{i}@alpha.cn") for i in range(3)]
    attempts = [users[0], users[0], users[1], users[1], users[2]]  # 5 failures, 2 per account
    for user in attempts:
        assert _login(client, user.email, "wrong-pass-1").status_code == 401
    refused = _login(client, users[2].email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # the same account from another IP is fine: only 1 failure on it
    ok = _login(client, users[2].email, DEFAULT_PASSWORD, ip="198.51.100.9")
    assert ok.status_code == 200


def test_success_clears_the_account_counter(client, owner, limits, redis_conn):
    for _ in range(2):
        _login(client, owner.email, "wrong-pass-1")
    assert int(redis_conn.get(account_key(owner.email, "203.0.113.7"))) == 2
    assert _login(client, owner.email, DEFAULT_PASSWORD).status_code == 200
    assert redis_conn.get(account_key(owner.email, "203.0.113.7")) is None
    assert not redis_conn.exists(account_total_key(owner.email))
    assert int(redis_conn.get(ip_key("203.0.113.7"))) == 2  # the IP's count runs out alone
    for _ in range(2):
        assert _login(client, owner.email, "wrong-pass-1").status_code == 401


def test_counter_expiry_lifts_the_throttle(client, owner, limits, redis_conn):
    for _ in range(3):
        _login(client, owner.email, "wrong-pass-1")
    assert _login(client, owner.email, DEFAULT_PASSWORD).status_code == 429
    # The window is the counters' Redis TTL; run it out now instead of waiting.
    for key in (account_key(owner.email, "203.0.113.7"), ip_key("203.0.113.7")):
        assert redis_conn.ttl(key) > 0
        redis_conn.expire(key, 0)
    assert _login(client, owner.email, DEFAULT_PASSWORD).status_code == 200


def test_throttled_html_login_shows_the_form_with_retry_after(client, owner, limits):
    for _ in range(3):
        _login(client, owner.email, "wrong-pass-1")
    token = page_csrf(client)
    response = client.post("/console/login", headers=HTML, data={
        "csrf_token": token, "email": owner.email, "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_default_limits_come_from_settings(client, owner, redis_conn, settings):
    assert settings.login_max_failures_per_account == 5
    for _ in range(5):
        assert _login(client, owner.email, "wrong-pass-1").status_code == 401
    assert _login(client, owner.email, DEFAULT_PASSWORD).status_code == 429


def test_sign_ups_are_limited_per_address(client, app, monkeypatch):
    state = app.extensions["mallkit"]
    monkeypatch.setattr(state, "settings", state.settings.replace(signup_max_per_ip=2))
    token = page_csrf(client, "/console/signup")

    def signup(n, ip):
        return client.post("/console/signup", headers={"X-CSRF-Token": token, **JSON}, json={
            "email": f"u{n}@shop.cn", "password": "pass-word-1234", "display_name": "U",
            "shop_name": f"S{n}", "shop_slug": f"shop-{n}"},
            environ_base={"REMOTE_ADDR": ip})

    assert signup(1, "203.0.113.7").status_code == 201
    client.post("/console/logout", headers={"X-CSRF-Token": token})
    token = page_csrf(client, "/console/signup")
    assert signup(2, "203.0.113.7").status_code != 429
    refused = signup(3, "203.0.113.7")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert signup(4, "198.51.100.4").status_code != 429


def test_client_address_behind_trusted_proxies(settings, factory, shop, owner, redis_conn):
    from runtime.app import create_app

    forwarded = {"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"}
    for trusted, counted in ((0, "127.0.0.1"), (1, "198.51.100.23")):
        app = create_app(settings.replace(trusted_proxies=trusted))
        try:
            client = app.test_client()
            token = client.get("/console/login", headers={**JSON, **forwarded}).json
            client.post("/console/login", json={"email": owner.email, "password": "wrong-1"},
                        headers={"X-CSRF-Token": token["csrf_token"], **forwarded},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"})
            assert int(redis_conn.get(ip_key(counted)) or 0) == 1, trusted
        finally:
            app.extensions["mallkit"].engine.dispose()
