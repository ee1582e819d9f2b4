"""WechatPayConfig: field errors name the field; a real config cannot point at a simulator."""

from __future__ import annotations

import pytest

from runtime.errors import ValidationFailed
from runtime.wechat.pay import crypto
from runtime.wechat.pay.config import WechatPayConfig


def pointers(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.pointer for e in exc.value.errors}


def test_valid_config_round_trips_through_dict(merchant_keys):
    config = merchant_keys.config()
    again = WechatPayConfig.from_dict(config.to_dict())
    assert again == config
    assert set(again.wechatpay_keys) == {merchant_keys.public_key_id,
                                         merchant_keys.platform_serial}


def test_repr_hides_secrets(merchant_keys):
    text = repr(merchant_keys.config())
    assert "PRIVATE KEY" not in text and merchant_keys.apiv3_key not in text
    assert "1230000109" in text


def test_missing_fields_are_named(merchant_keys):
    with pytest.raises(ValidationFailed) as exc:
        WechatPayConfig.from_dict({"mchid": "1230000109", "notify_url": 5,
                                   "platform_certificates": "pem", "simulator": "yes"})
    assert pointers(exc) == {"/appid", "/merchant_private_key_pem", "/merchant_serial_no",
                             "/apiv3_key", "/notify_url", "/platform_certificates", "/simulator"}
    assert exc.value.status == 422


@pytest.mark.parametrize(("change", "pointer"), [
    ({"mchid": "12ab"}, "/mchid"),
    ({"appid": "app-1"}, "/appid"),
    ({"merchant_private_key_pem": "-----BEGIN PRIVATE KEY-----\nxx"}, "/merchant_private_key_pem"),
    ({"merchant_serial_no": "serial?"}, "/merchant_serial_no"),
    ({"apiv3_key": "too-short"}, "/apiv3_key"),
    ({"public_key_id": "KEY_1"}, "/public_key_id"),
    ({"public_key_pem": "nope"}, "/public_key_pem"),
    ({"platform_certificates": ("nope",)}, "/platform_certificates/0"),
    ({"public_key_id": "", "public_key_pem": "", "platform_certificates": ()}, "/public_key_id"),
    ({"notify_url": "http://shop.example.com/notify"}, "/notify_url"),
    ({"notify_url": "https://shop.example.com/notify?shop=1"}, "/notify_url"),
    ({"notify_url": "/relative"}, "/notify_url"),
])
def test_each_bad_field_is_named(merchant_keys, change, pointer):
    with pytest.raises(ValidationFailed) as exc:
        merchant_keys.config(**change)
    assert pointer in pointers(exc)


@pytest.mark.parametrize("base_url", [
    "http://localhost/_sim/wechatpay", "https://api.mch.weixin.qq.com.evil.example",
    "http://api.mch.weixin.qq.com",
])
def test_real_config_talks_only_to_wechat(merchant_keys, base_url):
    with pytest.raises(ValidationFailed) as exc:
        merchant_keys.config(base_url=base_url)
    assert pointers(exc) == {"/base_url"}


def test_backup_host_is_allowed(merchant_keys):
    assert merchant_keys.config(base_url="https://api2.mch.weixin.qq.com/").base_url


def test_simulator_config_must_point_at_the_simulator(merchant_keys):
    with pytest.raises(ValidationFailed) as exc:
        merchant_keys.config(simulator=True, base_url="https://api.mch.weixin.qq.com")
    assert pointers(exc) == {"/base_url"}
    sim = merchant_keys.config(simulator=True, base_url="http://localhost:5000/_sim/wechatpay",
                               notify_url="http://localhost:5000/notify")
    assert sim.simulator and sim.notify_url.startswith("http://")


def test_platform_certificate_serial_is_upper_hex(merchant_keys):
    serial = crypto.certificate_serial(merchant_keys.platform_cert)
    assert serial == format(merchant_keys.platform_cert.serial_number, "X")
    assert serial == serial.upper()
