"""积分商城 console: the exchangeable items (add, change, take off, delete) and the exchange
orders. Form posts redirect back with a message; JSON clients get the item or the 422."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import shop_blueprint
from runtime.errors import MallkitError
from runtime.fielderrors import FieldErrors
from runtime.modules.catalog.products import skus_of
from runtime.modules.catalog.queries import ProductFilter, console_products
from runtime.modules.orders.service import orders_by_ids
from runtime.modules.pointsmall import service
from runtime.modules.pointsmall.models import PointsMallItem
from runtime.money import fen_text, yuan_field
from runtime.tenancy import db

pointsmall_console = shop_blueprint("pointsmall_console", __name__, area="marketing",
                                    module="pointsmall", template_folder="templates")
PER_PAGE = 20
INTEGER_FIELDS = ("sku_id", "points", "stock", "limit_per_member", "sort")
STATUS_LABELS = {"on": "兑换中", "off": "已下架"}
EXCHANGE_LABELS = {"taken": "已兑换", "returned": "已退回积分"}


def item_json(item: PointsMallItem) -> dict[str, Any]:
    return {"id": item.id, "product_id": item.product_id, "sku_id": item.sku_id,
            "points": item.points, "cash_fen": item.cash_fen, "stock": item.stock,
            "exchanged": item.exchanged, "limit_per_member": item.limit_per_member,
            "status": item.status, "sort": item.sort}


def item_input() -> dict[str, Any]:
    """The item fields of a JSON body as sent, or of a form (whole numbers from their text,
    ``cash_yuan`` in yuan); blank form fields are left out."""
    data = forms.payload()
    if request.is_json:
        return data
    values: dict[str, Any] = {}
    errors = FieldErrors()
    for name in INTEGER_FIELDS:
        raw = str(data.get(name, "")).strip()
        if raw == "":
            continue
        if raw.lstrip("-").isdigit() and len(raw) < 19:
            values[name] = int(raw)
        else:
            errors.add(f"/{name}", "请填写整数", "type")
    if str(data.get("cash_yuan", "")).strip():
        cash = yuan_field(data["cash_yuan"], "/cash_fen", errors)
        if cash is not None:
            values["cash_fen"] = cash
    if data.get("status") in ("on", "off"):
        values["status"] = data["status"]
    errors.raise_if_any()
    return values


def _done(run: Any, message: str) -> ResponseReturnValue:
    try:
        result = run()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("未保存：" + "；".join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(url_for(".items"))
    if forms.wants_json():
        return jsonify(item_json(result) if isinstance(result, PointsMallItem) else {"ok": True})
    flash(message, "success")
    return redirect(url_for(".items"))


def _sku_choices() -> list[tuple[int, str]]:
    """Every on-sale SKU as (id, "title spec ¥price") for the add form (first 200 products)."""
    products = console_products(db(), ProductFilter(visible_only=False), per_page=200).items
    skus = skus_of(db(), [p.id for p in products])
    return [(sku.id, f"{p.title} {' '.join(sku.spec_values or [])} ¥{fen_text(sku.price_fen)}")
            for p in products for sku in skus[p.id]]


@pointsmall_console.get("/pointsmall/items")
def items() -> ResponseReturnValue:
    session = db()
    rows = service.console_items(session)
    if forms.wants_json():
        return jsonify({"items": [item_json(i) for i in rows]})
    shown = {c.item.id: c for c in service.cards(session, rows, visible_only=False)}
    return render_template("pointsmall/items.html", rows=rows, shown=shown,
                           choices=_sku_choices(), labels=STATUS_LABELS, fen_text=fen_text)


@pointsmall_console.post("/pointsmall/items")
def create() -> ResponseReturnValue:
    return _done(lambda: service.create_item(db(), item_input()), "已加入积分商城")


@pointsmall_console.post("/pointsmall/items/<int:item_id>")
def update(item_id: int) -> ResponseReturnValue:
    return _done(lambda: service.update_item(db(), item_id, item_input()), "已保存")


@pointsmall_console.post("/pointsmall/items/<int:item_id>/delete")
def delete(item_id: int) -> ResponseReturnValue:
    return _done(lambda: service.delete_item(db(), item_id), "已删除")


@pointsmall_console.get("/pointsmall/exchanges")
def exchanges() -> ResponseReturnValue:
    session = db()
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 6 else 1
    status = request.args.get("status") or None
    rows, total = service.console_exchanges(session, page=page, per_page=PER_PAGE,
                                            status=status)
    orders = orders_by_ids(session, [r.order_id for r in rows])
    if forms.wants_json():
        return jsonify({"total": total, "items": [
            {"id": r.id, "order_id": r.order_id, "member_id": r.member_id,
             "item_id": r.item_id, "sku_id": r.sku_id, "qty": r.qty, "points": r.points,
             "cash_fen": r.cash_fen, "status": r.status,
             "order_no": orders[r.order_id].order_no if r.order_id in orders else ""}
            for r in rows]})
    items_by_id = {i.id: i for i in service.console_items(session)}
    titles = {c.item.id: f"{c.title} {c.spec_text}".strip()
              for c in service.cards(session, list(items_by_id.values()), visible_only=False)}
    return render_template("pointsmall/exchanges.html", rows=rows, orders=orders,
                           titles=titles, total=total, page=page, status=status or "",
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
                           labels=EXCHANGE_LABELS, fen_text=fen_text)
