"""The WeChat Pay screen (``/console/shops/<shop>/orders/wechatpay``, owners and admins):
the shop's merchant credentials in public-key or platform-certificate mode, the platform
certificates with their expiry warning and a download (rotation) button, and "test these
credentials". Secrets are stored encrypted and never shown again."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import current_user, require_shop_manager
from builder.orders.i18n import gettext as t
from builder.orders.i18n import lazy_gettext as _l
from builder.orders.views import _act, _render, _shop, orders_console
from runtime.audit.service import Action
from runtime.audit.web import audit
from runtime.errors import ValidationFailed
from runtime.modules.payments import accounts
from runtime.tenancy import db
from runtime.wechat.pay.probe import Outcome, ProbeResult

ACCOUNT_FIELDS = ("key_mode", "mchid", "merchant_serial_no", "merchant_private_key_pem",
                  "apiv3_key", "public_key_id", "public_key_pem", "notify_base_url")

OUTCOME_WORDS = {
    Outcome.OK: _l("WeChat Pay accepted these credentials: the merchant number, API "
                   "certificate and private key are right, and its answer verified with your "
                   "WeChat Pay key."),
    Outcome.OK_UNSIGNED: _l("WeChat Pay accepted the merchant number, API certificate and "
                            "private key. Its answer carried no signature, so your WeChat Pay "
                            "key is checked with the first payment."),
    Outcome.SIGNATURE_REJECTED: _l("WeChat Pay refused the request's signature: check that "
                                   "the merchant number, the API certificate serial number "
                                   "and the private key (apiclient_key.pem) belong together."),
    Outcome.UNKNOWN_MERCHANT: _l("WeChat Pay does not know this merchant number."),
    Outcome.NO_PERMISSION: _l("This merchant number may not use the WeChat Pay API yet: "
                              "activate JSAPI payments in the WeChat Pay merchant platform."),
    Outcome.UNKNOWN_WECHAT_KEY: _l("WeChat Pay signed its answer with a key this shop does "
                                   "not have: check the public key ID, or download the "
                                   "platform certificates again."),
    Outcome.WRONG_WECHAT_KEY: _l("WeChat Pay's answer does not verify with the key entered "
                                 "here: paste the WeChat Pay public key (pub_key.pem) again."),
    Outcome.WRONG_APIV3_KEY: _l("The APIv3 key is wrong: WeChat Pay's certificates cannot be "
                                "decrypted with it."),
    Outcome.CLOCK_SKEW: _l("This server's clock is more than 5 minutes off; WeChat Pay "
                           "refuses such requests. Correct the clock (NTP)."),
    Outcome.UNREACHABLE: _l("WeChat Pay could not be reached from this server: check its "
                            "network connection."),
    Outcome.WECHAT_ERROR: _l("WeChat Pay answered with an error."),
    Outcome.NOT_CONFIGURED: _l("WeChat Pay is not set up for this shop yet: fill in the "
                               "merchant credentials below."),
}


def _words(result: ProbeResult) -> dict[str, Any]:
    return {**result.as_dict(), "message": str(OUTCOME_WORDS[result.outcome])}


def _status() -> dict[str, Any]:
    shop = _shop()
    return accounts.account_status(db(), shop.id, shop.slug)


def _form_errors(error: ValidationFailed) -> dict[str, str]:
    """Field messages; a refused certificate download is worded for the merchant."""
    errors = forms.field_errors(error)
    for item in error.errors:
        if item.pointer == "/platform_certificates" and item.code in set(Outcome):
            errors["platform_certificates"] = str(OUTCOME_WORDS[Outcome(item.code)])
    return errors


@orders_console.route("/orders/wechatpay", methods=["GET", "POST"])
@require_shop_manager
def wechatpay_account() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    form: dict[str, str] = {}
    if request.method == "POST":
        data = forms.payload()
        form = {k: forms.text(data, k).strip() for k in ACCOUNT_FIELDS}
        saved = forms.save(
            lambda: (accounts.save_account(db(), form, _shop().slug),
                     audit(Action.WECHATPAY_CREDENTIALS_CHANGED, current_user(),
                           detail={"change": "saved", "mchid": form.get("mchid", "")})),
            _status,
            t("WeChat Pay credentials saved; payments now go to your merchant account."),
            url_for(".wechatpay_account"), errors_of=_form_errors)
        if not isinstance(saved, dict):
            return saved
        errors = saved
    status = _status()
    if forms.wants_json():
        return jsonify(status)
    mode = form.get("key_mode") or status["key_mode"] or "public_key"
    return _render("orders/wechatpay.html", status=status, errors=errors, mode=mode,
                   form={k: form.get(k, "") for k in ("mchid", "merchant_serial_no",
                                                      "public_key_id")})


@orders_console.post("/orders/wechatpay/disable")
@require_shop_manager
def wechatpay_disable() -> ResponseReturnValue:
    def disable() -> None:
        account = accounts.get_account(db())
        if account is not None:
            account.enabled = False
            audit(Action.WECHATPAY_CREDENTIALS_CHANGED, current_user(),
                  detail={"change": "disabled", "mchid": account.mchid})

    return _act(disable, t("WeChat Pay credentials switched off."),
                url_for(".wechatpay_account"))


@orders_console.post("/orders/wechatpay/certificates")
@require_shop_manager
def wechatpay_certificates() -> ResponseReturnValue:
    """Download the platform certificates now (new ones are kept beside the old)."""
    shop = _shop()
    return _act(lambda: {"certificates": [c.serial_no for c in accounts.refresh_certificates(
        db(), shop.id, shop.slug)]}, t("Platform certificates downloaded."),
        url_for(".wechatpay_account"))


@orders_console.post("/orders/wechatpay/check")
@require_shop_manager
def wechatpay_check() -> ResponseReturnValue:
    """Test these credentials with a harmless query; the answer in a merchant's words."""
    shop = _shop()
    result = _words(accounts.check_credentials(db(), shop.id, shop.slug))
    db().rollback()
    if forms.wants_json():
        return jsonify(result)
    detail = f" ({result['wechat_code'] or result['detail']})" if not result["ok"] else ""
    flash(result["message"] + detail, "success" if result["ok"] else "error")
    return redirect(url_for(".wechatpay_account"))
