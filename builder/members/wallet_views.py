"""Console screen of stored value (finance area): balances in total, recent top-ups and
payouts, the reconciliation runs and a button to run one now."""

from __future__ import annotations

from flask import jsonify, url_for
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
