"""The shop's WeChat mini-program settings (AppID + AppSecret), apart from WeChat Pay.

Login, shipping uploads and subscription messages need the AppSecret; WeChat Pay needs only
the AppID. A shop without its own mini-program uses the local simulator's while
``settings.simulators_enabled`` (the demo and the tests), and has none otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime import credentials
from runtime.errors import FieldError, ValidationFailed
from runtime.settings import Settings
from runtime.wechat import mini_client
from runtime.wechat.errors import WechatCredentialsUnreadable
from runtime.wechat.login import HttpWechatMiniClient, WechatMiniConfig, simulator_mini_config
from runtime.wechat.models import WechatApp

PURPOSE = "wechat-app"
credentials.register_sealed(WechatApp, "secret_enc", PURPOSE)


def get_app(session: Session) -> WechatApp | None:
    return session.scalar(select(WechatApp))


def save_app(session: Session, data: Mapping[str, Any],
             secret_key: credentials.Keys) -> WechatApp:
    """Store the shop's AppID and AppSecret. A blank secret keeps the stored one (the form
    never shows it) while the AppID stays the same; an AppID alone is enough for WeChat Pay,
    but login and shipping uploads need the AppSecret."""
    appid, secret = data.get("appid", ""), data.get("secret", "")
    errors = [FieldError(f"/{name}", f"{name} must be a string", "type")
              for name, value in (("appid", appid), ("secret", secret))
              if not isinstance(value, str)]
    if errors:
        raise ValidationFailed(errors)
    appid, secret = appid.strip(), secret.strip()
    if len(secret) > 64:
        raise ValidationFailed.single("/secret", "the AppSecret has at most 64 characters")
    app = get_app(session)
    if not secret and app is not None and app.appid == appid and app.secret_enc:
        secret = _open(secret_key, app.secret_enc)
    WechatMiniConfig(appid=appid, secret=secret or "-")  # 422 naming /appid or /secret
    token = credentials.seal(secret_key, PURPOSE, {"secret": secret}) if secret else ""
    if app is None:
        app = WechatApp(appid=appid, secret_enc=token)
        session.add(app)
    app.appid, app.secret_enc = appid, token
    session.flush()
    return app


def delete_app(session: Session) -> None:
    app = get_app(session)
    if app is not None:
        session.delete(app)
        session.flush()


def mini_config(session: Session, settings: Settings) -> WechatMiniConfig | None:
    """The shop's mini-program (None while it has no AppSecret), else the simulator's while
    simulators are on, else None."""
    app = get_app(session)
    if app is not None:
        if not app.secret_enc:
            return None
        return _real(settings.credential_keys, app.appid, app.secret_enc)
    if settings.simulators_enabled:
        return simulator_mini_config(settings)
    return None


def shop_mini_client(session: Session, flask_app: Any) -> HttpWechatMiniClient | None:
    """The client of :func:`mini_config` (None when the shop has no AppSecret)."""
    config = mini_config(session, flask_app.extensions["mallkit"].settings)
    return mini_client(config, flask_app) if config is not None else None


def shop_appid(session: Session) -> str | None:
    """The AppID WeChat Pay charges for: the shop's own, never the simulator's."""
    app = get_app(session)
    return app.appid if app is not None else None


def _open(secret_key: credentials.Keys, token: str) -> str:
    try:
        return str(credentials.unseal(secret_key, PURPOSE, token)["secret"])
    except credentials.CredentialsUnreadable:
        raise WechatCredentialsUnreadable("the stored mini-program AppSecret cannot be read "
                                          "with this secret key; enter it again") from None


@functools.lru_cache(maxsize=256)
def _real(secret_key: credentials.Keys, appid: str, token: str) -> WechatMiniConfig:
    return WechatMiniConfig(appid=appid, secret=_open(secret_key, token))
