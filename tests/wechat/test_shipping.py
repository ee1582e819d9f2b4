"""Shipping-info uploads (发货信息管理) through the mini-program client, recorded by the
simulator against its WeChat Pay transactions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runtime.errors import ValidationFailed
from runtime.wechat.errors import WechatApiError
from runtime.wechat.login import simulator_mini_client
from runtime.wechat.shipping import DeliveryMode, LogisticsType, ShippingInfo, ShippingItem

OPENID = "oBuyer_1"
ORDER = "M2026112500001"


@pytest.fixture
def mini(app):
    return simulator_mini_client(app)


@pytest.fixture
def paid(pay, sim, clock):
    pay.jsapi_prepay(out_trade_no=ORDER, description="订单", amount_fen=1200,
                     payer_openid=OPENID)
    return sim.mark_paid(ORDER)


def info(config, logistics=LogisticsType.EXPRESS, items=None, **kw) -> ShippingInfo:
    items = items or [ShippingItem("T恤 x2", tracking_no="YT2508121234567",
                                   express_company="YTO")]
    values = dict(mchid=config.mchid, out_trade_no=ORDER, payer_openid=OPENID)
    values.update(kw)
    return ShippingInfo(logistics_type=logistics, items=tuple(items), **values)


def errcode(exc: pytest.ExceptionInfo[WechatApiError]) -> int:
    return exc.value.errcode


def test_express_upload_is_recorded(mini, sim, sim_config, paid, clock):
    mini.upload_shipping_info(info(sim_config))
    [upload] = sim.shipping_uploads(ORDER)
    assert upload["order_key"] == {"order_number_type": 1, "mchid": sim_config.mchid,
                                   "out_trade_no": ORDER}
    assert upload["logistics_type"] == 1 and upload["delivery_mode"] == 1
    assert upload["shipping_list"] == [{"item_desc": "T恤 x2", "tracking_no": "YT2508121234567",
                                        "express_company": "YTO"}]
    assert upload["payer"] == {"openid": OPENID}
    assert upload["upload_time"] == "2026-11-25T12:00:00.000+08:00"


@pytest.mark.parametrize("kind", [LogisticsType.SELF_PICKUP, LogisticsType.LOCAL_DELIVERY,
                                  LogisticsType.VIRTUAL])
def test_non_express_kinds_are_recorded(mini, sim, sim_config, paid, clock, kind):
    mini.upload_shipping_info(info(sim_config, kind, [ShippingItem("到店自提: 拿铁 x1")]))
    [upload] = sim.shipping_uploads(ORDER)
    assert upload["logistics_type"] == int(kind)
    assert upload["shipping_list"] == [{"item_desc": "到店自提: 拿铁 x1"}]


def test_upload_by_transaction_id_with_sf_contact(mini, sim, sim_config, paid, clock):
    item = ShippingItem("咖啡豆", tracking_no="SF1234567890", express_company="SF",
                        receiver_contact="189****1234")
    mini.upload_shipping_info(ShippingInfo(
        transaction_id=paid["transaction_id"], payer_openid=OPENID,
        logistics_type=LogisticsType.EXPRESS, items=(item,)))
    [upload] = sim.shipping_uploads(ORDER, sim_config.mchid)
    assert upload["order_key"] == {"order_number_type": 2,
                                   "transaction_id": paid["transaction_id"]}
    assert upload["shipping_list"][0]["contact"] == {"receiver_contact": "189****1234"}


def test_split_delivery_until_all_delivered(mini, sim, sim_config, paid, clock):
    parcel = [ShippingItem("上衣", tracking_no="YT1", express_company="YTO")]
    mini.upload_shipping_info(info(sim_config, items=parcel, delivery_mode=DeliveryMode.SPLIT,
                                   is_all_delivered=False))
    clock.advance(timedelta(hours=3))
    mini.upload_shipping_info(info(sim_config, items=[ShippingItem(
        "裤子", tracking_no="YT2", express_company="YTO")], delivery_mode=DeliveryMode.SPLIT,
        is_all_delivered=True))
    uploads = sim.shipping_uploads(ORDER)
    assert [u["is_all_delivered"] for u in uploads] == [False, True]
    with pytest.raises(WechatApiError) as exc:
        mini.upload_shipping_info(info(sim_config))
    assert errcode(exc) == 10060002
    assert len(sim.shipping_uploads(ORDER)) == 2


def test_unified_delivery_can_be_corrected_once(mini, sim, sim_config, paid, clock):
    mini.upload_shipping_info(info(sim_config))
    mini.upload_shipping_info(info(sim_config, items=[ShippingItem(
        "T恤 x2", tracking_no="YT9999", express_company="YTO")]))
    with pytest.raises(WechatApiError) as exc:
        mini.upload_shipping_info(info(sim_config))
    assert errcode(exc) == 10060003
    assert [u["shipping_list"][0]["tracking_no"] for u in sim.shipping_uploads(ORDER)] == [
        "YT2508121234567", "YT9999"]


def test_unpaid_unknown_and_foreign_orders_are_refused(mini, pay, sim, sim_config, clock):
    pay.jsapi_prepay(out_trade_no=ORDER, description="订单", amount_fen=1200,
                     payer_openid=OPENID)
    with pytest.raises(WechatApiError) as exc:
        mini.upload_shipping_info(info(sim_config))
    assert errcode(exc) == 10060004
    with pytest.raises(WechatApiError) as exc:
        mini.upload_shipping_info(info(sim_config, out_trade_no="M0000000000404"))
    assert errcode(exc) == 10060001
    sim.mark_paid(ORDER)
    with pytest.raises(WechatApiError) as exc:
        mini.upload_shipping_info(info(sim_config, payer_openid="oSomeoneElse"))
    assert errcode(exc) == 10060031
    assert sim.shipping_uploads(ORDER) == []


def test_shipping_info_is_validated_before_sending(sim_config):
    with pytest.raises(ValidationFailed) as exc:
        ShippingInfo(payer_openid="", logistics_type=LogisticsType.EXPRESS,
                     items=(ShippingItem(""), ShippingItem("x" * 121, express_company="SF",
                                                           tracking_no="SF1")))
    assert {e.pointer for e in exc.value.errors} == {
        "/order_key", "/payer/openid", "/shipping_list/0/item_desc",
        "/shipping_list/0/tracking_no", "/shipping_list/0/express_company",
        "/shipping_list/1/item_desc", "/shipping_list/1/contact/receiver_contact"}
    with pytest.raises(ValidationFailed) as exc:
        info(sim_config, LogisticsType.SELF_PICKUP, [ShippingItem("a"), ShippingItem("b")],
             delivery_mode=DeliveryMode.SPLIT)
    assert {e.pointer for e in exc.value.errors} == {"/delivery_mode", "/is_all_delivered",
                                                     "/shipping_list"}
    with pytest.raises(ValidationFailed) as exc:
        info(sim_config, logistics=9)
    assert [e.pointer for e in exc.value.errors] == ["/logistics_type"]
    with pytest.raises(ValidationFailed) as exc:
        info(sim_config, items=[ShippingItem("x", tracking_no=str(i), express_company="YTO")
                                for i in range(16)])
    assert [e.pointer for e in exc.value.errors] == ["/shipping_list"]


VALID_BODY = {
    "order_key": {"order_number_type": 1, "out_trade_no": ORDER},
    "logistics_type": 1, "delivery_mode": 1,
    "shipping_list": [{"item_desc": "T恤", "tracking_no": "YT1", "express_company": "YTO"}],
    "upload_time": "2026-11-25T12:00:00.000+08:00", "payer": {"openid": OPENID},
}


@pytest.mark.parametrize(("change", "code"), [
    ({"logistics_type": 7}, 10060005),
    ({"delivery_mode": 3}, 268485224),
    ({"delivery_mode": 2, "logistics_type": 4}, 10060006),
    ({"delivery_mode": 2}, 10060007),
    ({"shipping_list": [{"item_desc": ""}]}, 10060008),
    ({"shipping_list": [{"item_desc": "x" * 121, "tracking_no": "1",
                         "express_company": "YTO"}]}, 10060009),
    ({"shipping_list": [{"item_desc": "x"}]}, 10060014),
    ({"shipping_list": []}, 10060014),
    ({"shipping_list": [{"item_desc": "x", "tracking_no": str(i), "express_company": "YTO"}
                        for i in range(16)]}, 10060024),
    ({"upload_time": "yesterday"}, 268485216),
    ({"order_key": {"order_number_type": 3}}, 10060014),
    ({"order_key": {"order_number_type": 2, "transaction_id": "4200"}}, 10060001),
])
def test_simulator_checks_raw_uploads(client, mini, sim, sim_config, paid, clock, change, code):
    body = {**VALID_BODY, **change}
    if body["order_key"].get("order_number_type") == 1:
        body["order_key"] = {**body["order_key"], "mchid": sim_config.mchid}
    answer = client.post("/_sim/wechat/wxa/sec/order/upload_shipping_info",
                         query_string={"access_token": mini.get_access_token()}, json=body)
    assert answer.status_code == 200 and answer.json["errcode"] == code, answer.json
    assert sim.shipping_uploads(ORDER) == []
