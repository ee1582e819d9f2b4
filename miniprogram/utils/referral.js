/**
 * 分销 share codes. A launch or page opened with `from=<distributor code>` (a shared page's
 * path) remembers the code and binds the shopper to that distributor (POST
 * /distribution/bind) once; the code is forgotten after any answer but a network failure.
 * Once the shopper is a distributor (the distributor-centre block remembers their code), the
 * pages' share paths carry `from=<their code>`.
 */
const api = require('./api')
const config = require('../config')

const PENDING_KEY = `mallkit:${config.shop}:from`
const CODE_KEY = `mallkit:${config.shop}:distributor-code`
const CODE = /^[A-Za-z0-9]{1,16}$/

/**
 * A function sending the code remembered under `key` to `path` once (POST {code}): it
 * forgets the code after any answer but a network failure; calls while one is on the way
 * share it. Used for `from=` here and `invite=` (utils/invite.js).
 */
function pendingBinder(key, path) {
  let sending = null
  return function bindPending() {
    const code = wx.getStorageSync(key)
    if (!code) return Promise.resolve(null)
    if (sending) return sending
    sending = api.post(path, {code}).then(result => {
      wx.removeStorageSync(key)
      return result
    }, err => {
      if (err && err.status !== 0) wx.removeStorageSync(key)
      return null
    }).then(result => {
      sending = null
      return result
    })
    return sending
  }
}

/** Remember the shopper's own distributor code (null: not a distributor). */
function remember(code) {
  if (code && CODE.test(code)) wx.setStorageSync(CODE_KEY, code)
  else wx.removeStorageSync(CODE_KEY)
}

/** `path` with `from=<my code>` when the shopper is a distributor. */
function withFrom(path) {
  const code = wx.getStorageSync(CODE_KEY)
  if (!code || !CODE.test(code)) return path
  return `${path}${path.indexOf('?') >= 0 ? '&' : '?'}from=${code}`
}

/** Bind the remembered code, if any (logging in first when needed). */
const bind = pendingBinder(PENDING_KEY, '/distribution/bind')

/** A launch's or page's query: remember its `from` (not the shopper's own) and bind it. */
function capture(query) {
  const code = query && query.from
  if (code && CODE.test(code) && code !== wx.getStorageSync(CODE_KEY)) wx.setStorageSync(PENDING_KEY, code)
  return bind()
}

module.exports = {remember, withFrom, bind, capture, pendingBinder}
