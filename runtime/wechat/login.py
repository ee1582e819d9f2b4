"""The mini-program server API: ``wx.login`` codes, phone numbers, shipping info.

:class:`WechatMiniClient` is the interface; :class:`HttpWechatMiniClient` implements it over a
:data:`Transport` against ``api.weixin.qq.com`` or, with :func:`simulator_mini_client`, against
the local simulator (``/_sim/wechat``), which accepts login codes ``dev-<openid>`` and phone
codes ``dev-phone-<11 digits>``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import redis

from runtime.clock import utcnow
from runtime.errors import FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.settings import Settings
from runtime.wechat import keys
from runtime.wechat.errors import (
    INVALID_CODE_ERRCODES,
    InvalidCode,
    SimulatorGuardError,
    WechatApiError,
    WechatError,
)
from runtime.wechat.shipping import ShippingInfo
from runtime.wechat.simkeys import simulator_material
from runtime.wechat.transport import AppTransport, HttpRequest, Transport

WECHAT_API_BASE_URL = "https://api.weixin.qq.com"
MINI_SIMULATOR_PREFIX = "/_sim/wechat"
MINI_SIMULATOR_BASE_URL = f"http://wxsim.localhost{MINI_SIMULATOR_PREFIX}"
TOKEN_REFRESH_MARGIN_SECONDS = 300
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
"""The access_token was rejected (invalid, not the latest, expired): fetch it again once."""

_APPID = re.compile(r"^wx[0-9a-zA-Z]{16}$")


@dataclass(frozen=True)
class WechatMiniConfig:
    """A mini-program's AppID and AppSecret; ``simulator`` marks the local simulator's."""

    appid: str
    secret: str = field(repr=False)
    base_url: str = WECHAT_API_BASE_URL
    simulator: bool = False

    def __post_init__(self) -> None:
        errors = FieldErrors()
        if not _APPID.match(self.appid or ""):
            errors.append(FieldError("/appid", "the AppID: wx + 16 characters"))
        if not self.secret or len(self.secret) > 64:
            errors.append(FieldError("/secret", "the AppSecret is required"))
        if self.simulator:
            if not urlsplit(self.base_url).path.rstrip("/").endswith(MINI_SIMULATOR_PREFIX):
                errors.append(FieldError("/base_url", f"a simulator configuration points at "
                                                      f"{MINI_SIMULATOR_PREFIX}"))
        elif self.base_url.rstrip("/") != WECHAT_API_BASE_URL:
            errors.append(FieldError("/base_url",
                                     f"a real configuration talks only to {WECHAT_API_BASE_URL}"))
        errors.raise_if_any()


@dataclass(frozen=True)
class MiniSession:
    """What ``code2session`` gives: the user's openid (per AppID), unionid, session key."""

    openid: str
    unionid: str | None
    session_key: str = field(repr=False)


@dataclass(frozen=True)
class PhoneNumber:
    """The number the user agreed to share (``getPhoneNumber``)."""

    phone_number: str
    pure_phone_number: str
    country_code: str


class WechatMiniClient(Protocol):
    """What mallkit asks of WeChat's mini-program server API."""

    def code2session(self, code: str) -> MiniSession:
        """Exchange a ``wx.login`` code; :class:`InvalidCode` if WeChat refuses it."""
        ...

    def get_phone_number(self, code: str) -> PhoneNumber:
        """Exchange a ``getPhoneNumber`` button code; :class:`InvalidCode` if refused."""
        ...

    def get_access_token(self) -> str:
        """The mini-program's current ``access_token`` (cached until shortly before expiry)."""
        ...

    def upload_shipping_info(self, info: ShippingInfo) -> None:
        """Tell WeChat an order shipped (or was picked up / delivered locally)."""
        ...

    def get_live_info(self, start: int, limit: int) -> dict[str, Any]:
        """A page of the mini-program's live rooms (小程序直播, ``getliveinfo``)."""
        ...


class HttpWechatMiniClient:
    """:class:`WechatMiniClient` over HTTP, with WeChat's errcode handling.

    The ``access_token`` comes from ``/cgi-bin/stable_token`` (safe with several processes)
    and is cached in ``cache`` (Redis) when given, else on this object.
    """

    def __init__(self, config: WechatMiniConfig, transport: Transport,
                 cache: redis.Redis | None = None) -> None:
        if getattr(transport, "in_process", False) and not config.simulator:
            raise SimulatorGuardError("a real mini-program configuration cannot use an "
                                      "in-process (simulator) transport")
        self.config = config
        self.transport = transport
        self.cache = cache
        self._token: dict[str, Any] | None = None

    def code2session(self, code: str) -> MiniSession:
        if not isinstance(code, str) or not code:
            raise ValidationFailed.single("/code", "the wx.login code is required")
        answer = self._call("GET", "/sns/jscode2session", query={
            "appid": self.config.appid, "secret": self.config.secret, "js_code": code,
            "grant_type": "authorization_code"})
        openid, session_key = answer.get("openid"), answer.get("session_key")
        if not isinstance(openid, str) or not openid or not isinstance(session_key, str):
            raise WechatApiError(-2, "jscode2session answer lacks openid or session_key")
        unionid = answer.get("unionid")
        return MiniSession(openid, unionid if isinstance(unionid, str) and unionid else None,
                           session_key)

    def get_phone_number(self, code: str) -> PhoneNumber:
        if not isinstance(code, str) or not code:
            raise ValidationFailed.single("/code", "the getPhoneNumber code is required")
        answer = self._call_with_token("/wxa/business/getuserphonenumber", {"code": code})
        info = answer.get("phone_info")
        if not isinstance(info, dict) or not info.get("purePhoneNumber"):
            raise WechatApiError(-2, "getuserphonenumber answer lacks phone_info")
        return PhoneNumber(str(info.get("phoneNumber", "")), str(info["purePhoneNumber"]),
                           str(info.get("countryCode", "")))

    def upload_shipping_info(self, info: ShippingInfo) -> None:
        self._call_with_token("/wxa/sec/order/upload_shipping_info", info.to_body())

    def get_live_info(self, start: int, limit: int) -> dict[str, Any]:
        return self._call_with_token("/wxa/business/getliveinfo",
                                     {"start": start, "limit": limit})

    def get_access_token(self) -> str:
        cached = self._cached_token()
        if cached:
            return cached
        return self._fetch_token()

    # --- access token -----------------------------------------------------------------------

    def _cached_token(self) -> str | None:
        entry = self._token
        if self.cache is not None:
            raw = self.cache.get(keys.access_token_cache(self.config.appid))
            entry = json.loads(raw) if raw else None
        if not entry:
            return None
        if entry["expires_at"] - TOKEN_REFRESH_MARGIN_SECONDS <= utcnow().timestamp():
            return None
        return str(entry["token"])

    def _fetch_token(self) -> str:
        answer = self._call("POST", "/cgi-bin/stable_token", body={
            "grant_type": "client_credential", "appid": self.config.appid,
            "secret": self.config.secret, "force_refresh": False})
        token, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise WechatApiError(-2, "stable_token answer lacks access_token or expires_in")
        entry = {"token": token, "expires_at": int(utcnow().timestamp()) + expires_in}
        self._token = entry
        if self.cache is not None:
            self.cache.set(keys.access_token_cache(self.config.appid), json.dumps(entry),
                           ex=max(expires_in, 1))
        return token

    def _forget_token(self) -> None:
        self._token = None
        if self.cache is not None:
            self.cache.delete(keys.access_token_cache(self.config.appid))

    def _call_with_token(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._call("POST", path, body=body,
                              query={"access_token": self.get_access_token()})
        except WechatApiError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
        self._forget_token()
        return self._call("POST", path, body=body, query={"access_token": self._fetch_token()})

    # --- the wire ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, query: dict[str, str] | None = None,
              body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = self.config.base_url.rstrip("/") + path + (f"?{urlencode(query)}" if query else "")
        data = (json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
                if body is not None else b"")
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = self.transport(HttpRequest(method, url, headers, data))
        if not response.ok:
            raise WechatError(f"{path}: HTTP {response.status}")
        try:
            answer = json.loads(response.body)
        except ValueError:
            raise WechatError(f"{path}: answer is not JSON") from None
        if not isinstance(answer, dict):
            raise WechatError(f"{path}: answer is not a JSON object")
        errcode = answer.get("errcode", 0)
        if errcode:
            errmsg = str(answer.get("errmsg", ""))
            cls = InvalidCode if errcode in INVALID_CODE_ERRCODES else WechatApiError
            raise cls(int(errcode), errmsg)
        return answer


def simulator_mini_config(settings: Settings) -> WechatMiniConfig:
    """The simulator's mini-program (AppID + secret); :class:`SimulatorDisabled` when off."""
    material = simulator_material(settings)
    return WechatMiniConfig(appid=material.appid, secret=material.mini_secret,
                            base_url=MINI_SIMULATOR_BASE_URL, simulator=True)


def simulator_mini_client(app: Any) -> HttpWechatMiniClient:
    """The in-process client of the mini-program simulator (the real client code path)."""
    mk = app.extensions["mallkit"]
    return HttpWechatMiniClient(simulator_mini_config(mk.settings), AppTransport(app),
                                cache=mk.redis)
