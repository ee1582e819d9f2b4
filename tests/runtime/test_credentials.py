"""Stored credentials: a credentials key separate from the secret key, older keys still open
what they sealed, and `mallkit secrets rotate` re-seals everything with the current key."""

from __future__ import annotations

import pytest

from runtime import credentials
from runtime.app import create_app
from runtime.db import use_shop
from runtime.settings import Settings, SettingsError
from runtime.wechat import apps
from runtime.wechat.models import WechatApp

NEW_KEY = "n" * 40


def _stored(factory, shop) -> str:
    with factory._session() as s:
        use_shop(s, shop.id)
        return s.query(WechatApp).one().secret_enc


def test_rotation_moves_every_credential_to_the_new_key(settings, factory, shop):
    with factory._session() as s:
        use_shop(s, shop.id)
        s.add(WechatApp(appid="wx0123456789abcdef", secret_enc=credentials.seal(
            settings.secret_key, apps.PURPOSE, {"secret": "a" * 32})))
        s.commit()
    rotated = settings.replace(credentials_key=NEW_KEY)
    assert rotated.credential_keys == (NEW_KEY, settings.secret_key)
    old_token = _stored(factory, shop)
    assert credentials.unseal(rotated.credential_keys, apps.PURPOSE, old_token) == \
        {"secret": "a" * 32}  # still readable before the rotation

    app = create_app(rotated)
    try:
        result = app.test_cli_runner().invoke(args=["secrets", "rotate"])
    finally:
        app.extensions["mallkit"].engine.dispose()
    assert result.exit_code == 0, result.output
    assert "wechat_apps: 1 re-sealed" in result.output
    token = _stored(factory, shop)
    assert credentials.unseal(NEW_KEY, apps.PURPOSE, token) == {"secret": "a" * 32}
    with pytest.raises(credentials.CredentialsUnreadable):
        credentials.unseal(settings.secret_key, apps.PURPOSE, token)


def test_rotation_changes_nothing_when_a_credential_cannot_be_opened(settings, factory, shop):
    with factory._session() as s:
        use_shop(s, shop.id)
        s.add(WechatApp(appid="wx0123456789abcdef", secret_enc=credentials.seal(
            "some-other-key-" + "x" * 32, apps.PURPOSE, {"secret": "a" * 32})))
        s.commit()
    before = _stored(factory, shop)
    app = create_app(settings.replace(credentials_key=NEW_KEY))
    try:
        result = app.test_cli_runner().invoke(args=["secrets", "rotate"])
    finally:
        app.extensions["mallkit"].engine.dispose()
    assert result.exit_code != 0 and "nothing was changed" in result.output
    assert _stored(factory, shop) == before


def test_credentials_keys_from_the_environment(tmp_path):
    env = {"MALLKIT_DATA_DIR": str(tmp_path), "MALLKIT_SECRET_KEY": "s" * 40,
           "MALLKIT_CREDENTIALS_KEY": NEW_KEY, "MALLKIT_OLD_CREDENTIALS_KEYS": "o" * 40 + ", "}
    assert Settings.from_env(env).credential_keys == (NEW_KEY, "o" * 40, "s" * 40)
    with pytest.raises(SettingsError, match="CREDENTIALS_KEY"):
        Settings.from_env({**env, "MALLKIT_CREDENTIALS_KEY": "short"})
    assert Settings.from_env({"MALLKIT_DATA_DIR": str(tmp_path),
                              "MALLKIT_SECRET_KEY": "s" * 40}).credential_keys == ("s" * 40,)
