"""Console screen of the birthday module: the rule (which coupons, on the day or in the
month), how many members have their birthday this month, and this year's gifts. 404 while
the module is off."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue

from builder.auth import shop_blueprint
from builder.members.i18n import lazy_gettext as _l
from builder.members.views import _render
from runtime.modules import switches
from runtime.modules.birthday import service
from runtime.modules.birthday.settings import MODULE_ID
from runtime.shoptime import local_today, shop_zone
from runtime.tenancy import db

birthday_console = shop_blueprint("birthday_console", __name__, area="marketing",
                                  template_folder="templates")
TIMING_LABELS = {"day": _l("On the birthday"),
                 "month": _l("In the birthday month (from its first day)")}


@birthday_console.before_request
def _module_on() -> None:
    if not switches.is_enabled(db(), MODULE_ID):
        abort(404)


@birthday_console.get("/birthday", endpoint="overview")
def overview() -> ResponseReturnValue:
    session = db()
    today = local_today(shop_zone(session))
    return _render("birthday/overview.html", rules=service.settings(session), today=today,
                   timing=TIMING_LABELS[service.settings(session).timing],
                   this_month=service.birthdays_this_month(session, today),
                   gifts=service.gifts_of_year(session, today.year))
