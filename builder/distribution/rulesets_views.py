"""Console screens of the opt-in rule sets and partner dividends (marketing area, only while
distribution is on): the legal notice with each rule set's acceptance and switch (only the
shop owner accepts; switching on before that answers 409 problem+json), and dividend tiers,
partners and runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from builder import forms
from builder.auth import current_membership, current_user, shop_blueprint
from builder.distribution.rulesets_i18n import gettext as t
from builder.distribution.views import _int_field, _local, _names, yuan
from runtime.accounts.models import Role
from runtime.audit.web import request_origin
from runtime.errors import MallkitError
from runtime.modules import switches
from runtime.modules.distribution.rulesets import dividends, notice
from runtime.modules.distribution.rulesets.models import (
    DividendPayout,
    DividendRun,
    DividendTier,
    Partner,
)
from runtime.modules.distribution.rulesets.settings import ruleset_settings
from runtime.modules.distribution.settings import MODULE_ID
from runtime.tenancy import db

rulesets_console = shop_blueprint("distribution_rulesets_console", __name__, area="marketing",
                                  module=MODULE_ID, template_folder="templates")


@rulesets_console.before_request
def _module_on() -> None:
    if not switches.is_enabled(db(), MODULE_ID):
        abort(404)


def _is_owner() -> bool:
    member = current_membership()
    return member is not None and member.role == Role.OWNER


def _page(render: Callable[[], str], action: Callable[[], Any], success: str, back: str
          ) -> ResponseReturnValue:
    """Run ``action`` and commit; a refusal is problem+json for JSON clients, else the page
    again with the reason, under the refusal's status (409, 403, 422 ...)."""
    try:
        action()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("；".join(dict.fromkeys(forms.field_errors(error).values())) or str(error),
              "error")
        return render(), error.status
    if forms.wants_json():
        return jsonify({"ok": True})
    flash(success, "success")
    return redirect(back)


# --- rule sets and the notice -------------------------------------------------------------------


def _render_rulesets() -> str:
    states = notice.states(db())
    return render_template("distribution/rulesets.html", t=t, local=_local, states=states,
                           text=notice.TEXT, version=notice.VERSION, is_owner=_is_owner(),
                           active="rulesets")


@rulesets_console.get("/distribution/rulesets")
def rulesets_page() -> ResponseReturnValue:
    if forms.wants_json():
        return jsonify({"version": notice.VERSION, "text": notice.TEXT,
                        "rules": {rule: {**state, "accepted_at": state["accepted_at"].isoformat()
                                         if state["accepted_at"] else None}
                                  for rule, state in notice.states(db()).items()}})
    return _render_rulesets()


@rulesets_console.post("/distribution/rulesets/<rule>/acknowledge")
def acknowledge(rule: str) -> ResponseReturnValue:
    """The owner accepts the notice's version (the one shown)."""
    data = forms.payload()
    return _page(_render_rulesets, lambda: notice.acknowledge(
        db(), rule, data.get("version"), request_origin(current_user()),
        is_owner=_is_owner()), t("Notice accepted; the rule set can be switched on now."),
        url_for(".rulesets_page"))


@rulesets_console.post("/distribution/rulesets/<rule>/switch")
def switch(rule: str) -> ResponseReturnValue:
    data = forms.payload()
    on = data.get("on") in (True, "1", "true", "on")
    return _page(_render_rulesets, lambda: notice.switch(
        db(), rule, on, request_origin(current_user())),
        t("Rule set switched on.") if on else t("Rule set switched off."),
        url_for(".rulesets_page"))


# --- partner dividends --------------------------------------------------------------------------


def _render_dividends() -> str:
    session = db()
    tiers = list(session.scalars(select(DividendTier).order_by(DividendTier.share_rate.desc())))
    partners = list(session.scalars(select(Partner).order_by(Partner.id)))
    runs = list(session.scalars(select(DividendRun).order_by(DividendRun.period.desc())
                                .limit(12)))
    raw = request.args.get("run", "")
    shown = next((r for r in runs if str(r.id) == raw), runs[0] if runs else None)
    payouts = list(session.scalars(select(DividendPayout).where(
        DividendPayout.run_id == shown.id).order_by(DividendPayout.amount_fen.desc()))) \
        if shown else []
    return render_template(
        "distribution/dividends.html", t=t, yuan=yuan, local=_local, tiers=tiers,
        tier_names={tier.id: tier.name for tier in tiers}, partners=partners, runs=runs,
        shown=shown, payouts=payouts, settings=ruleset_settings(session),
        last_period=dividends.last_period(session),
        names=_names({p.member_id for p in partners} | {p.member_id for p in payouts}),
        active="dividends")


@rulesets_console.get("/distribution/dividends")
def dividends_page() -> ResponseReturnValue:
    if forms.wants_json():
        session = db()
        return jsonify({
            "tiers": [{"id": x.id, "name": x.name, "share_rate": str(x.share_rate),
                       "qualification": x.qualification, "threshold": x.threshold,
                       "scope": x.scope, "split": x.split}
                      for x in session.scalars(select(DividendTier))],
            "partners": [{"member_id": p.member_id, "tier_id": p.tier_id}
                         for p in session.scalars(select(Partner))],
            "runs": [{"id": r.id, "period": r.period, "sales_fen": r.sales_fen,
                      "pool_fen": r.pool_fen, "paid_fen": r.paid_fen,
                      "remainder_fen": r.remainder_fen}
                     for r in session.scalars(select(DividendRun))]})
    return _render_dividends()


@rulesets_console.post("/distribution/dividends/tiers")
def save_tier() -> ResponseReturnValue:
    data = forms.payload()
    return _page(_render_dividends, lambda: dividends.save_tier(db(), data),
                 t("Tier saved."), url_for(".dividends_page"))


@rulesets_console.post("/distribution/dividends/partners")
def save_partner() -> ResponseReturnValue:
    data = forms.payload()
    return _page(_render_dividends, lambda: dividends.set_partner(
        db(), _int_field(data, "member_id"), _int_field(data, "tier_id")), t("Partner saved."),
        url_for(".dividends_page"))


@rulesets_console.post("/distribution/dividends/partners/<int:member_id>/delete")
def remove_partner(member_id: int) -> ResponseReturnValue:
    return _page(_render_dividends, lambda: dividends.remove_partner(db(), member_id),
                 t("Partner removed."), url_for(".dividends_page"))


@rulesets_console.post("/distribution/dividends/runs")
def run_period() -> ResponseReturnValue:
    """Pay a period now (the monthly job does it for last month; a period runs once)."""
    data = forms.payload()
    return _page(_render_dividends, lambda: dividends.run(db(), forms.text(data, "period")),
                 t("Dividend run for the period."), url_for(".dividends_page"))
