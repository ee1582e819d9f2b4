"""Console screens of the group buy (``/console/shops/<shop>/groupbuy``): the activities, an
activity's form with one row per SKU of its product (group price, leader price, activity
stock), and the groups with their members and refunds. JSON clients post JSON and get JSON
or problem+json; browsers get the form again with each bad field's message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from builder import forms
from builder.auth import shop_blueprint
from builder.groupbuy.i18n import gettext as t
from builder.groupbuy.i18n import lazy_gettext as _l
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.aftersales.models import AfterSale, AfterSaleStatus
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.groupbuy import activities, groups, serializers
from runtime.modules.groupbuy.models import GroupbuyActivity, GroupbuyGroup, GroupStatus
from runtime.money import fen_text, yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

groupbuy_console = shop_blueprint("groupbuy_console", __name__, area="marketing",
                                  module="groupbuy", template_folder="templates")
STATUS_TEXT = {GroupStatus.OPEN: _l("Open"), GroupStatus.SUCCESS: _l("Succeeded"),
               GroupStatus.FAILED: _l("Failed")}
TARGET_TEXT = {"open_new": _l("Open a new group"), "join_other": _l("Join another group"),
               "refund": _l("Refund")}
REFUND_TEXT = {
    AfterSaleStatus.APPLY: _l("Awaiting the merchant"),
    AfterSaleStatus.SELLER_AGREE: _l("Awaiting the buyer's return"),
    AfterSaleStatus.BUYER_DELIVERY: _l("Returned by the buyer"),
    AfterSaleStatus.WAIT_REFUND: _l("Awaiting refund"), AfterSaleStatus.REFUNDING: _l("Refunding"),
    AfterSaleStatus.SELLER_RESHIP: _l("Exchange shipped"),
    AfterSaleStatus.COMPLETE: _l("After-sale complete"),
    AfterSaleStatus.BUYER_CANCEL: _l("Withdrawn by the buyer"),
    AfterSaleStatus.SELLER_DISAGREE: _l("Refused by the merchant"),
    AfterSaleStatus.SELLER_REFUSE: _l("Return refused by the merchant")}
FLAGS = ("enabled", "allow_single_buy", "virtual_enabled")
INTEGERS = ("product_id", "group_size", "valid_hours", "per_order_limit", "per_user_limit",
            "virtual_min_pct")


ERROR_TEXT = {"range": _l("Out of range (price not above the sale price, leader price not "
                            "above the group price, stock not above the product's stock)"),
              "required": _l("Required"), "max_length": _l("Too long"),
              "datetime": _l("Enter a time"), "order": _l("The end must come after the start"),
              "enum": _l("Choose one"), "not_found": _l("Does not exist"),
              "duplicate": _l("Duplicated"), "type": _l("Wrong format"),
              "unknown": _l("Unknown field")}


def _errors(error: ValidationFailed) -> dict[str, str]:
    """Each bad field's message in the user's language, by its pointer."""
    return {e.pointer: str(ERROR_TEXT.get(e.code, t("Not an amount") if "fen" in e.pointer
                                          else t("Invalid")))
            for e in error.errors}


def _zone() -> Any:
    return zone_of(current_shop())


def _local(moment: Any) -> str:
    return local_text(moment, _zone())


def _local_input(moment: Any) -> str:
    return local_text(moment, _zone(), "%Y-%m-%dT%H:%M")


def _moment(raw: str) -> str:
    """A ``datetime-local`` value in the shop's zone as ISO text with its offset."""
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=_zone()).isoformat()
    except ValueError:
        return raw


def from_form(data: dict[str, Any]) -> dict[str, Any]:
    """The activity from the form: yuan to fen, shop-local times, one SKU row per SKU."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {"title": data.get("title", ""),
                              "on_target_full": data.get("on_target_full", "open_new"),
                              "starts_at": _moment(str(data.get("starts_at", ""))),
                              "ends_at": _moment(str(data.get("ends_at", "")))}
    for name in INTEGERS:
        raw = str(data.get(name, "")).strip()
        values[name] = int(raw) if raw.isdigit() else raw
    for name in FLAGS:
        values[name] = data.get(name) in ("on", "true", "1", True)
    rows = []
    sku_ids = data.get("sku_id") or []
    sku_ids = sku_ids if isinstance(sku_ids, list) else [sku_ids]
    columns = {name: (data.get(name) if isinstance(data.get(name), list) else [data.get(name)])
               for name in ("group_price", "leader_price", "stock")}
    for i, sku_id in enumerate(sku_ids):
        price = (columns["group_price"][i] or "").strip() if i < len(columns["group_price"]) \
            else ""
        if not price:
            continue  # a SKU left out of the activity
        leader = (columns["leader_price"][i] or "").strip() \
            if i < len(columns["leader_price"]) else ""
        stock = (columns["stock"][i] or "").strip() if i < len(columns["stock"]) else ""
        rows.append({
            "sku_id": int(sku_id) if str(sku_id).isdigit() else sku_id,
            "group_price_fen": yuan_field(price, f"/skus/{len(rows)}/group_price_fen", errors),
            **({"leader_price_fen": yuan_field(leader, f"/skus/{len(rows)}/leader_price_fen",
                                               errors)} if leader else {}),
            "stock": int(stock) if stock.isdigit() else stock})
    if errors:
        raise ValidationFailed(errors)
    values["skus"] = rows
    return values


def _form(activity: GroupbuyActivity | None, values: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    session = db()
    product_id = (values or {}).get("product_id") or request.args.get("product_id", type=int) \
        or (activity.product_id if activity else None)
    if isinstance(product_id, str) and product_id.isdigit():
        product_id = int(product_id)
    product = session.get(Product, product_id) if isinstance(product_id, int) else None
    skus = list(session.scalars(select(Sku).where(Sku.product_id == product.id,
                                                  Sku.retired_at.is_(None))
                                .order_by(Sku.id))) if product else []
    rows = {r.sku_id: r for r in activities.activity_skus(session, activity.id)} \
        if activity else {}
    products = list(session.scalars(select(Product).where(Product.deleted_at.is_(None))
                                    .order_by(Product.id.desc()).limit(200)))
    return render_template("groupbuy/form.html", activity=activity, product=product,
                           skus=skus, rows=rows, products=products, errors=errors or {},
                           values=values or {}, local=_local, local_input=_local_input,
                           fen_text=fen_text, targets=TARGET_TEXT, t=t), status


@groupbuy_console.get("/groupbuy")
def activity_list() -> ResponseReturnValue:
    session = db()
    rows = activities.list_activities(session, limit=100)
    items = serializers.activities_json(session, rows, open_groups=0)
    if forms.wants_json():
        return {"items": items}
    return render_template("groupbuy/list.html", items=items, local=_local,
                           fen_text=fen_text, t=t)


@groupbuy_console.get("/groupbuy/activities/new")
def activity_new() -> ResponseReturnValue:
    return _form(None)


@groupbuy_console.get("/groupbuy/activities/<int:activity_id>")
def activity_edit(activity_id: int) -> ResponseReturnValue:
    activity = activities.get_activity(db(), activity_id)
    if forms.wants_json():
        return serializers.activities_json(db(), [activity], detail=True, open_groups=0)[0]
    return _form(activity)


def _save(activity_id: int | None) -> ResponseReturnValue:
    session = db()
    activity = activities.get_activity(session, activity_id) if activity_id else None
    return forms.save_editor(
        lambda values: (activities.update_activity(session, activity_id, values) if activity_id
                        else activities.create_activity(session, values)),
        from_form,
        lambda saved: serializers.activities_json(session, [saved], detail=True,
                                                  open_groups=0)[0],
        lambda data, error: _form(activity, data, _errors(error), 422),
        url_for("groupbuy_console.activity_list"), created=activity_id is None)


@groupbuy_console.post("/groupbuy/activities")
def activity_create() -> ResponseReturnValue:
    return _save(None)


@groupbuy_console.post("/groupbuy/activities/<int:activity_id>")
def activity_update(activity_id: int) -> ResponseReturnValue:
    return _save(activity_id)


@groupbuy_console.get("/groupbuy/groups")
def group_list() -> ResponseReturnValue:
    """Groups, newest first (by status), each with its members and their refunds."""
    session = db()
    status = request.args.get("status", "")
    query = select(GroupbuyGroup).order_by(GroupbuyGroup.id.desc()).limit(100)
    if status in {s.value for s in GroupStatus}:
        query = query.where(GroupbuyGroup.status == status)
    rows = list(session.scalars(query))
    members = groups.group_members(session, [g.id for g in rows])
    numbers = {groups.refund_no(m.order_id): m.order_id for ms in members.values() for m in ms}
    left = list(session.scalars(select(groups.GroupbuyOrder).where(
        groups.GroupbuyOrder.group_id.in_([g.id for g in rows]),
        groups.GroupbuyOrder.status.in_(["left", "refunded"])))) if rows else []
    numbers.update({groups.refund_no(m.order_id): m.order_id for m in left})
    refunds = {a.order_id: a for a in session.scalars(select(AfterSale).where(
        AfterSale.no.in_(list(numbers))))} if numbers else {}
    titles = {a.id: a.title for a in session.scalars(select(GroupbuyActivity).where(
        GroupbuyActivity.id.in_({g.activity_id for g in rows})))} if rows else {}
    if forms.wants_json():
        return {"items": [{"id": g.id, "status": g.status, "joined": g.joined,
                           "size": g.size, "virtual": g.virtual} for g in rows]}
    return render_template("groupbuy/groups.html", rows=rows, members=members, left=left,
                           refunds=refunds, titles=titles, status=status,
                           status_text=STATUS_TEXT, refund_labels=REFUND_TEXT,
                           local=_local, fen_text=fen_text, t=t)
