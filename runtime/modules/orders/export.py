"""Order export to .xlsx (openpyxl), run as a job; its state lives in Redis for a day."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import redis
from openpyxl import Workbook
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.orders.models import STATUS_LABELS, OrderStatus
from runtime.modules.orders.serializers import FULFILMENT_LABELS, METHOD_LABELS
from runtime.modules.orders.service import OrderFilter, all_matching
from runtime.spreadsheet import neutralised_row

EXPORT_TTL = 24 * 3600
HEADERS = ("订单号", "下单时间", "状态", "配送方式", "支付方式", "收货人", "电话", "地址", "商品",
           "件数", "商品金额(元)", "优惠(元)", "运费(元)", "实付(元)", "买家备注", "商家备注")


@dataclass(frozen=True)
class ExportState:
    id: str
    status: str  # queued | done | failed
    rows: int = 0
    filename: str = ""
    error: str = ""
    created_at: str = ""


def _key(shop_id: int, export_id: str) -> str:
    return f"mallkit:{shop_id}:orders:export:{export_id}"


def _index(shop_id: int) -> str:
    return f"mallkit:{shop_id}:orders:exports"


def new_export(connection: redis.Redis, shop_id: int) -> ExportState:
    state = ExportState(secrets.token_hex(8), "queued", created_at=utcnow().isoformat())
    save(connection, shop_id, state)
    connection.lpush(_index(shop_id), state.id)
    connection.ltrim(_index(shop_id), 0, 19)
    connection.expire(_index(shop_id), EXPORT_TTL)
    return state


def save(connection: redis.Redis, shop_id: int, state: ExportState) -> None:
    connection.set(_key(shop_id, state.id), json.dumps(asdict(state)), ex=EXPORT_TTL)


def load(connection: redis.Redis, shop_id: int, export_id: str) -> ExportState | None:
    raw = connection.get(_key(shop_id, export_id))
    return ExportState(**json.loads(raw)) if raw else None


def recent(connection: redis.Redis, shop_id: int) -> list[ExportState]:
    ids = [i.decode() for i in connection.lrange(_index(shop_id), 0, -1)]
    return [s for s in (load(connection, shop_id, i) for i in ids) if s is not None]


def export_path(data_dir: Path, shop_id: int, export_id: str) -> Path:
    if not export_id.isalnum():
        raise ValueError("bad export id")
    return data_dir / "exports" / str(shop_id) / f"orders-{export_id}.xlsx"


def filter_to_dict(flt: OrderFilter) -> dict[str, Any]:
    return {"status": flt.status.value if flt.status else None, "fulfilment": flt.fulfilment,
            "created_from": flt.created_from.isoformat() if flt.created_from else None,
            "created_to": flt.created_to.isoformat() if flt.created_to else None,
            "keyword": flt.keyword}


def filter_from_dict(data: dict[str, Any]) -> OrderFilter:
    return OrderFilter(
        status=OrderStatus(data["status"]) if data.get("status") else None,
        fulfilment=data.get("fulfilment"),
        created_from=datetime.fromisoformat(data["created_from"])
        if data.get("created_from") else None,
        created_to=datetime.fromisoformat(data["created_to"]) if data.get("created_to") else None,
        keyword=data.get("keyword") or "")


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def write_workbook(session: Session, flt: OrderFilter, path: Path, zone: ZoneInfo) -> int:
    """Every matching order, one row each, oldest first; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("订单")
    sheet.append(list(HEADERS))
    rows = 0
    for order, lines in all_matching(session, flt):
        address = order.address or order.pickup_point or {}
        place = "".join(str(address.get(k, "")) for k in ("province", "city", "district",
                                                          "detail")) or address.get(
            "address", "")
        sheet.append(neutralised_row([
            order.order_no, order.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            STATUS_LABELS[OrderStatus(order.status)],
            FULFILMENT_LABELS.get(order.fulfilment, order.fulfilment),
            METHOD_LABELS.get(order.payment_method or "", ""), order.receiver_name,
            order.receiver_phone, place,
            "；".join(f"{li.title} {li.spec_text} ×{li.qty}".replace("  ", " ") for li in lines),
            order.item_count, _yuan(order.goods_total_fen), _yuan(order.discount_fen),
            _yuan(order.shipping_fen), _yuan(order.payable_fen), order.buyer_remark,
            order.merchant_remark]))
        rows += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    workbook.save(tmp)
    tmp.replace(path)
    return rows
