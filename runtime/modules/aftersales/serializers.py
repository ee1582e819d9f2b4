"""After-sale requests as JSON (the buyer's API and the console's JSON answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from runtime.media.refs import load_assets, media_url
from runtime.modules.aftersales.models import (
    KIND_LABELS,
    STATUS_LABELS,
    AfterSale,
    AfterSaleKind,
    AfterSaleStatus,
    AfterSaleTransition,
)
from runtime.modules.orders.models import OrderLine


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def aftersale_summary(aftersale: AfterSale, line: OrderLine | None) -> dict[str, Any]:
    return {
        "id": aftersale.id, "no": aftersale.no, "order_id": aftersale.order_id,
        "line_id": aftersale.line_id, "kind": aftersale.kind,
        "kind_label": KIND_LABELS[AfterSaleKind(aftersale.kind)],
        "status": aftersale.status,
        "status_label": STATUS_LABELS[AfterSaleStatus(aftersale.status)],
        "initiator": aftersale.initiator, "qty": aftersale.qty,
        "amount_fen": aftersale.amount_fen, "freight_fen": aftersale.freight_fen,
        "total_fen": aftersale.total_fen, "reason": aftersale.reason,
        "alert": aftersale.alert or None, "due_at": _iso(aftersale.due_at),
        "created_at": _iso(aftersale.created_at),
        "line": ({"title": line.title, "spec_text": line.spec_text, "qty": line.qty,
                  "payable_fen": line.payable_fen} if line else None),
    }


def aftersale_detail(session: Session, aftersale: AfterSale, line: OrderLine | None,
                     history: list[AfterSaleTransition]) -> dict[str, Any]:
    assets = load_assets(session, aftersale.images)
    return {
        **aftersale_summary(aftersale, line),
        "description": aftersale.description,
        "images": [{"media_id": ref["media_id"],
                    "url": media_url(assets.get(ref["media_id"]))}
                   for ref in aftersale.images],
        "return_address": aftersale.return_address,
        "return_shipment": ({"carrier": aftersale.return_carrier,
                             "tracking_no": aftersale.return_tracking_no}
                            if aftersale.return_tracking_no else None),
        "reship": ({"carrier": aftersale.reship_carrier,
                    "tracking_no": aftersale.reship_tracking_no}
                   if aftersale.reship_tracking_no else None),
        "refund": ({"method": aftersale.refund_method, "out_refund_no": aftersale.refund_no,
                    "attempts": aftersale.refund_attempts}
                   if aftersale.refund_no else None),
        "completed_at": _iso(aftersale.completed_at), "closed_at": _iso(aftersale.closed_at),
        "history": [{"at": t.at.isoformat(), "event": t.event, "from_status": t.from_status,
                     "to_status": t.to_status, "actor_type": t.actor_type,
                     "actor_name": t.actor_name, "reason": t.reason} for t in history],
    }
