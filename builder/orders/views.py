"""Console screens of the orders area (``/console/shops/<shop>/orders``): the order list with
filters and .xlsx export, order detail with its timeline and actions (ship, dispatch, verify
pickup, close, remark), pickup verification (核销), and the shop's order, shipping-template,
pickup-point and local-delivery settings.

Views parse the form (or JSON), call a service, commit, and answer: browsers are redirected
with a message, JSON clients get JSON or problem+json.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from builder import forms
from builder.auth import current_user, shop_blueprint
from builder.media.views import MULTIPART_OVERHEAD
from builder.orders import labels
from builder.orders.i18n import gettext as t
from runtime.audit.service import Action
from runtime.audit.web import audit_now
from runtime.errors import FieldError, MallkitError, ValidationFailed
from runtime.extension import state
from runtime.fielderrors import FieldErrors
from runtime.http import private_download
from runtime.jobs import enqueue
from runtime.media.documents import MAX_PDF_BYTES, open_document
from runtime.media.errors import too_large
from runtime.media.refs import load_assets
from runtime.modules.fulfilment import service as fulfilment
from runtime.modules.fulfilment import shipping
from runtime.modules.fulfilment.shipping import CARRIERS
from runtime.modules.orders import export, invoices
from runtime.modules.orders import service as orders
from runtime.modules.orders.models import OrderStatus
from runtime.modules.orders.serializers import order_detail, order_summary
from runtime.modules.orders.settings import get_settings, settings_dict, update_settings
from runtime.modules.orders.state import Actor
from runtime.money import yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

orders_console = shop_blueprint("orders_console", __name__, area="orders",
                                template_folder="templates")


def _shop():
    shop = current_shop()
    assert shop is not None
    return shop


def _zone() -> ZoneInfo:
    return zone_of(_shop())


def _actor() -> Actor:
    user = current_user()
    assert user is not None
    return Actor.merchant(user.id, user.display_name or user.email)


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"¥{fen / 100:,.2f}"


def local(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local_text(value, _zone(), fmt)


def _render(template_name: str, /, **context: Any) -> str:
    return render_template(template_name, t=t, yuan=yuan, local=local,
                           status_labels=labels.STATUS, fulfilment_labels=labels.FULFILMENT,
                           method_labels=labels.METHOD, payment_labels=labels.PAYMENT_STATUS,
                           **context)


def _act(action: Callable[[], Any], success: str, back: str) -> ResponseReturnValue:
    """Run a service call and commit; browsers get a message and go back."""
    try:
        result = action()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        messages = forms.field_errors(error)
        flash("；".join(dict.fromkeys(messages.values())), "error")
        return redirect(back)
    if forms.wants_json():
        return jsonify({"ok": True, "result": result if isinstance(result, dict) else None})
    flash(success, "success")
    return redirect(back)


# --- list, export ----------------------------------------------------------------------------


def _date(name: str, end: bool = False) -> datetime | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationFailed.single(f"/{name}", t("a date like 2026-11-25")) from None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), _zone())
    return moment


def _filter() -> orders.OrderFilter:
    status = request.args.get("status", "").strip()
    fulfilment_arg = request.args.get("fulfilment", "").strip()
    errors = FieldErrors()
    if status and status not in {s.value for s in OrderStatus}:
        errors.append(FieldError("/status", t("unknown status"), "enum"))
    if fulfilment_arg and fulfilment_arg not in labels.FULFILMENT:
        errors.append(FieldError("/fulfilment", t("unknown fulfilment method"), "enum"))
    keyword = request.args.get("keyword", "").strip()[:64]
    errors.raise_if_any()
    return orders.OrderFilter(status=OrderStatus(status) if status else None,
                              fulfilment=fulfilment_arg or None,
                              created_from=_date("date_from"),
                              created_to=_date("date_to", end=True), keyword=keyword)


@orders_console.get("/orders")
def order_list() -> ResponseReturnValue:
    flt = _filter()
    page = orders.list_orders(db(), flt, request.args.get("cursor"), 20)
    assets = load_assets(db(), [ln.image for o in page.orders for ln in page.lines[o.id]])
    items = [order_summary(o, page.lines[o.id], assets=assets) for o in page.orders]
    for item, order in zip(items, page.orders, strict=True):
        item["receiver_name"] = order.receiver_name
        item["receiver_phone"] = order.receiver_phone
    if forms.wants_json():
        return jsonify({"items": items, "next_cursor": page.next_cursor})
    args = {k: v for k, v in request.args.items() if k != "cursor" and v}
    base_args = {k: v for k, v in args.items() if k != "status"}
    return _render("orders/list.html", items=items, next_cursor=page.next_cursor, args=args,
                   base_args=base_args, statuses=list(OrderStatus))


@orders_console.post("/orders/export")
def order_export() -> ResponseReturnValue:
    from runtime.modules.orders.jobs import export_orders

    flt = _filter()
    mk = state()
    job = export.new_export(mk.redis, _shop().id)
    enqueue(mk.redis, export_orders, _shop().id, job.id, export.filter_to_dict(flt),
            queue="bulk", jid=f"orders-export-{_shop().id}-{job.id}")
    if forms.wants_json():
        return jsonify({"id": job.id, "status": job.status}), 202
    flash(t("The export is being prepared; it appears below when ready."), "success")
    return redirect(url_for(".exports"))


@orders_console.get("/orders/exports")
def exports() -> ResponseReturnValue:
    items = export.recent(state().redis, _shop().id)
    if forms.wants_json():
        return jsonify({"items": [vars(i) for i in items]})
    return _render("orders/exports.html", items=items)


@orders_console.get("/orders/exports/<export_id>")
def export_download(export_id: str) -> ResponseReturnValue:
    job = export.load(state().redis, _shop().id, export_id) if export_id.isalnum() else None
    if job is None or job.status != "done":
        abort(404)
    path = export.export_path(state().settings.data_dir, _shop().id, export_id)
    if not path.is_file():
        abort(404)
    audit_now(Action.EXPORT_DOWNLOADED, current_user(), target=job.filename,
              detail={"kind": "orders"})
    return send_file(path, as_attachment=True, download_name=job.filename,
                     mimetype="application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet")


# --- detail and actions ------------------------------------------------------------------------


@orders_console.get("/orders/<int:order_id>")
def order_view(order_id: int) -> ResponseReturnValue:
    order = orders.get_order(db(), order_id)
    lines = orders.order_lines(db(), [order.id])[order.id]
    data = order_detail(db(), order, lines, for_merchant=True)
    if forms.wants_json():
        return jsonify(data)
    return _render("orders/detail.html", order=data, carriers=CARRIERS)


def _detail_url(order_id: int) -> str:
    return url_for(".order_view", order_id=order_id)


@orders_console.post("/orders/<int:order_id>/ship")
def order_ship(order_id: int) -> ResponseReturnValue:
    data = forms.payload()
    lines: Any = data.get("lines")
    if lines is None:  # the HTML form sends qty_<line id> fields; empty means "all left"
        picked = []
        for key, value in data.items():
            if key.startswith("qty_") and str(value).strip():
                try:
                    picked.append({"order_line_id": int(key[4:]), "qty": int(value)})
                except ValueError:
                    raise ValidationFailed.single(f"/{key}", t("a whole number")) from None
        lines = [p for p in picked if p["qty"] > 0] or None
    return _act(lambda: shipping.ship(
        db(), order_id, carrier_code=data.get("carrier_code"),
        tracking_no=data.get("tracking_no"), carrier_name=data.get("carrier_name") or None,
        lines=lines, actor=_actor()) and None, t("Shipped."), _detail_url(order_id))


@orders_console.post("/orders/<int:order_id>/dispatch")
def order_dispatch(order_id: int) -> ResponseReturnValue:
    data = forms.payload()
    return _act(lambda: shipping.dispatch_local(
        db(), order_id, courier_name=forms.text(data, "courier_name"),
        courier_phone=forms.text(data, "courier_phone"), actor=_actor()) and None,
        t("Out for delivery."), _detail_url(order_id))


@orders_console.post("/orders/<int:order_id>/delivered")
def order_delivered(order_id: int) -> ResponseReturnValue:
    return _act(lambda: shipping.mark_delivered(db(), order_id, _actor()) and None,
                t("Marked as delivered."), _detail_url(order_id))


@orders_console.post("/orders/<int:order_id>/close")
def order_close(order_id: int) -> ResponseReturnValue:
    from runtime.modules.orders.paying import close_unpaid
    from runtime.modules.orders.state import OrderEvent

    data = forms.payload()
    reason = forms.text(data, "reason")[:200]
    shop = _shop()
    return _act(lambda: close_unpaid(db(), shop.id, shop.slug, order_id, OrderEvent.CANCELLED,
                                     _actor(), reason) and None,
                t("The order is closed; its stock is back on sale."), _detail_url(order_id))


@orders_console.post("/orders/<int:order_id>/remark")
def order_remark(order_id: int) -> ResponseReturnValue:
    data = forms.payload()
    return _act(lambda: orders.set_merchant_remark(db(), order_id, data.get("remark", ""),
                                                   _actor()) and None,
                t("Remark saved."), _detail_url(order_id))


# --- pickup verification -----------------------------------------------------------------------


@orders_console.route("/orders/pickup", methods=["GET", "POST"])
def pickup_verify() -> ResponseReturnValue:
    """核销: type the buyer's code, or scan its QR code (which opens this page)."""
    if request.method == "GET":
        return _render("orders/pickup.html", code=request.args.get("code", "")[:64])
    data = forms.payload()
    try:
        order = shipping.verify_pickup(db(), data.get("code"), _actor())
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("；".join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(url_for(".pickup_verify"))
    if forms.wants_json():
        return jsonify({"order_id": order.id, "order_no": order.order_no,
                        "status": order.status})
    flash(t("Verified: order %(no)s is picked up.", no=order.order_no), "success")
    return redirect(_detail_url(order.id))


# --- settings ----------------------------------------------------------------------------------


BOOL_SETTINGS = ("allow_wechatpay", "allow_wallet", "allow_cod", "allow_express",
                 "allow_pickup", "allow_local", "invoice_enabled")


@orders_console.route("/orders/settings", methods=["GET", "POST"])
def order_settings() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = forms.payload()
        if not request.is_json:
            clean: dict[str, Any] = {name: data.get(name) == "on" for name in BOOL_SETTINGS}
            for name in ("unpaid_timeout_minutes", "auto_confirm_days"):
                raw = str(data.get(name, "")).strip()
                clean[name] = int(raw) if raw.isdigit() else raw
            data = clean
        try:
            update_settings(db(), data)
            db().commit()
        except ValidationFailed as error:
            db().rollback()
            if forms.wants_json():
                raise
            errors = forms.field_errors(error)
        else:
            if forms.wants_json():
                return jsonify(settings_dict(get_settings(db())))
            flash(t("Settings saved."), "success")
            return redirect(url_for(".order_settings"))
    values = settings_dict(get_settings(db()))
    if forms.wants_json():
        return jsonify(values)
    db().commit()
    return _render("orders/settings.html", values=values, errors=errors,
                   templates=fulfilment.list_templates(db()),
                   points=fulfilment.list_pickup_points(db()),
                   local_delivery=fulfilment.local_delivery_dict(
                       fulfilment.get_local_delivery(db())))


def _int(raw: Any, pointer: str) -> int | None:
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed.single(pointer, t("a whole number"))
    return int(text)


def _regions(raw: Any) -> list[str]:
    return [r.strip() for r in str(raw or "").replace("，", ",").split(",") if r.strip()]


def _template_from_form(data: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for i in range(10):
        first = data.get(f"rule{i}_first_units")
        if first in (None, ""):
            continue
        rules.append({"regions": _regions(data.get(f"rule{i}_regions")),
                      "first_units": _int(first, f"/rules/{i}/first_units"),
                      "first_fee_fen": yuan_field(data.get(f"rule{i}_first_fee"),
                                                  f"/rules/{i}/first_fee_fen") or 0,
                      "extra_units": _int(data.get(f"rule{i}_extra_units"),
                                          f"/rules/{i}/extra_units") or 1,
                      "extra_fee_fen": yuan_field(data.get(f"rule{i}_extra_fee"),
                                                  f"/rules/{i}/extra_fee_fen") or 0})
    return {"name": data.get("name", ""), "charge_by": data.get("charge_by", "piece"),
            "free_over_fen": yuan_field(data.get("free_over"), "/free_over_fen"),
            "free_over_units": _int(data.get("free_over_units"), "/free_over_units"),
            "excluded_regions": _regions(data.get("excluded_regions")),
            "is_default": data.get("is_default") == "on", "rules": rules}


@orders_console.route("/orders/shipping-templates/new", methods=["GET", "POST"])
@orders_console.route("/orders/shipping-templates/<int:template_id>", methods=["GET", "POST"])
def shipping_template(template_id: int | None = None) -> ResponseReturnValue:
    template = fulfilment.get_template(db(), template_id) if template_id else None
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = forms.payload()
        try:
            body = data if request.is_json else _template_from_form(data)
            if template is None:
                template = fulfilment.create_template(db(), body)
            else:
                fulfilment.update_template(db(), template.id, body)
            db().commit()
        except ValidationFailed as error:
            db().rollback()
            if forms.wants_json():
                raise
            errors = forms.field_errors(error)
            # the form's inputs are in yuan: free_over for /free_over_fen
            errors.update({k.removesuffix("_fen"): v for k, v in errors.items()
                           if k.endswith("_fen")})
        else:
            if forms.wants_json():
                rules = fulfilment.template_rules(db(), [template.id])[template.id]
                return jsonify(fulfilment.template_dict(template, rules))
            flash(t("Shipping template saved."), "success")
            return redirect(url_for(".order_settings"))
    current = None
    if template is not None:
        rules = fulfilment.template_rules(db(), [template.id])[template.id]
        current = fulfilment.template_dict(template, rules)
    if forms.wants_json():
        return jsonify(current)
    return _render("orders/template.html", template=current, errors=errors)


@orders_console.post("/orders/shipping-templates/<int:template_id>/delete")
def shipping_template_delete(template_id: int) -> ResponseReturnValue:
    return _act(lambda: fulfilment.delete_template(db(), template_id),
                t("Shipping template deleted."), url_for(".order_settings"))


def _point_from_form(data: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {k: data.get(k, "") for k in ("name", "address", "phone", "hours")}
    for name in ("latitude", "longitude"):
        raw = str(data.get(name, "")).strip()
        try:
            body[name] = float(raw) if raw else None
        except ValueError:
            raise ValidationFailed.single(f"/{name}", t("a number")) from None
    body["is_active"] = data.get("is_active") == "on"
    return body


@orders_console.post("/orders/pickup-points")
def pickup_point_create() -> ResponseReturnValue:
    data = forms.payload()
    body = data if request.is_json else _point_from_form(data)
    return _act(lambda: fulfilment.pickup_point_dict(fulfilment.create_pickup_point(db(), body)),
                t("Pickup point added."), url_for(".order_settings"))


@orders_console.post("/orders/pickup-points/<int:point_id>")
def pickup_point_update(point_id: int) -> ResponseReturnValue:
    data = forms.payload()
    body = data if request.is_json else _point_from_form(data)
    return _act(lambda: fulfilment.pickup_point_dict(
        fulfilment.update_pickup_point(db(), point_id, body)),
        t("Pickup point saved."), url_for(".order_settings"))


@orders_console.post("/orders/local-delivery")
def local_delivery_save() -> ResponseReturnValue:
    data = forms.payload()
    if not request.is_json:
        tiers = []
        for i in range(6):
            up_to = str(data.get(f"tier{i}_km", "")).strip()
            if not up_to:
                continue
            try:
                up_to_m = round(float(up_to) * 1000)
            except (ValueError, OverflowError):
                raise ValidationFailed.single(f"/tiers/{i}/up_to_m", t("a number")) from None
            fee = yuan_field(data.get(f"tier{i}_fee"), f"/tiers/{i}/fee_fen")
            tiers.append({"up_to_m": up_to_m, "fee_fen": fee or 0})
        try:
            data = {"origin_lat": float(data.get("origin_lat") or "nan"),
                    "origin_lng": float(data.get("origin_lng") or "nan"),
                    "radius_m": round(float(data.get("radius_km") or 0) * 1000),
                    "min_order_fen": yuan_field(data.get("min_order"), "/min_order_fen") or 0,
                    "free_over_fen": yuan_field(data.get("free_over"), "/free_over_fen"),
                    "tiers": tiers}
        except (ValueError, OverflowError):
            raise ValidationFailed.single("/origin_lat", t("a number")) from None
    return _act(lambda: fulfilment.local_delivery_dict(fulfilment.set_local_delivery(db(), data)),
                t("Local delivery saved."), url_for(".order_settings"))


# --- invoices requested at checkout ------------------------------------------------------


@orders_console.get("/orders/invoices")
def invoice_queue() -> ResponseReturnValue:
    pending = invoices.queue(db())
    if forms.wants_json():
        return jsonify({"items": [{"id": o.id, "order_no": o.order_no,
                                   "invoice": invoices.invoice_json(o),
                                   "paid_fen": o.paid_fen} for o in pending]})
    return _render("orders/invoices.html", orders=pending)


@orders_console.post("/orders/<int:order_id>/invoice")
def invoice_issue(order_id: int) -> ResponseReturnValue:
    """Record the e-invoice number of an order's requested invoice."""
    number = forms.payload().get("number")
    return _act(lambda: {"number": invoices.issue(db(), order_id, number).invoice["number"]},
                t("Invoice recorded"), url_for(".invoice_queue"))


@orders_console.url_value_preprocessor
def _allow_pdf_body(endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """The invoice PDF upload may carry a PDF up to its own limit (set before anything reads
    the body, the CSRF check included)."""
    if endpoint == "orders_console.invoice_pdf_upload":
        request.max_content_length = MAX_PDF_BYTES + MULTIPART_OVERHEAD


@orders_console.post("/orders/<int:order_id>/invoice.pdf")
def invoice_pdf_upload(order_id: int) -> ResponseReturnValue:
    """Upload the invoice PDF of an order's requested invoice (multipart ``file``)."""

    def attach() -> dict[str, Any]:
        try:
            upload = request.files.get("file")
        except RequestEntityTooLarge:
            raise too_large(t("The PDF may be at most %(mb)s MB.",
                              mb=MAX_PDF_BYTES // (1024 * 1024))) from None
        if upload is None or not upload.filename:
            raise ValidationFailed.single("/file", t("Choose the invoice PDF"), "required")
        order = invoices.attach_pdf(db(), order_id, upload.read(MAX_PDF_BYTES + 1))
        return invoices.invoice_json(order)["pdf"]

    return _act(attach, t("Invoice PDF uploaded"), url_for(".invoice_queue"))


@orders_console.get("/orders/<int:order_id>/invoice.pdf")
def invoice_pdf_download(order_id: int) -> ResponseReturnValue:
    order = orders.get_order(db(), order_id)
    key = invoices.pdf_key(order)
    return private_download(open_document(key), mimetype="application/pdf",
                            name=f"invoice-{order.order_no}.pdf", etag=key.rsplit("/", 1)[1])
