"""Console screens of after-sales (``/console/shops/<shop>/aftersales``): the list (open
first, by status), a request's detail with the actions its status allows (agree, refuse,
receive, reship, refund again, settle an abnormal refund by hand), and the merchant refund
of chosen lines posted from the order detail. Forms carry the CSRF token; JSON clients get
JSON or problem+json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.aftersales import labels
from builder.aftersales.i18n import gettext as t
from builder.aftersales.i18n import lazy_gettext as _l
from builder.auth import current_user, shop_blueprint
from runtime.audit.service import Action
from runtime.audit.web import audit
from runtime.errors import MallkitError, ValidationFailed
from runtime.modules.aftersales import service
from runtime.modules.aftersales.models import AfterSaleStatus
from runtime.modules.aftersales.serializers import aftersale_detail, aftersale_summary
from runtime.modules.orders.service import get_order
from runtime.modules.orders.state import Actor
from runtime.money import yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

aftersales_console = shop_blueprint("aftersales_console", __name__, area="orders",
                                    module="aftersales", template_folder="templates")
FILTERS = ("open", *(s.value for s in AfterSaleStatus))


def _actor() -> Actor:
    user = current_user()
    assert user is not None
    return Actor.merchant(user.id, user.display_name or user.email)


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"¥{fen / 100:,.2f}"


def _local(value: Any) -> str:
    shop = current_shop()
    assert shop is not None
    return local_text(value, zone_of(shop), "%Y-%m-%d %H:%M")


def _render(name: str, **context: Any) -> str:
    return render_template(name, t=t, yuan=yuan, local=_local, labels=labels.STATUS,
                           kinds=labels.KIND, alerts=labels.ALERT,
                           methods=labels.REFUND_METHOD, **context)


def _act(action: Callable[[], Any], success: Any, back: str) -> ResponseReturnValue:
    try:
        action()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash(t("; ").join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(back)
    if forms.wants_json():
        return jsonify({"ok": True})
    flash(str(success), "success")
    return redirect(back)


@aftersales_console.get("/aftersales")
def aftersale_list() -> ResponseReturnValue:
    status = request.args.get("status", "open")
    if status not in FILTERS:
        status = "open"
    raw = request.args.get("before", "")
    rows = service.list_for_shop(db(), status, int(raw) if raw.isdigit() else None)
    lines = service.lines_of(db(), rows)
    items = [aftersale_summary(a, lines.get(a.line_id)) for a in rows]
    if forms.wants_json():
        return jsonify({"items": items})
    return _render("aftersales/list.html", items=items, status=status,
                   statuses=list(AfterSaleStatus),
                   next_before=rows[-1].id if len(rows) == service.PAGE_SIZE else None)


@aftersales_console.get("/aftersales/<int:aftersale_id>")
def aftersale_view(aftersale_id: int) -> ResponseReturnValue:
    aftersale = service.get_aftersale(db(), aftersale_id)
    line = service.lines_of(db(), [aftersale]).get(aftersale.line_id)
    data = aftersale_detail(db(), aftersale, line, service.history(db(), aftersale.id))
    if forms.wants_json():
        return jsonify(data)
    return _render("aftersales/detail.html", a=data)


def _back(aftersale_id: int) -> str:
    return url_for(".aftersale_view", aftersale_id=aftersale_id)


ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "agree": (lambda i, d: service.agree(db(), i, _actor(), forms.text(d, "reason")),
              _l("Agreed.")),
    "disagree": (lambda i, d: service.disagree(db(), i, _actor(), d.get("reason")),
                 _l("Request declined.")),
    "receive": (lambda i, d: service.receive(db(), i, _actor()),
                _l("Return received; the refund is on its way.")),
    "refuse": (lambda i, d: service.refuse_goods(db(), i, _actor(), d.get("reason")),
               _l("Return refused.")),
    "reship": (lambda i, d: service.reship(db(), i, _actor(), d), _l("Replacement sent.")),
    "refund": (lambda i, d: service.retry_refund(db(), i, _actor()), _l("Refund sent again.")),
    "settle": (lambda i, d: service.settle_by_hand(db(), i, _actor(), d.get("reason")),
               _l("Recorded as refunded offline.")),
}


def _action_view(name: str) -> Callable[[int], ResponseReturnValue]:
    run, success = ACTIONS[name]

    def view(aftersale_id: int) -> ResponseReturnValue:
        data = forms.payload()
        return _act(lambda: run(aftersale_id, data), success, _back(aftersale_id))

    view.__name__ = f"aftersale_{name}"
    return view


for _name in ACTIONS:
    aftersales_console.add_url_rule(f"/aftersales/<int:aftersale_id>/{_name}",
                                     view_func=_action_view(_name), methods=["POST"])


def _audit_refund(order_id: int, made: list[Any], reason: str) -> None:
    """The merchant's refund in the shop's audit log, in the refund's transaction: who, the
    order, each line with its amount (fen) and after-sale number, the total and the
    reason; the log's screen shows the summary."""
    order = get_order(db(), order_id)
    lines = [{"line_id": a.line_id, "amount_fen": a.total_fen, "aftersale_no": a.no}
             for a in made]
    total = sum(line["amount_fen"] for line in lines)
    summary = "、".join(f"行 {line['line_id']} {yuan(line['amount_fen'])}" for line in lines)
    audit(Action.MERCHANT_REFUND, current_user(),
          target=f"订单 {order.order_no}：{summary}，共 {yuan(total)}，原因：{reason}",
          detail={"order_id": order.id, "order_no": order.order_no, "lines": lines,
                  "amount_fen": total, "reason": reason})


@aftersales_console.post("/orders/<int:order_id>/refund")
def merchant_refund(order_id: int) -> ResponseReturnValue:
    """The refund dialog of the order detail: ``line_<id>`` checkboxes with ``amount_<id>``
    in yuan (empty: what is left of the line), or JSON ``{"items": [{line_id,
    amount_fen}], "reason"}``."""
    data = forms.payload()

    def refund() -> Any:
        items: Any = data.get("items")
        if items is None:
            items, errors = [], []
            for key in data:
                if key.startswith("line_") and key[5:].isdigit():
                    raw = str(data.get(f"amount_{key[5:]}", "")).strip()
                    amount = yuan_field(raw, f"/amount_{key[5:]}", errors) if raw else None
                    items.append({"line_id": int(key[5:]), "amount_fen": amount})
            if errors:
                raise ValidationFailed(errors)
            items = [{k: v for k, v in item.items() if v is not None} for item in items]
        made = service.merchant_refund(db(), order_id, items, data.get("reason"), _actor())
        _audit_refund(order_id, made, str(data.get("reason")).strip())
        return made

    back = url_for("orders_console.order_view", order_id=order_id)
    return _act(refund, _l("Refund started."), back)
