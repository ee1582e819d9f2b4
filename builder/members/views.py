"""Console screens of the members area (``/console/shops/<shop>/members``): the member list
(search, filters by level, tag, stage and spend; .xlsx export as a background job), member
detail (purchases, points / balance / growth ledgers, tags, audit log) with manual
adjustments that need a reason, levels, tags and membership cards.

Views parse the form (or JSON), call a service, commit, and answer: browsers are redirected
with a message, JSON clients get JSON or problem+json.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from builder import forms
from builder.auth import can, current_user, shop_blueprint
from builder.members.i18n import gettext as t
from builder.members.i18n import lazy_gettext as _l
from runtime.audit.service import Action
from runtime.audit.web import audit_now
from runtime.errors import Forbidden, MallkitError, ValidationFailed
from runtime.extension import state
from runtime.jobs import enqueue_after_commit, job_id
from runtime.modules.members import admin, cards, export, levels, service, tags
from runtime.modules.members.models import ExportStatus, GrowthEntry, LevelChange, Purchase
from runtime.modules.members.queries import MemberFilters, search_members
from runtime.modules.members.serializers import level_dict
from runtime.modules.points import admin as points_admin
from runtime.modules.points.api import REASONS as POINT_REASONS
from runtime.modules.wallet import admin as wallet_admin
from runtime.money import yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

members_console = shop_blueprint("members_console", __name__, area="members",
                                 template_folder="templates")

STAGE_LABELS = {"new": "新客", "active": "活跃", "dormant": "沉睡", "lost": "流失"}
OPTION_LABELS = {"never": "永不过期", "end_of_next_year": "获得次年年底过期",
                 "days": "获得后 N 天过期"}
GENDER_LABELS = {"unknown": "未知", "male": "男", "female": "女"}
IMPORT_STATUS_LABELS = {"queued": _l("Waiting to start"), "running": _l("Importing"),
                        "done": _l("Finished"), "failed": _l("Stopped")}
# Ledger and level-change reasons as the merchant reads them (the points' own names first).
REASON_LABELS = {**POINT_REASONS, "order_payment": "订单支付", "order_refund": "订单退款",
                 "topup_paid": "充值", "card_purchase": "购买会员卡",
                 "unused_principal_refund": "退还未用本金", "payout_failed": "退款失败退回",
                 "levels_changed": "等级规则调整", "card_granted": "开通会员卡",
                 "card_expired": "会员卡到期", "order_refund_none": "退款（无需扣回）",
                 "commission_withdrawal": "佣金提现"}


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason, reason)


def _shop():
    shop = current_shop()
    assert shop is not None
    return shop


def yuan(fen: int | None) -> str:
    return "" if fen is None else f"¥{fen / 100:,.2f}"


def local(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local_text(value, zone_of(_shop()), fmt)


def _render(template: str, **context: Any) -> str:
    return render_template(template, t=t, yuan=yuan, local=local, stage_labels=STAGE_LABELS,
                           reason_label=reason_label,
                           import_status_label=lambda status: str(
                               IMPORT_STATUS_LABELS.get(status, status)),
                           gender_labels=GENDER_LABELS, option_labels=OPTION_LABELS, **context)


def _actor() -> admin.Actor:
    user = current_user()
    assert user is not None
    return admin.Actor(user.id, user.display_name or user.email)


def _act(action: Callable[[], Any], success: str, back: str) -> ResponseReturnValue:
    """Run a service call and commit; browsers get a message and go back."""
    try:
        result = action()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("；".join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(back)
    if forms.wants_json():
        return jsonify({"ok": True, **(result if isinstance(result, dict) else {})})
    flash(success, "success")
    return redirect(back)


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


# --- list and export -------------------------------------------------------------------------


def _row_json(row: Any) -> dict[str, Any]:
    m = row.member
    return {"id": m.id, "nickname": m.nickname, "phone": m.phone, "level": row.level.name
            if row.level else None, "growth": m.growth, "points": row.points,
            "balance_fen": row.balance_fen, "total_spent_fen": m.total_spent_fen,
            "order_count": m.order_count, "lifecycle_stage": m.lifecycle_stage,
            "tags": [tg.name for tg in row.tags], "status": m.status,
            "created_at": m.created_at.isoformat()}


@members_console.get("/members")
def member_list() -> ResponseReturnValue:
    filters = MemberFilters.parse(request.args)
    page = search_members(db(), filters, page=_page_arg(), per_page=20)
    if forms.wants_json():
        return jsonify({"items": [_row_json(r) for r in page.rows], "total": page.total,
                        "page": page.page, "pages": page.pages})
    args = filters.as_dict()
    return _render("members/list.html", page=page, args=args, filters=filters,
                   levels=levels.list_levels(db()), tags=tags.list_tags(db()))


@members_console.post("/members/export")
def member_export() -> ResponseReturnValue:
    from runtime.modules.members.jobs import run_export

    filters = MemberFilters.parse(request.args)
    user = current_user()
    session = db()
    record = export.request_export(session, filters, user.id if user else None)
    enqueue_after_commit(session, state().redis, run_export, _shop().id, record.id,
                         queue="bulk", jid=job_id("members-export", _shop().id, record.id))
    session.commit()
    if forms.wants_json():
        return jsonify({"id": record.id, "status": record.status}), 202
    flash(t("The export is being prepared; it appears below when ready."), "success")
    return redirect(url_for(".exports"))


# --- import from another system (会员数据导入) ----------------------------------------------


@members_console.get("/members/import")
def member_import() -> ResponseReturnValue:
    from runtime.modules.members import import_runs

    runs = import_runs.recent_imports(db())
    if forms.wants_json():
        return jsonify({"items": [import_runs.import_json(r) for r in runs]})
    return _render("members/import.html", runs=runs)


@members_console.post("/members/import")
def member_import_run() -> ResponseReturnValue:
    """Accept an .xlsx of members and queue its import; the run's page shows its progress,
    every bad cell and the report."""
    from runtime.modules.members import import_runs, importing

    upload = request.files.get("file")
    user = current_user()
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed.single("/file", t("Choose an .xlsx file"), "required")
        run = import_runs.create_import(db(), state().settings.data_dir, upload.filename,
                                        upload.read(importing.MAX_FILE_BYTES + 1),
                                        requested_by=user.email if user else "")
        import_runs.queue_import(db(), run, state().redis)
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("；".join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(url_for(".member_import"))
    if forms.wants_json():
        return jsonify(import_runs.import_json(run)), 202
    return redirect(url_for(".member_import_view", import_id=run.id))


@members_console.get("/members/imports/<int:import_id>")
def member_import_view(import_id: int) -> ResponseReturnValue:
    """A run: its progress while it runs (the page refreshes itself), then the counts and
    every bad cell."""
    from runtime.modules.members import import_runs

    run = import_runs.get_import(db(), import_id)
    if forms.wants_json():
        return jsonify(import_runs.import_json(run))
    return _render("members/import_run.html", run=run)


@members_console.get("/members/imports/<int:import_id>/report.xlsx")
def member_import_report(import_id: int) -> ResponseReturnValue:
    from runtime.modules.members import import_runs

    run = import_runs.get_import(db(), import_id)
    path = import_runs.report_file(state().settings.data_dir, run)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True,
                     download_name=f"member-import-{run.id}-report.xlsx")


@members_console.get("/members/exports")
def exports() -> ResponseReturnValue:
    items = export.recent_exports(db())
    if forms.wants_json():
        return jsonify({"items": [{"id": e.id, "status": e.status, "rows": e.row_count,
                                   "error": e.error} for e in items]})
    return _render("members/exports.html", items=items)


@members_console.get("/members/exports/<int:export_id>")
def export_download(export_id: int) -> ResponseReturnValue:
    record = export.get_export(db(), export_id)
    if record.status != ExportStatus.DONE:
        abort(404)
    path = export.export_path(state().settings.data_dir, _shop().id, record)
    if not path.is_file():
        abort(404)
    audit_now(Action.EXPORT_DOWNLOADED, current_user(), target=record.file_name,
              detail={"kind": "members"})
    return send_file(path, as_attachment=True, download_name=f"{_shop().slug}-{record.file_name}",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- detail and adjustments -------------------------------------------------------------------


def _detail_context(member_id: int) -> dict[str, Any]:
    from runtime.modules.points.service import balance_of as points_of
    from runtime.modules.points.service import history as points_history
    from runtime.modules.wallet.service import balance_of as wallet_of
    from runtime.modules.wallet.service import history as wallet_history

    session = db()
    member = service.get_member(session, member_id)
    member_levels = {lv.id: lv for lv in levels.list_levels(session)}
    purchases = list(session.scalars(select(Purchase).where(Purchase.member_id == member.id)
                                     .order_by(Purchase.paid_at.desc()).limit(20)))
    growth = list(session.scalars(select(GrowthEntry).where(GrowthEntry.member_id == member.id)
                                  .order_by(GrowthEntry.id.desc()).limit(20)))
    changes = list(session.scalars(select(LevelChange).where(LevelChange.member_id == member.id)
                                   .order_by(LevelChange.id.desc()).limit(10)))
    member_tags = tags.tags_of(session, [member.id]).get(member.id, [])
    from runtime.modules.orders.service import OrderFilter, list_orders

    recent_orders = list_orders(session, OrderFilter(member_id=member.id), None, 10).orders
    return {
        "orders": recent_orders,
        "member": member, "level": member_levels.get(member.level_id),
        "levels_by_id": member_levels, "points": points_of(session, member.id),
        "wallet": wallet_of(session, member.id),
        "point_entries": points_history(session, member.id, limit=20),
        "wallet_entries": wallet_history(session, member.id, limit=20),
        "growth_entries": growth, "level_changes": changes, "purchases": purchases,
        "member_tags": member_tags,
        "manual_tags": [tg for tg in tags.list_tags(session)
                        if tg.kind == "manual" and tg not in member_tags],
        "audit": admin.audit_log(session, member.id, limit=20),
        "cards": cards.active_cards(session, member.id),
        "request_id": secrets.token_urlsafe(12),
        "can_finance": can("finance"),
        "has_orders_console": "orders_console.order_view" in _endpoints(),
    }


def _endpoints() -> set[str]:
    from flask import current_app

    return set(current_app.view_functions)


@members_console.get("/members/<int:member_id>")
def member_view(member_id: int) -> ResponseReturnValue:
    context = _detail_context(member_id)
    if forms.wants_json():
        m = context["member"]
        return jsonify({
            "id": m.id, "nickname": m.nickname, "phone": m.phone, "growth": m.growth,
            "level": level_dict(context["level"]) if context["level"] else None,
            "points": context["points"], "wallet": context["wallet"].as_dict(),
            "tags": [tg.name for tg in context["member_tags"]],
            "purchases": [{"order_id": p.order_id, "paid_fen": p.paid_fen,
                           "refunded_fen": p.refunded_fen, "paid_at": p.paid_at.isoformat()}
                          for p in context["purchases"]],
            "audit": [{"action": a.action, "reason": a.reason, "actor": a.actor_name,
                       "detail": a.detail, "at": a.created_at.isoformat()}
                      for a in context["audit"]]})
    return _render("members/detail.html", **context)


def _back(member_id: int) -> str:
    return url_for(".member_view", member_id=member_id)


@members_console.post("/members/<int:member_id>/points")
def adjust_points(member_id: int) -> ResponseReturnValue:
    data = forms.payload()

    def run() -> dict[str, Any]:
        result = points_admin.adjust_points(db(), member_id, delta=data.get("delta"),
                                            reason=data.get("reason"),
                                            request_id=data.get("request_id"), actor=_actor())
        return {"applied": result.applied, "points": result.balance_after}

    return _act(run, t("Points adjusted."), _back(member_id))


@members_console.post("/members/<int:member_id>/balance")
def adjust_balance(member_id: int) -> ResponseReturnValue:
    if not can("finance") and not can("members"):
        raise Forbidden()
    data = forms.payload()

    def run() -> dict[str, Any]:
        principal = data.get("principal_delta_fen")
        bonus = data.get("bonus_delta_fen")
        if "principal_delta_yuan" in data or "bonus_delta_yuan" in data:
            principal = yuan_field(data.get("principal_delta_yuan"), "/principal_delta_yuan",
                                   negative=True) or 0
            bonus = yuan_field(data.get("bonus_delta_yuan"), "/bonus_delta_yuan",
                               negative=True) or 0
        result = wallet_admin.adjust_balance(db(), member_id, principal_delta_fen=principal,
                                             bonus_delta_fen=bonus, reason=data.get("reason"),
                                             request_id=data.get("request_id"), actor=_actor())
        return {"applied": result.applied, "balance_fen": result.balance_after}

    return _act(run, t("Balance adjusted."), _back(member_id))


@members_console.post("/members/<int:member_id>/payout")
def payout(member_id: int) -> ResponseReturnValue:
    """Refund the unused principal to WeChat Pay (finance only); the bonus is forfeited."""
    if not can("finance"):
        raise Forbidden(t("Refunds of stored value need the finance area."))
    data = forms.payload()

    def run() -> dict[str, Any]:
        from runtime.modules.wallet.jobs import send_payouts_for_shop
        from runtime.modules.wallet.service import refund_unused_principal

        session = db()
        reason = admin.check_reason(data.get("reason"))
        request_id = data.get("request_id")
        if not isinstance(request_id, str) or not admin.REQUEST_ID.match(request_id):
            raise ValidationFailed.single("/request_id", t("the form's request id"))
        service.get_member(session, member_id)
        plan = refund_unused_principal(session, member_id, key=f"payout-{request_id}")
        admin.record(session, member_id, _actor(), "principal_refunded", reason,
                     {"principal_fen": sum(p.amount_fen for p in plan.payouts),
                      "forfeited_bonus_fen": plan.forfeited_bonus_fen,
                      "kept_principal_fen": plan.kept_principal_fen})
        enqueue_after_commit(session, state().redis, send_payouts_for_shop, _shop().id,
                             jid=job_id("wallet-payouts", _shop().id, plan.entry.id))
        return {"payouts": [{"amount_fen": p.amount_fen, "out_refund_no": p.out_refund_no}
                            for p in plan.payouts]}

    return _act(run, t("The unused principal is being refunded."), _back(member_id))


@members_console.post("/members/<int:member_id>/status")
def set_status(member_id: int) -> ResponseReturnValue:
    data = forms.payload()

    def run() -> None:
        reason = admin.check_reason(data.get("reason"))
        member = service.set_status(db(), member_id, forms.text(data, "status"))
        admin.record(db(), member_id, _actor(), f"member_{member.status}", reason, {})

    return _act(run, t("Member status changed."), _back(member_id))


@members_console.post("/members/<int:member_id>/tags")
def add_tag(member_id: int) -> ResponseReturnValue:
    data = forms.payload()

    def run() -> None:
        raw = str(data.get("tag_id", ""))
        if not raw.isdigit():
            raise ValidationFailed.single("/tag_id", t("choose a tag"), "required")
        service.get_member(db(), member_id)
        tags.tag_members(db(), int(raw), [member_id])

    return _act(run, t("Tag added."), _back(member_id))


@members_console.post("/members/<int:member_id>/tags/<int:tag_id>/remove")
def remove_tag(member_id: int, tag_id: int) -> ResponseReturnValue:
    return _act(partial(tags.untag_members, db(), tag_id, [member_id]), t("Tag removed."),
                _back(member_id))


# --- levels and cards --------------------------------------------------------------------------


def _level_values(data: dict[str, Any]) -> dict[str, Any]:
    """Form strings to the level service's types (JSON clients send them typed already)."""
    if forms.wants_json() and request.is_json:
        return data
    out: dict[str, Any] = {}
    for name in ("name", "description"):
        if name in data:
            out[name] = data[name]
    for name in ("rank", "growth_threshold", "discount_percent", "birthday_gift_points"):
        if data.get(name, "") != "":
            value = str(data[name]).strip()
            out[name] = int(value) if value.lstrip("-").isdigit() else value
    if data.get("points_multiplier", "") != "":
        out["points_multiplier"] = str(data["points_multiplier"]).strip()
    out["free_shipping"] = data.get("free_shipping") in ("on", "true", "1", True)
    return out


@members_console.route("/members/levels", methods=["GET", "POST"], endpoint="levels")
def levels_view() -> ResponseReturnValue:
    if request.method == "POST":
        values = _level_values(forms.payload())
        return _act(lambda: {"id": levels.create_level(db(), values).id}, t("Level added."),
                    url_for(".levels"))
    items = levels.list_levels(db())
    if forms.wants_json():
        return jsonify({"items": [level_dict(lv) for lv in items]})
    return _render("members/levels.html", items=items)



@members_console.post("/members/levels/<int:level_id>")
def level_update(level_id: int) -> ResponseReturnValue:
    values = _level_values(forms.payload())
    return _act(lambda: levels.update_level(db(), level_id, values) and None,
                t("Level saved."), url_for(".levels"))


@members_console.post("/members/levels/<int:level_id>/delete")
def level_delete(level_id: int) -> ResponseReturnValue:
    return _act(partial(levels.delete_level, db(), level_id), t("Level deleted."),
                url_for(".levels"))


def _plan_values(data: dict[str, Any]) -> dict[str, Any]:
    if request.is_json:
        return data
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = data["name"]
    for name in ("level_id", "days"):
        if data.get(name, "") != "":
            value = str(data[name]).strip()
            out[name] = int(value) if value.isdigit() else value
    if data.get("price_yuan", "") != "":
        out["price_fen"] = yuan_field(data["price_yuan"], "/price_yuan")
    if "is_active" in data or "name" in data:
        out["is_active"] = data.get("is_active") in ("on", "true", "1", True)
    return out


@members_console.route("/members/cards", methods=["GET", "POST"], endpoint="cards")
def cards_view() -> ResponseReturnValue:
    if request.method == "POST":
        values = _plan_values(forms.payload())
        return _act(lambda: {"id": cards.create_plan(db(), values).id},
                    t("Card plan added."), url_for(".cards"))
    items = cards.list_plans(db())
    if forms.wants_json():
        return jsonify({"items": [{"id": p.id, "name": p.name, "level_id": p.level_id,
                                   "price_fen": p.price_fen, "days": p.days,
                                   "is_active": p.is_active} for p in items]})
    return _render("members/cards.html", items=items, levels=levels.list_levels(db()))



@members_console.post("/members/cards/<int:plan_id>")
def card_update(plan_id: int) -> ResponseReturnValue:
    values = _plan_values(forms.payload())
    return _act(lambda: cards.update_plan(db(), plan_id, values) and None,
                t("Card plan saved."), url_for(".cards"))


# --- tags --------------------------------------------------------------------------------------


def _rule_from_form(data: dict[str, Any]) -> dict[str, Any] | None:
    kind = data.get("rule_type", "")
    if not kind:
        return None
    if request.is_json:
        return data.get("rule")

    def number(name: str) -> Any:
        value = str(data.get(name, "")).strip()
        return int(value) if value.isdigit() else (None if value == "" else value)

    if kind == "spent_at_least":
        return {"type": kind, "min_fen": yuan_field(data.get("min_yuan"), "/rule/min_fen") or 0,
                "days": number("days")}
    if kind == "bought_category":
        return {"type": kind, "category_id": number("category_id"), "days": number("days")}
    return {"type": kind, "count": number("count"), "days": number("days")}


@members_console.route("/members/tags", methods=["GET", "POST"], endpoint="tags")
def tags_view() -> ResponseReturnValue:
    if request.method == "POST":
        data = forms.payload()
        rule = data.get("rule") if request.is_json else _rule_from_form(data)
        return _act(lambda: {"id": tags.create_tag(db(), data.get("name"), rule).id},
                    t("Tag added."), url_for(".tags"))
    items = tags.list_tags(db())
    counts = tags.member_counts(db())
    if forms.wants_json():
        return jsonify({"items": [{"id": tg.id, "name": tg.name, "kind": tg.kind,
                                   "rule": tg.rule, "members": counts.get(tg.id, 0)}
                                  for tg in items]})
    return _render("members/tags.html", items=items, counts=counts)



@members_console.post("/members/tags/<int:tag_id>/delete")
def tag_delete(tag_id: int) -> ResponseReturnValue:
    return _act(partial(tags.delete_tag, db(), tag_id), t("Tag deleted."), url_for(".tags"))


@members_console.post("/members/tags/recompute")
def tags_recompute() -> ResponseReturnValue:
    return _act(lambda: {"result": {str(k): v for k, v in
                                    tags.recompute_segments(db())["tags"].items()}},
                t("Tags and lifecycle stages recomputed."), url_for(".tags"))


# --- module settings (members, points) -------------------------------------------------------


@members_console.route("/members/settings", methods=["GET", "POST"], endpoint="settings")
def settings_view() -> ResponseReturnValue:
    """Growth, login and lifecycle rules (members) and earning, deduction and expiry rules
    (points) — the modules' settings, validated by their schemas."""
    from builder.members import settings_form
    from runtime.modules import switches

    session = db()
    if request.method == "POST":
        data = forms.payload()

        def run() -> dict[str, Any]:
            out = {}
            for module_id in ("members", "points"):
                given = data.get(module_id) if request.is_json else None
                current = switches.settings_of(session, module_id)
                values = ({**current, **given} if isinstance(given, dict)
                          else settings_form.parse(module_id, {
                              k.removeprefix(f"{module_id}."): v for k, v in data.items()
                              if k.startswith(f"{module_id}.")}, current))
                out[module_id] = switches.update_settings(session, module_id, values)
            return {"settings": out}

        return _act(run, t("Settings saved."), url_for(".settings"))
    values = {m: switches.settings_of(session, m) for m in ("members", "points")}
    if forms.wants_json():
        return jsonify({"settings": values})
    return _render("members/settings.html", sections=[
        ("members", t("Members and growth"), settings_form.fields("members", values["members"])),
        ("points", t("Points"), settings_form.fields("points", values["points"]))])
