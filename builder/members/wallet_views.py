"""Console screen of stored value (finance area): balances in total, recent top-ups and
payouts, the reconciliation runs and a button to run one now."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from builder import forms
from builder.auth import shop_blueprint
from builder.members.views import _act, _render
from runtime.modules.wallet import service
from runtime.modules.wallet.models import Payout, Reconciliation, TopUp, WalletAccount
from runtime.tenancy import db

wallet_console = shop_blueprint("wallet_console", __name__, area="finance",
                                template_folder="templates")


@wallet_console.get("/wallet")
def overview() -> ResponseReturnValue:
    session = db()
    principal, bonus, accounts = session.execute(
        select(func.coalesce(func.sum(WalletAccount.principal_fen), 0),
               func.coalesce(func.sum(WalletAccount.bonus_fen), 0),
               func.count(WalletAccount.id))).one()
    runs = list(session.scalars(select(Reconciliation).order_by(Reconciliation.id.desc())
                                .limit(10)))
    topups = list(session.scalars(select(TopUp).order_by(TopUp.id.desc()).limit(20)))
    payouts = list(session.scalars(select(Payout).order_by(Payout.id.desc()).limit(20)))
    totals = {"principal_fen": int(principal), "bonus_fen": int(bonus),
              "accounts": int(accounts)}
    if forms.wants_json():
        return jsonify({"totals": totals,
                        "reconciliations": [{"id": r.id, "ok": r.ok,
                                             "accounts_checked": r.accounts_checked,
                                             "differences": r.differences,
                                             "at": r.created_at.isoformat()} for r in runs]})
    return _render("members/wallet.html", totals=totals, runs=runs, topups=topups,
                   payouts=payouts)


@wallet_console.post("/wallet/reconcile")
def reconcile() -> ResponseReturnValue:
    from builder.members.i18n import gettext as t

    def run() -> dict[str, object]:
        result = service.reconcile(db())
        return {"reconciliation": {"ok": result.ok, "differences": result.differences}}

    return _act(run, t("Reconciliation finished."), url_for(".overview"))


@wallet_console.route("/wallet/settings", methods=["GET", "POST"], endpoint="settings")
def settings_view() -> ResponseReturnValue:
    """Top-up tiers (充 X 送 Y, in yuan here) and limits."""
    from builder.members import settings_form
    from builder.members.i18n import gettext as t
    from runtime.errors import FieldError, ValidationFailed
    from runtime.modules import switches
    from runtime.money import yuan_field

    session = db()
    current = switches.settings_of(session, "wallet")
    if request.method == "POST":
        data = forms.payload()

        def run() -> dict[str, object]:
            if request.is_json:
                values = {**current, **(data.get("settings") or {})}
            else:
                values = settings_form.parse("wallet", data, current)
                pays = data.get("tier_pay_yuan") or []
                bonuses = data.get("tier_bonus_yuan") or []
                pays = pays if isinstance(pays, list) else [pays]
                bonuses = bonuses if isinstance(bonuses, list) else [bonuses]
                tiers = []
                for pay, bonus in zip(pays, bonuses, strict=False):
                    if not str(pay).strip() and not str(bonus).strip():
                        continue
                    n = len(tiers)
                    pointer = f"/settings/topup_tiers/{n}"
                    tiers.append({"pay_fen": yuan_field(pay, f"{pointer}/pay_fen") or 0,
                                  "bonus_fen": yuan_field(bonus, f"{pointer}/bonus_fen") or 0})
                values["topup_tiers"] = tiers
            paid = [tier.get("pay_fen") for tier in values.get("topup_tiers", [])]
            if len(paid) != len(set(paid)):
                raise ValidationFailed.single("/settings/topup_tiers",
                                              t("each tier needs its own amount"), "unique")
            if values.get("min_topup_fen", 0) > values.get("max_topup_fen", 0):
                raise ValidationFailed([FieldError("/settings/min_topup_fen",
                                                   t("the minimum is above the maximum"),
                                                   "range")])
            return {"settings": switches.update_settings(session, "wallet", values)}

        return _act(run, t("Settings saved."), url_for(".settings"))
    if forms.wants_json():
        return jsonify({"settings": current})
    return _render("members/wallet_settings.html",
                   fields=[f for f in settings_form.fields("wallet", current)
                           if f.name not in ("min_topup_fen", "max_topup_fen")],
                   values=current)
