"""Redis keys of the WeChat clients and simulators, in one place.

Simulator state lives under ``mallkit:wxsim:*`` and expires after ``SIM_STATE_TTL``.
"""

from __future__ import annotations

SIM = "mallkit:wxsim"
SIM_STATE_TTL = 30 * 24 * 3600


def sim_transaction(mchid: str, out_trade_no: str) -> str:
    """JSON of a simulated transaction (WeChat's query answer plus ``_``-prefixed sim fields)."""
    return f"{SIM}:pay:{mchid}:txn:{out_trade_no}"


def sim_transaction_lock(mchid: str, out_trade_no: str) -> str:
    return f"{SIM}:pay:{mchid}:txn:{out_trade_no}:lock"


def sim_out_trade_no_index(out_trade_no: str) -> str:
    """Set of sim mchids holding an ``out_trade_no`` (lets a caller omit the mchid)."""
    return f"{SIM}:pay:out-trade-no:{out_trade_no}"


def sim_prepay(prepay_id: str) -> str:
    """``mchid out_trade_no`` of a prepay id."""
    return f"{SIM}:pay:prepay:{prepay_id}"


def sim_transaction_id(transaction_id: str) -> str:
    """``mchid out_trade_no`` of a WeChat transaction id."""
    return f"{SIM}:pay:transaction-id:{transaction_id}"


def sim_refund(mchid: str, out_refund_no: str) -> str:
    return f"{SIM}:pay:{mchid}:refund:{out_refund_no}"


def sim_refunds_of(mchid: str, out_trade_no: str) -> str:
    """Set of ``out_refund_no`` of a transaction."""
    return f"{SIM}:pay:{mchid}:txn:{out_trade_no}:refunds"


def sim_out_refund_no_index(out_refund_no: str) -> str:
    return f"{SIM}:pay:out-refund-no:{out_refund_no}"


def sim_transfer(mchid: str, out_bill_no: str) -> str:
    """JSON of a simulated merchant transfer bill (商家转账), keyed by the merchant's number."""
    return f"{SIM}:pay:{mchid}:transfer:{out_bill_no}"


def sim_shipping(mchid: str, out_trade_no: str) -> str:
    """List of shipping-info uploads (JSON) for a transaction, oldest first."""
    return f"{SIM}:pay:{mchid}:txn:{out_trade_no}:shipping"


def sim_deliveries() -> str:
    """Recent notification deliveries (JSON), newest first, capped."""
    return f"{SIM}:pay:deliveries"


def sim_platform_certificates() -> str:
    """JSON list of [certificate PEM, private key PEM] the simulated WeChat Pay has issued
    beyond its key material's own, newest first (see ``issue_platform_certificate``)."""
    return f"{SIM}:pay:platform-certificates"


def sim_access_token(token: str) -> str:
    return f"{SIM}:mini:token:{token}"


def sim_current_access_token(appid: str) -> str:
    return f"{SIM}:mini:{appid}:current-token"


def certificate_refresh_gate(shop_id: int) -> str:
    """Set while a shop's platform certificates were just downloaded after an unknown serial."""
    return f"mallkit:wechatpay:{shop_id}:certificate-refresh"


def access_token_cache(appid: str) -> str:
    """The mini-program client's cached ``access_token`` for ``appid`` (JSON with expiry)."""
    return f"mallkit:wechat:{appid}:access-token"


def sim_live_rooms(appid: str) -> str:
    """JSON list of the simulated mini-program's live rooms (``getliveinfo``'s room_info)."""
    return f"{SIM}:mini:{appid}:live-rooms"
