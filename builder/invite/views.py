"""Console screen of the invite module: the rules, totals and the newest invitations (inviter,
invitee, status, both sides' points and coupons, why the inviter got nothing). 404 while the
module is off."""

from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue

from builder.auth import shop_blueprint
from builder.members.i18n import lazy_gettext as _l
from builder.members.views import _render
from runtime.modules import switches
from runtime.modules.invite import service
from runtime.modules.invite.settings import MODULE_ID
from runtime.tenancy import db

invite_console = shop_blueprint("invite_console", __name__, area="marketing",
                                template_folder="templates")
PAGE_SIZE = 50
STATUS_LABELS = {"pending": _l("Waiting for the first payment"), "rewarded": _l("Rewarded"),
                 "revoked": _l("Taken back (refunded)")}
SKIP_LABELS = {"daily_limit": _l("Over the daily limit"),
               "total_cap": _l("Over the total cap"), "": ""}
TRIGGER_LABELS = {"register": _l("When the invitee registers"),
                  "first_paid_order": _l("When the invitee first pays")}


@invite_console.before_request
def _module_on() -> None:
    if not switches.is_enabled(db(), MODULE_ID):
        abort(404)


@invite_console.get("/invite", endpoint="overview")
def overview() -> ResponseReturnValue:
    session = db()
    status = request.args.get("status") or None
    if status not in (None, *STATUS_LABELS):
        status = None
    return _render("invite/overview.html", rules=service.settings(session),
                   totals=service.totals(session),
                   rows=service.invitations(session, status=status, limit=PAGE_SIZE),
                   status=status, status_labels=STATUS_LABELS, skip_labels=SKIP_LABELS,
                   trigger_labels=TRIGGER_LABELS)
