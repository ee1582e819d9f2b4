/**
 * 邀请有礼 share codes. A launch or page opened with `invite=<invite code>` remembers the code
 * and, once the shopper is logged in, accepts the invite (POST /invite/bind) once; the code is
 * forgotten after any answer but a network failure. The invite block shares the page with
 * the member's own `share_path` (from GET /invite/me).
 */
const config = require('../config')
const {pendingBinder} = require('./referral')

const PENDING_KEY = `mallkit:${config.shop}:invite`
const CODE = /^[A-Za-z0-9]{1,16}$/

/** Accept the remembered invite, if any. */
const bind = pendingBinder(PENDING_KEY, '/invite/bind')

/** A launch's or page's query: remember its `invite` and accept it. */
function capture(query) {
  const code = query && query.invite
  if (code && CODE.test(code)) wx.setStorageSync(PENDING_KEY, code)
  return bind()
}

module.exports = {bind, capture}
