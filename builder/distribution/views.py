"""Console screens of the distribution module (marketing area): overview with the settings
link, applications, distributors (status, level, referrer), levels, commissions and the
withdrawal audit. Gone (404, no nav entry) while the shop has the module off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import LazyString
from sqlalchemy import select

from builder import forms
from builder.auth import current_user, shop_blueprint
from builder.distribution.i18n import gettext as t
from builder.distribution.i18n import lazy_gettext as _l
from runtime.audit.web import request_origin
from runtime.errors import MallkitError, ValidationFailed
from runtime.modules import switches
from runtime.modules.catalog.queries import products_by_ids
from runtime.modules.distribution import ledger, rates, service, withdrawals
from runtime.modules.distribution.models import (
    Application,
    ApplicationStatus,
    Binding,
    Commission,
    Distributor,
    DistributorLevel,
    Withdrawal,
)
from runtime.modules.distribution.settings import MODULE_ID, distribution_settings
from runtime.modules.members.models import Member
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

distribution_console = shop_blueprint("distribution_console", __name__, area="marketing",
                                      module=MODULE_ID, template_folder="templates")
PAGE = 50
DISTRIBUTOR_STATUS = {"active": _l("Active"), "frozen": _l("Frozen (cannot withdraw)"),
                      "disabled": _l("Disabled")}
APPLICATION_STATUS = {"pending": _l("To review"), "approved": _l("Approved"),
                      "rejected": _l("Refused")}
COMMISSION_STATUS = {"pending": _l("Pending (estimated)"), "settled": _l("Settled"),
                     "cancelled": _l("Cancelled")}
WITHDRAWAL_STATUS = {"auditing": _l("To review"), "rejected": _l("Refused"),
                     "approved": _l("Approved, to be paid"), "paid": _l("Paid"),
                     "failed": _l("Payment failed")}
METHODS = {"wallet": _l("Balance"), "bank": _l("Bank card"), "wechat": _l("WeChat change")}


@distribution_console.before_request
def _module_on() -> None:
    if not switches.is_enabled(db(), MODULE_ID):
        abort(404)


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"¥{fen / 100:,.2f}"


def _local(value: Any) -> str:
    shop = current_shop()
    assert shop is not None
    return local_text(value, zone_of(shop), "%Y-%m-%d %H:%M") if value else ""


def _render(name: str, **context: Any) -> str:
    return render_template(name, t=t, yuan=yuan, local=_local,
                           distributor_status=DISTRIBUTOR_STATUS,
                           application_status=APPLICATION_STATUS,
                           commission_status=COMMISSION_STATUS,
                           withdrawal_status=WITHDRAWAL_STATUS, methods=METHODS, **context)


def _act(action: Callable[[], Any], success: str, back: str) -> ResponseReturnValue:
    try:
        action()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("；".join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(back)
    if forms.wants_json():
        return jsonify({"ok": True})
    flash(success, "success")
    return redirect(back)


def _names(member_ids: set[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    return {m.id: m.display_name for m in db().scalars(
        select(Member).where(Member.id.in_(member_ids)))}


def _before() -> int | None:
    raw = request.args.get("before", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


@distribution_console.get("/distribution")
def overview() -> ResponseReturnValue:
    settings = distribution_settings(db())
    return _render("distribution/overview.html", settings=settings,
                   counts=service.counts(db()), active="overview")


@distribution_console.get("/distribution/applications")
def applications() -> ResponseReturnValue:
    rows = list(db().scalars(select(Application).order_by(
        (Application.status == ApplicationStatus.PENDING).desc(), Application.id.desc())
        .limit(PAGE)))
    if forms.wants_json():
        return jsonify({"items": [{"id": a.id, "member_id": a.member_id, "status": a.status,
                                   "answers": a.answers} for a in rows]})
    return _render("distribution/applications.html", rows=rows, active="applications",
                   names=_names({a.member_id for a in rows}),
                   fields=distribution_settings(db()).application_fields)


def _decide(application_id: int, approve: bool) -> ResponseReturnValue:
    data = forms.payload()
    return _act(lambda: service.decide_application(db(), application_id, approve,
                                                   forms.text(data, "reason")),
                t("Application approved.") if approve else t("Application refused."),
                url_for(".applications"))


@distribution_console.post("/distribution/applications/<int:application_id>/approve")
def approve_application(application_id: int) -> ResponseReturnValue:
    return _decide(application_id, True)


@distribution_console.post("/distribution/applications/<int:application_id>/reject")
def reject_application(application_id: int) -> ResponseReturnValue:
    return _decide(application_id, False)


@distribution_console.get("/distribution/distributors")
def distributors() -> ResponseReturnValue:
    query = select(Distributor).order_by(Distributor.id.desc()).limit(PAGE)
    if (before := _before()) is not None:
        query = query.where(Distributor.id < before)
    rows = list(db().scalars(query))
    referrers = {b.member_id: b.referrer_member_id for b in db().scalars(
        select(Binding).where(Binding.member_id.in_([d.member_id for d in rows])))}
    if forms.wants_json():
        return jsonify({"items": [{"member_id": d.member_id, "code": d.code, "status": d.status,
                                   "level_id": d.level_id, **ledger.earnings(db(), d.member_id),
                                   "referrer_member_id": referrers.get(d.member_id)}
                                  for d in rows]})
    levels = list(db().scalars(select(DistributorLevel).order_by(DistributorLevel.rank)))
    return _render("distribution/distributors.html", rows=rows, referrers=referrers,
                   levels=levels, active="distributors",
                   names=_names({d.member_id for d in rows} | set(referrers.values())),
                   next_before=rows[-1].id if len(rows) == PAGE else None)


def _int_field(data: dict[str, Any], name: str, *, optional: bool = False) -> int | None:
    raw = data.get(name)
    if optional and raw in (None, ""):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 19:
        return int(raw.strip())
    raise ValidationFailed.single(f"/{name}", "an id", "type")


@distribution_console.post("/distribution/distributors/<int:member_id>/status")
def distributor_status(member_id: int) -> ResponseReturnValue:
    data = forms.payload()
    return _act(lambda: service.set_status(db(), member_id, forms.text(data, "status")),
                t("Distributor status updated."), url_for(".distributors"))


@distribution_console.post("/distribution/distributors/<int:member_id>/level")
def distributor_level(member_id: int) -> ResponseReturnValue:
    data = forms.payload()
    return _act(lambda: service.set_level(db(), member_id,
                                          _int_field(data, "level_id", optional=True)),
                t("Distributor level updated."), url_for(".distributors"))


@distribution_console.post("/distribution/members/<int:member_id>/referrer")
def change_referrer(member_id: int) -> ResponseReturnValue:
    """Set or clear a member's referrer (audited)."""
    data = forms.payload()
    return _act(lambda: service.change_referrer(
        db(), member_id, _int_field(data, "referrer_member_id", optional=True),
        request_origin(current_user())), t("Referrer changed (written to the audit log)."),
        url_for(".distributors"))


@distribution_console.get("/distribution/levels")
def levels() -> ResponseReturnValue:
    rows = list(db().scalars(select(DistributorLevel).order_by(DistributorLevel.rank)))
    if forms.wants_json():
        return jsonify({"items": [{"id": lv.id, "name": lv.name, "rank": lv.rank,
                                   "level1_rate": str(lv.level1_rate),
                                   "level2_rate": str(lv.level2_rate),
                                   **{rule: getattr(lv, rule) for rule in LEVEL_NUMBERS[1:]}}
                                  for lv in rows]})
    return _render("distribution/levels.html", rows=rows, active="levels")


LEVEL_NUMBERS = ("rank", "upgrade_sales_fen", "upgrade_direct", "upgrade_team",
                 "upgrade_commission_fen")


def _level_payload() -> dict[str, Any]:
    """The level form's fields, whole numbers read from the form's text."""
    data = forms.payload()
    for key in LEVEL_NUMBERS:
        value = data.get(key)
        if isinstance(value, str):
            data[key] = int(value.strip()) if value.strip().isdigit() and len(value) < 16 \
                else None if not value.strip() else value
    return data


@distribution_console.post("/distribution/levels")
def save_level() -> ResponseReturnValue:
    data = _level_payload()
    return _act(lambda: service.save_level(db(), data), t("Distributor level saved."),
                url_for(".levels"))


@distribution_console.post("/distribution/levels/<int:level_id>")
def edit_level(level_id: int) -> ResponseReturnValue:
    data = _level_payload()
    return _act(lambda: service.save_level(db(), data, level_id), t("Distributor level saved."),
                url_for(".levels"))


@distribution_console.get("/distribution/rates")
def product_rates() -> ResponseReturnValue:
    """Per-product / per-SKU commission rates (a product's own commission)."""
    rows = rates.list_rates(db())
    if forms.wants_json():
        return jsonify({"items": [rates.rate_dict(r) for r in rows]})
    titles = {p.id: p.title for p in products_by_ids(db(), sorted({r.product_id for r in rows}),
                                                     visible_only=False)}
    return _render("distribution/rates.html", rows=rows, titles=titles, active="rates")


@distribution_console.post("/distribution/rates")
def save_product_rate() -> ResponseReturnValue:
    data = forms.payload()
    return _act(lambda: rates.save_rate(db(), data), t("Product commission saved."),
                url_for(".product_rates"))


@distribution_console.post("/distribution/rates/<int:rate_id>/delete")
def delete_product_rate(rate_id: int) -> ResponseReturnValue:
    return _act(lambda: rates.delete_rate(db(), rate_id),
                t("Product commission deleted; the level or shop rates apply again."),
                url_for(".product_rates"))


@distribution_console.get("/distribution/commissions")
def commission_list() -> ResponseReturnValue:
    status = request.args.get("status", "")
    query = select(Commission).order_by(Commission.id.desc()).limit(PAGE)
    if status in COMMISSION_STATUS:
        query = query.where(Commission.status == status)
    if (before := _before()) is not None:
        query = query.where(Commission.id < before)
    rows = list(db().scalars(query))
    if forms.wants_json():
        return jsonify({"items": [{"id": c.id, "order_no": c.order_no, "level": c.level,
                                   "beneficiary_member_id": c.beneficiary_member_id,
                                   "amount_fen": c.amount_fen, "status": c.status}
                                  for c in rows]})
    return _render("distribution/commissions.html", rows=rows, status=status,
                   active="commissions",
                   names=_names({c.beneficiary_member_id for c in rows}),
                   next_before=rows[-1].id if len(rows) == PAGE else None)


@distribution_console.get("/distribution/withdrawals")
def withdrawal_list() -> ResponseReturnValue:
    status = request.args.get("status", "auditing")
    rows = withdrawals.list_withdrawals(db(), status=status if status in WITHDRAWAL_STATUS
                                        else None, before=_before(), limit=PAGE)
    if forms.wants_json():
        return jsonify({"items": [{**withdrawals.as_dict(w), "member_id": w.member_id,
                                   "account": w.account} for w in rows]})
    return _render("distribution/withdrawals.html", rows=rows, status=status,
                   active="withdrawals", names=_names({w.member_id for w in rows}))


WITHDRAWAL_ACTIONS: dict[str, tuple[Callable[[int, dict[str, Any]], Withdrawal],
                                 LazyString]] = {
    "approve": (lambda i, d: withdrawals.approve(db(), i),
                _l("Approved: pay bank cards offline and then mark them paid; WeChat change is "
                   "transferred by WeChat Pay.")),
    "reject": (lambda i, d: withdrawals.reject(db(), i, d.get("reason")),
               _l("Refused; the amount is returned.")),
    "paid": (lambda i, d: withdrawals.mark_paid(db(), i), _l("Marked paid.")),
    "failed": (lambda i, d: withdrawals.mark_failed(db(), i, d.get("reason")),
               _l("Marked failed; the amount is returned.")),
}


def _withdrawal_view(action: str) -> Callable[[int], ResponseReturnValue]:
    func, success = WITHDRAWAL_ACTIONS[action]

    def view(withdrawal_id: int) -> ResponseReturnValue:
        data = forms.payload()
        return _act(lambda: func(withdrawal_id, data), str(success),
                    url_for(".withdrawal_list"))

    view.__doc__ = f"Withdrawal audit: {action}."
    return view


for _action in WITHDRAWAL_ACTIONS:
    distribution_console.add_url_rule(
        f"/distribution/withdrawals/<int:withdrawal_id>/{_action}", f"withdrawal_{_action}",
        _withdrawal_view(_action), methods=["POST"])
