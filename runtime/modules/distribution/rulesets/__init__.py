"""Opt-in rule sets of the distribution module: 推三返一 and 链动2+1 behind the shop owner's
legal acknowledgement (:mod:`.notice`), and partner dividends (合伙人分红, :mod:`.dividends`).
Every per-order reward still goes through ``CommissionService.record``."""
