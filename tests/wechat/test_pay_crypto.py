"""WeChat Pay v3 signatures, verification by serial, freshness, probes and AEAD decryption."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest

from runtime.wechat.errors import (
    DecryptError,
    InvalidSignature,
    MalformedNotification,
    SignatureProbe,
    StaleTimestamp,
    UnknownSerial,
)
from runtime.wechat.pay import crypto
from runtime.wechat.transport import lower_headers

BODY = json.dumps({"id": "EV-1", "event_type": "TRANSACTION.SUCCESS"}).encode()


def signed(key, serial: str, body: bytes = BODY, **kw) -> dict[str, str]:
    return lower_headers(crypto.sign_response_headers(key, serial, body, **kw))


def test_request_message_layout():
    assert crypto.request_message("post", "/v3/pay/transactions/jsapi", "1554208460",
                                  "593BEC0C930BF1AFEB40B4A08C8FB242", b'{"a":1}') == (
        b'POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n'
        b'{"a":1}\n')
    assert crypto.request_message("GET", "/v3/certificates?x=1", "1", "n", b"") == \
        b"GET\n/v3/certificates?x=1\n1\nn\n\n"
    assert crypto.response_message("1", "n", b"{}") == b"1\nn\n{}\n"


def test_authorization_header_round_trip(clock, merchant_keys):
    now = int(clock.now().timestamp())
    auth = crypto.build_authorization(
        mchid="1230000109", serial_no=merchant_keys.merchant_serial,
        private_key=merchant_keys.merchant_key, method="POST",
        url="/v3/pay/transactions/jsapi", body=b'{"a":1}')
    header = auth.header()
    assert re.fullmatch(
        r'WECHATPAY2-SHA256-RSA2048 mchid="1230000109",nonce_str="[0-9A-F]{32}",'
        r'signature="[A-Za-z0-9+/=]{344}",timestamp="\d+",serial_no="[0-9A-F]{40}"', header)
    parsed = crypto.Authorization.parse(header)
    assert parsed == auth and parsed.timestamp == str(now)

    public = merchant_keys.merchant_key.public_key()
    crypto.verify_authorization(parsed, public, method="POST", url="/v3/pay/transactions/jsapi",
                                body=b'{"a":1}')
    for method, url, body in (("POST", "/v3/pay/transactions/jsapi", b'{"a":2}'),
                              ("GET", "/v3/pay/transactions/jsapi", b'{"a":1}'),
                              ("POST", "/v3/refund/domestic/refunds", b'{"a":1}')):
        with pytest.raises(InvalidSignature):
            crypto.verify_authorization(parsed, public, method=method, url=url, body=body)
    with pytest.raises(InvalidSignature):
        crypto.verify_authorization(parsed, merchant_keys.wechatpay_key.public_key(),
                                    method="POST", url="/v3/pay/transactions/jsapi",
                                    body=b'{"a":1}')
    clock.advance(timedelta(minutes=6))
    with pytest.raises(StaleTimestamp):
        crypto.verify_authorization(parsed, public, method="POST",
                                    url="/v3/pay/transactions/jsapi", body=b'{"a":1}')


@pytest.mark.parametrize("header", [
    "", "Bearer abc", 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",timestamp="1"',
])
def test_malformed_authorization_is_rejected(header):
    with pytest.raises(InvalidSignature):
        crypto.Authorization.parse(header)


def test_jsapi_pay_sign_round_trip(merchant_keys):
    params = {"appId": "wx8888888888888888", "timeStamp": "1414561699",
              "nonceStr": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
              "package": "prepay_id=wx201410272009395522657a690389285100", "signType": "RSA"}
    params["paySign"] = crypto.sign_jsapi(
        merchant_keys.merchant_key, app_id=params["appId"], time_stamp=params["timeStamp"],
        nonce_str=params["nonceStr"], package=params["package"])
    public = merchant_keys.merchant_key.public_key()
    assert crypto.verify_jsapi(public, params)
    assert not crypto.verify_jsapi(public, {**params, "package": "prepay_id=wx2"})
    assert not crypto.verify_jsapi(public, {**params, "signType": "MD5"})
    assert not crypto.verify_jsapi(merchant_keys.wechatpay_key.public_key(), params)
    assert not crypto.verify_jsapi(public, {k: v for k, v in params.items() if k != "appId"})


@pytest.fixture
def verifier(merchant_keys) -> crypto.WechatPayVerifier:
    return merchant_keys.config().verifier


def test_verify_with_wechatpay_public_key(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    assert verifier.verify(headers, BODY) == merchant_keys.public_key_id


def test_verify_with_platform_certificate(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.platform_key, merchant_keys.platform_serial)
    assert verifier.verify(headers, BODY) == merchant_keys.platform_serial


def test_public_key_only_and_certificate_only_configs(clock, merchant_keys):
    by_key = merchant_keys.config(platform_certificates=()).verifier
    by_cert = merchant_keys.config(public_key_id="", public_key_pem="").verifier
    key_signed = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    cert_signed = signed(merchant_keys.platform_key, merchant_keys.platform_serial)
    assert by_key.verify(key_signed, BODY) == merchant_keys.public_key_id
    assert by_cert.verify(cert_signed, BODY) == merchant_keys.platform_serial
    with pytest.raises(UnknownSerial):
        by_key.verify(cert_signed, BODY)
    with pytest.raises(UnknownSerial):
        by_cert.verify(key_signed, BODY)


def test_key_must_match_the_serial_it_names(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.platform_key, merchant_keys.public_key_id)
    with pytest.raises(InvalidSignature):
        verifier.verify(headers, BODY)


def test_tampered_body_is_rejected(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    with pytest.raises(InvalidSignature):
        verifier.verify(headers, BODY.replace(b"EV-1", b"EV-2"))
    with pytest.raises(InvalidSignature):
        verifier.verify(headers, BODY + b" ")


def test_tampered_signature_nonce_or_timestamp_is_rejected(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    raw = bytearray(base64.b64decode(headers["wechatpay-signature"]))
    raw[10] ^= 1
    for changed in ({"wechatpay-signature": base64.b64encode(bytes(raw)).decode()},
                    {"wechatpay-signature": "not base64 !!"},
                    {"wechatpay-nonce": headers["wechatpay-nonce"] + "0"},
                    {"wechatpay-timestamp": str(int(headers["wechatpay-timestamp"]) - 1)}):
        with pytest.raises(InvalidSignature):
            verifier.verify({**headers, **changed}, BODY)


def test_missing_headers_are_rejected(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    for name in ("wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature",
                 "wechatpay-serial"):
        with pytest.raises(InvalidSignature, match=name):
            verifier.verify({k: v for k, v in headers.items() if k != name}, BODY)


@pytest.mark.parametrize(("skew", "fresh"), [
    (timedelta(seconds=300), True), (timedelta(seconds=301), False),
    (timedelta(seconds=-300), True), (timedelta(seconds=-301), False),
    (timedelta(hours=5), False),
])
def test_timestamp_freshness(clock, merchant_keys, verifier, skew, fresh):
    stamp = int((clock.now() - skew).timestamp())
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id, timestamp=stamp)
    if fresh:
        assert verifier.verify(headers, BODY)
    else:
        with pytest.raises(StaleTimestamp):
            verifier.verify(headers, BODY)


def test_non_numeric_timestamp_is_rejected(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    with pytest.raises(InvalidSignature):
        verifier.verify({**headers, "wechatpay-timestamp": "soon"}, BODY)


def test_unknown_serial_is_rejected(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, "PUB_KEY_ID_0199999999")
    with pytest.raises(UnknownSerial, match="PUB_KEY_ID_0199999999"):
        verifier.verify(headers, BODY)


def test_signature_probe_is_detected_before_anything_else(clock, merchant_keys, verifier):
    headers = signed(merchant_keys.wechatpay_key, merchant_keys.public_key_id)
    probe = {**headers, "wechatpay-signature": "WECHATPAY/SIGNTEST/" + headers[
        "wechatpay-signature"]}
    assert crypto.is_signature_probe(probe["wechatpay-signature"])
    with pytest.raises(SignatureProbe):
        verifier.verify(probe, BODY)
    with pytest.raises(SignatureProbe):
        verifier.verify({**probe, "wechatpay-serial": "PUB_KEY_ID_unknown"}, BODY)
    assert SignatureProbe.status == 401


KEY = "0123456789abcdefABCDEF0123456789"


def test_aead_round_trip():
    plain = json.dumps({"out_trade_no": "2026112500001", "amount": {"total": 100}},
                       ensure_ascii=False).encode()
    resource = crypto.aead_encrypt(KEY, plain, associated_data="transaction")
    assert resource["algorithm"] == "AEAD_AES_256_GCM" and len(resource["nonce"]) == 12
    assert crypto.decrypt_resource(KEY, resource) == plain
    assert crypto.decrypt_resource(KEY.encode(), resource) == plain


@pytest.mark.parametrize("change", [
    {"associated_data": "refund"},
    {"nonce": "000000000000"},
    {"ciphertext": "AAAA" + "A" * 40},
    {"ciphertext": "%%% not base64"},
])
def test_aead_tampering_is_detected(change):
    resource = crypto.aead_encrypt(KEY, b'{"a":1}', associated_data="transaction")
    with pytest.raises(DecryptError):
        crypto.decrypt_resource(KEY, {**resource, **change})


def test_aead_flipped_ciphertext_bit_and_wrong_key():
    resource = crypto.aead_encrypt(KEY, b'{"a":1}', associated_data="transaction")
    raw = bytearray(base64.b64decode(resource["ciphertext"]))
    raw[0] ^= 0x80
    with pytest.raises(DecryptError):
        crypto.decrypt_resource(KEY, {**resource,
                                      "ciphertext": base64.b64encode(bytes(raw)).decode()})
    with pytest.raises(DecryptError):
        crypto.decrypt_resource(KEY[::-1], resource)


def test_aead_rejects_other_algorithms_and_bad_keys():
    resource = crypto.aead_encrypt(KEY, b"{}", associated_data="transaction")
    with pytest.raises(MalformedNotification):
        crypto.decrypt_resource(KEY, {**resource, "algorithm": "AES_128_CBC"})
    with pytest.raises(MalformedNotification):
        crypto.decrypt_resource(KEY, {**resource, "nonce": None})
    with pytest.raises(ValueError, match="32 bytes"):
        crypto.aead_encrypt("short", b"{}", associated_data="transaction")
