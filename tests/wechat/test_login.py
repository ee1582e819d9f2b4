"""The mini-program client against the local simulator: login codes, phone numbers, tokens."""

from __future__ import annotations

import base64
import json
import socket
from datetime import timedelta

import pytest

from runtime.errors import ValidationFailed
from runtime.wechat import keys, mini_client
from runtime.wechat.errors import (
    InvalidCode,
    SimulatorGuardError,
    TransportError,
    WechatApiError,
)
from runtime.wechat.login import (
    HttpWechatMiniClient,
    MiniSession,
    PhoneNumber,
    WechatMiniConfig,
    simulator_mini_client,
    simulator_mini_config,
)
from runtime.wechat.transport import AppTransport, HttpRequest, UrllibTransport

REAL = WechatMiniConfig(appid="wx8888888888888888", secret="real-secret")


@pytest.fixture
def mini(app) -> HttpWechatMiniClient:
    return simulator_mini_client(app)


def test_dev_code_logs_in_as_that_openid(mini, clock):
    session = mini.code2session("dev-oUser_42")
    assert isinstance(session, MiniSession)
    assert session.openid == "oUser_42" and session.unionid == "dev-union-oUser_42"
    assert len(base64.b64decode(session.session_key)) == 16
    assert mini.code2session("dev-oUser_42") == session
    assert mini.code2session("dev-other").session_key != session.session_key
    assert session.session_key not in repr(session)


@pytest.mark.parametrize("code", ["abc", "dev-", "dev-has space", "DEV-x", "dev-" + "a" * 65,
                                  "061Xa3Ga1JxPMP0ZjdHa1CbO7Y1Xa3Gk"])
def test_other_codes_get_wechats_invalid_code(mini, clock, code):
    with pytest.raises(InvalidCode) as exc:
        mini.code2session(code)
    assert exc.value.errcode == 40029 and exc.value.errmsg.startswith("invalid code, rid: ")
    assert exc.value.status == 400


def test_empty_code_is_a_validation_error(mini):
    with pytest.raises(ValidationFailed) as exc:
        mini.code2session("")
    assert exc.value.errors[0].pointer == "/code"


def test_simulator_answers_like_wechat(client, settings):
    config = simulator_mini_config(settings)
    answer = client.get("/_sim/wechat/sns/jscode2session", query_string={
        "appid": config.appid, "secret": config.secret, "js_code": "nope",
        "grant_type": "authorization_code"})
    assert answer.status_code == 200
    assert answer.json["errcode"] == 40029 and "invalid code" in answer.json["errmsg"]


def test_wrong_app_credentials(app, settings, clock):
    config = simulator_mini_config(settings)
    for changed, errcode in (({"secret": "wrong"}, 40125),
                             ({"appid": "wx0000000000000000"}, 40013)):
        bad = HttpWechatMiniClient(WechatMiniConfig(**{**config.__dict__, **changed}),
                                   AppTransport(app))
        with pytest.raises(WechatApiError) as exc:
            bad.code2session("dev-x")
        assert exc.value.errcode == errcode and not isinstance(exc.value, InvalidCode)


def test_phone_number(mini, clock):
    phone = mini.get_phone_number("dev-phone-13800138000")
    assert phone == PhoneNumber("13800138000", "13800138000", "86")


@pytest.mark.parametrize("code", ["dev-phone-1380013800", "dev-phone-138001380001",
                                  "dev-13800138000", "phone-13800138000"])
def test_bad_phone_codes(mini, clock, code):
    with pytest.raises(InvalidCode) as exc:
        mini.get_phone_number(code)
    assert exc.value.errcode == 40029


def test_access_token_is_cached_until_near_expiry(mini, redis_conn, clock):
    token = mini.get_access_token()
    assert token.startswith("simtok_")
    cached = json.loads(redis_conn.get(keys.access_token_cache(mini.config.appid)))
    assert cached == {"token": token,
                      "expires_at": int(clock.now().timestamp()) + 7200}
    clock.advance(timedelta(seconds=7200 - 301))
    assert mini.get_access_token() == token
    clock.advance(timedelta(seconds=2))
    renewed = mini.get_access_token()
    assert renewed != token
    assert mini.get_phone_number("dev-phone-13900139000").pure_phone_number == "13900139000"


def test_rejected_token_is_fetched_again_once(app, mini, redis_conn, clock):
    redis_conn.set(keys.access_token_cache(mini.config.appid), json.dumps(
        {"token": "simtok_forged", "expires_at": int(clock.now().timestamp()) + 7200}))
    assert mini.get_phone_number("dev-phone-13800138000").country_code == "86"
    assert json.loads(redis_conn.get(keys.access_token_cache(mini.config.appid)))[
        "token"] != "simtok_forged"


def test_simulator_token_errors(app, mini, clock):
    transport = AppTransport(app)
    body = json.dumps({"code": "dev-phone-13800138000"}).encode()

    def ask(query: str) -> dict:
        response = transport(HttpRequest(
            "POST", f"http://x/_sim/wechat/wxa/business/getuserphonenumber{query}",
            {"Content-Type": "application/json"}, body))
        return json.loads(response.body)

    assert ask("")["errcode"] == 41001
    assert ask("?access_token=nope")["errcode"] == 40001
    token = mini.get_access_token()
    assert ask(f"?access_token={token}")["errcode"] == 0
    clock.advance(timedelta(hours=2))
    assert ask(f"?access_token={token}")["errcode"] == 42001


def test_stable_token_keeps_the_current_token(app, settings, clock):
    config = simulator_mini_config(settings)
    first = HttpWechatMiniClient(config, AppTransport(app)).get_access_token()
    clock.advance(timedelta(minutes=30))
    second = HttpWechatMiniClient(config, AppTransport(app)).get_access_token()
    assert first == second


def test_real_configuration_never_reaches_the_simulator(app):
    with pytest.raises(SimulatorGuardError):
        HttpWechatMiniClient(REAL, AppTransport(app))
    assert isinstance(mini_client(REAL, app).transport, UrllibTransport)
    with pytest.raises(ValidationFailed) as exc:
        WechatMiniConfig(appid=REAL.appid, secret="s", base_url="http://localhost/_sim/wechat")
    assert exc.value.errors[0].pointer == "/base_url"
    with pytest.raises(ValidationFailed) as exc:
        WechatMiniConfig(appid="app", secret="", simulator=True,
                         base_url="https://api.weixin.qq.com")
    assert {e.pointer for e in exc.value.errors} == {"/appid", "/secret", "/base_url"}


def test_over_real_http(live_server, settings, redis_conn, clock):
    config = WechatMiniConfig(**{**simulator_mini_config(settings).__dict__,
                                 "base_url": f"{live_server}/_sim/wechat"})
    client = HttpWechatMiniClient(config, UrllibTransport(timeout=10), cache=redis_conn)
    assert client.code2session("dev-over-http").openid == "over-http"
    assert client.get_phone_number("dev-phone-13700137000").phone_number == "13700137000"
    with pytest.raises(InvalidCode):
        client.code2session("bogus")


def test_unreachable_server_is_a_transport_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransportError) as exc:
        UrllibTransport(timeout=2)(HttpRequest("GET", f"http://127.0.0.1:{port}/sns/x"))
    assert exc.value.status == 503
