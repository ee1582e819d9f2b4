"""Order-shipping management (发货信息管理): what a shop tells WeChat after it ships.

Mini-program payments must be followed by ``upload_shipping_info`` (carrier and tracking
number, or local delivery / self-pickup / virtual goods), or WeChat holds the settlement.
:class:`ShippingInfo` is validated here; :meth:`WechatMiniClient.upload_shipping_info` sends it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from runtime.clock import utcnow
from runtime.errors import FieldError, ValidationFailed

CHINA = ZoneInfo("Asia/Shanghai")
MAX_ITEMS = 15
MAX_ITEM_DESC = 120


class LogisticsType(enum.IntEnum):
    EXPRESS = 1  # 实体物流配送: carrier + tracking number
    LOCAL_DELIVERY = 2  # 同城配送
    VIRTUAL = 3  # 虚拟商品
    SELF_PICKUP = 4  # 用户自提


class DeliveryMode(enum.IntEnum):
    UNIFIED = 1  # 统一发货: everything in one go
    SPLIT = 2  # 分拆发货: several parcels, express only


@dataclass(frozen=True)
class ShippingItem:
    """One parcel (express) or the one line describing a non-express fulfilment."""

    item_desc: str
    tracking_no: str = ""
    express_company: str = ""
    receiver_contact: str = ""
    consignor_contact: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"item_desc": self.item_desc}
        if self.tracking_no:
            data["tracking_no"] = self.tracking_no
        if self.express_company:
            data["express_company"] = self.express_company
        contact = {k: v for k, v in (("receiver_contact", self.receiver_contact),
                                     ("consignor_contact", self.consignor_contact)) if v}
        if contact:
            data["contact"] = contact
        return data


@dataclass(frozen=True)
class ShippingInfo:
    """A shipping-info upload for one WeChat Pay transaction.

    Identify the payment by ``mchid`` + ``out_trade_no`` or by ``transaction_id``. SF Express
    (``express_company="SF"``) also needs a masked ``receiver_contact`` (``189****1234``).
    """

    payer_openid: str
    logistics_type: LogisticsType
    items: tuple[ShippingItem, ...]
    mchid: str = ""
    out_trade_no: str = ""
    transaction_id: str = ""
    delivery_mode: DeliveryMode = DeliveryMode.UNIFIED
    is_all_delivered: bool | None = None
    upload_time: datetime | None = None

    def __post_init__(self) -> None:
        if isinstance(self.items, list):
            object.__setattr__(self, "items", tuple(self.items))
        errors = list(self._errors())
        if errors:
            raise ValidationFailed(errors)

    def _errors(self):
        if not self.transaction_id and not (self.mchid and self.out_trade_no):
            yield FieldError("/order_key", "give transaction_id, or mchid and out_trade_no")
        if not self.payer_openid:
            yield FieldError("/payer/openid", "the payer's openid is required")
        try:
            logistics = LogisticsType(self.logistics_type)
        except ValueError:
            yield FieldError("/logistics_type", "1 express, 2 local delivery, 3 virtual, "
                                                "4 self-pickup")
            return
        try:
            mode = DeliveryMode(self.delivery_mode)
        except ValueError:
            yield FieldError("/delivery_mode", "1 unified, 2 split")
            return
        if mode is DeliveryMode.SPLIT:
            if logistics is not LogisticsType.EXPRESS:
                yield FieldError("/delivery_mode", "only express shipments can be split")
            if self.is_all_delivered is None:
                yield FieldError("/is_all_delivered", "required when delivery is split")
        if not 1 <= len(self.items) <= MAX_ITEMS:
            yield FieldError("/shipping_list", f"1 to {MAX_ITEMS} entries")
        if logistics is not LogisticsType.EXPRESS and len(self.items) > 1:
            yield FieldError("/shipping_list", "only express shipments list several parcels")
        for i, item in enumerate(self.items):
            yield from _item_errors(i, item, logistics)
        if self.upload_time is not None and self.upload_time.tzinfo is None:
            yield FieldError("/upload_time", "must be an aware datetime")

    def to_body(self) -> dict[str, Any]:
        """The JSON body of ``/wxa/sec/order/upload_shipping_info``."""
        order_key: dict[str, Any] = (
            {"order_number_type": 2, "transaction_id": self.transaction_id}
            if self.transaction_id else
            {"order_number_type": 1, "mchid": self.mchid, "out_trade_no": self.out_trade_no})
        moment = (self.upload_time or utcnow()).astimezone(CHINA)
        body: dict[str, Any] = {
            "order_key": order_key, "logistics_type": int(self.logistics_type),
            "delivery_mode": int(self.delivery_mode),
            "shipping_list": [item.to_dict() for item in self.items],
            "upload_time": moment.isoformat(timespec="milliseconds"),
            "payer": {"openid": self.payer_openid},
        }
        if self.delivery_mode == DeliveryMode.SPLIT:
            body["is_all_delivered"] = bool(self.is_all_delivered)
        return body


def _item_errors(index: int, item: ShippingItem, logistics: LogisticsType):
    base = f"/shipping_list/{index}"
    if not item.item_desc:
        yield FieldError(f"{base}/item_desc", "describe what was shipped")
    elif len(item.item_desc) > MAX_ITEM_DESC:
        yield FieldError(f"{base}/item_desc", f"at most {MAX_ITEM_DESC} characters")
    if logistics is LogisticsType.EXPRESS:
        if not item.tracking_no:
            yield FieldError(f"{base}/tracking_no", "express shipments need a tracking number")
        elif len(item.tracking_no) > 128:
            yield FieldError(f"{base}/tracking_no", "at most 128 characters")
        if not item.express_company:
            yield FieldError(f"{base}/express_company",
                             "express shipments need the carrier's WeChat code (e.g. YTO, SF)")
        elif len(item.express_company) > 128:
            yield FieldError(f"{base}/express_company", "at most 128 characters")
        if item.express_company == "SF" and not item.receiver_contact:
            yield FieldError(f"{base}/contact/receiver_contact",
                             "SF Express needs the receiver's masked phone (189****1234)")
