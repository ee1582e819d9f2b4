/**
 * The mallkit API client: wx.request with the shop's base path, `X-Client-Version`, the
 * member's Bearer token (wx.login -> POST /auth/wechat, kept in wx storage, renewed once on a
 * 401), problem+json errors as ApiError, and layouts cached in wx storage by ETag
 * (If-None-Match; a 304 uses the stored body).
 */
const config = require('../config')

const PREFIX = `mallkit:${config.shop}:`
const TOKEN_KEY = `${PREFIX}token`
const LAYOUT_PREFIX = `${PREFIX}layout:${config.clientVersion}:`
const AUTH_CODES = ['login_required', 'invalid_token']

// What the shopper reads for well-known problem codes; others show the server's messages.
const MESSAGES = {
  network: '网络连接失败，请稍后重试',
  login_failed: '微信登录失败，请重试',
  login_required: '请先登录',
  invalid_token: '登录已过期，请重试',
  page_not_found: '页面不存在或未发布',
  insufficient_stock: '库存不足，请调整数量',
  insufficient_points: '积分不足',
  insufficient_balance: '余额不足',
  quote_changed: '价格有变化，请确认后重新提交',
  quote_expired: '订单信息已过期，请重新确认',
  cart_empty: '购物车里没有可购买的商品',
  unsupported_media: '只能上传图片（JPEG、PNG、WebP、GIF）',
  already_reviewed: '这件商品已经评价过了',
  order_not_completed: '订单完成后才能评价',
  followup_exists: '已经追评过了',
}

/** A failed request: problem+json fields (status, code, title, detail, errors[]). */
class ApiError extends Error {
  constructor(problem) {
    const p = problem || {}
    super(describe(p))
    this.name = 'ApiError'
    this.status = p.status || 0
    this.code = p.code || ''
    this.title = p.title || ''
    this.detail = p.detail || ''
    this.errors = Array.isArray(p.errors) ? p.errors : []
  }

  /** {field: message} from the JSON pointers ("/address/phone" -> "address.phone"). */
  fieldErrors() {
    const out = {}
    this.errors.forEach(e => {
      const key = String(e.pointer || '').replace(/^\//, '').split('/').join('.')
      if (!(key in out)) out[key] = e.message || ''
    })
    return out
  }
}

function describe(problem) {
  const errors = Array.isArray(problem.errors) ? problem.errors : []
  const byCode = MESSAGES[problem.code] || (errors.length && MESSAGES[errors[0].code])
  if (byCode) return byCode
  if (errors.length) return errors.map(e => e.message).filter(Boolean).join('；')
  return problem.title || `请求失败（${problem.status || '?'}）`
}

/** A header of a wx.request answer, whatever case the server or WeChat gave its name. */
function headerOf(headers, name) {
  if (!headers) return ''
  const wanted = name.toLowerCase()
  const key = Object.keys(headers).find(k => k.toLowerCase() === wanted)
  return key ? headers[key] : ''
}

function apiUrl(path) {
  return `${config.baseUrl.replace(/\/+$/, '')}/api/v1/shops/${encodeURIComponent(config.shop)}${path}`
}

function query(params) {
  const parts = Object.keys(params || {})
    .filter(k => params[k] !== undefined && params[k] !== null && params[k] !== '')
    .sort()
    .map(k => `${encodeURIComponent(k)}=${encodeURIComponent(params[k])}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

function storedToken() {
  const saved = wx.getStorageSync(TOKEN_KEY)
  if (!saved || typeof saved !== 'object' || !saved.token) return ''
  const expires = Date.parse(saved.expires_at || '')
  if (!isNaN(expires) && expires <= Date.now()) return ''
  return saved.token
}

function clearToken() {
  wx.removeStorageSync(TOKEN_KEY)
}

/** One wx.request as a promise of {statusCode, data, header}; rejects only on network failure. */
function send(method, path, options) {
  const opts = options || {}
  const header = Object.assign({'X-Client-Version': config.clientVersion}, opts.header || {})
  if (opts.token) header.Authorization = `Bearer ${opts.token}`
  if (method !== 'GET') header['Content-Type'] = 'application/json'
  return new Promise((resolve, reject) => {
    wx.request({
      url: apiUrl(path),
      method,
      data: opts.data,
      header,
      dataType: 'json',
      success: resolve,
      fail: err => reject(new ApiError({status: 0, code: 'network', detail: (err && err.errMsg) || ''})),
    })
  })
}

function failure(res) {
  const body = res.data && typeof res.data === 'object' ? res.data : {}
  return new ApiError(Object.assign({status: res.statusCode}, body, {status: res.statusCode}))
}

let pendingLogin = null

/**
 * wx.login -> POST /auth/wechat (or the simulator's "dev-<openid>" code, see config.js);
 * stores and returns the login ({token, expires_at, member}).
 */
function login() {
  if (pendingLogin) return pendingLogin
  pendingLogin = new Promise((resolve, reject) => {
    if (config.simulatorOpenid) {
      resolve(`dev-${config.simulatorOpenid}`)
      return
    }
    wx.login({
      success: res => (res && res.code ? resolve(res.code)
        : reject(new ApiError({code: 'login_failed', detail: 'wx.login gave no code'}))),
      fail: err => reject(new ApiError({code: 'login_failed', detail: (err && err.errMsg) || ''})),
    })
  })
    .then(code => send('POST', '/auth/wechat', {data: {code}}))
    .then(res => {
      if (res.statusCode !== 200 && res.statusCode !== 201) throw failure(res)
      wx.setStorageSync(TOKEN_KEY, {token: res.data.token, expires_at: res.data.expires_at})
      return res.data
    })
  const done = () => { pendingLogin = null }
  pendingLogin.then(done, done)
  return pendingLogin
}

/** The stored token, logging in first when there is none. */
function ensureToken() {
  const token = storedToken()
  return token ? Promise.resolve(token) : login().then(data => data.token)
}

/**
 * Call the shop API. `auth` (default true): send the member's token (logging in when needed)
 * and, on a 401 for a missing/expired token, log in again and retry once. Resolves with the
 * JSON body; rejects with ApiError.
 */
function request(method, path, options) {
  const opts = Object.assign({auth: true}, options || {})
  const attempt = retried => (opts.auth ? ensureToken() : Promise.resolve(''))
    .then(token => send(method, path, Object.assign({}, opts, {token})))
    .then(res => {
      if (res.statusCode === 401 && opts.auth && !retried &&
          AUTH_CODES.indexOf(res.data && res.data.code) >= 0) {
        clearToken()
        return attempt(true)
      }
      if (res.statusCode >= 400) throw failure(res)
      return res.data
    })
  return attempt(false)
}

/**
 * Upload one file (multipart field `name`) with wx.uploadFile and the member's token. WeChat
 * hands the answer over as text: resolves with the parsed JSON, rejects with ApiError.
 */
function upload(path, filePath, name) {
  return ensureToken().then(token => new Promise((resolve, reject) => {
    wx.uploadFile({
      url: apiUrl(path),
      filePath,
      name: name || 'file',
      header: {'X-Client-Version': config.clientVersion, Authorization: `Bearer ${token}`},
      success: res => {
        let body = {}
        try {
          body = typeof res.data === 'string' ? JSON.parse(res.data || '{}') : (res.data || {})
        } catch (err) {
          body = {}
        }
        if (res.statusCode >= 400) reject(new ApiError(Object.assign({status: res.statusCode}, body)))
        else resolve(body)
      },
      fail: err => reject(new ApiError({status: 0, code: 'network', detail: (err && err.errMsg) || ''})),
    })
  }))
}

function layoutKey(slug, params) {
  return `${LAYOUT_PREFIX}${slug}${query(params)}`
}

/** The stored copy of a layout ({etag, body}) or null: show it at once, then revalidate. */
function cachedLayout(slug, params) {
  const saved = wx.getStorageSync(layoutKey(slug, params))
  return saved && typeof saved === 'object' && saved.body ? saved : null
}

/**
 * GET layouts/<slug> with If-None-Match from the stored copy. Resolves with
 * {layout, fromCache, etag}: on 304 the stored body, on 200 the new one (stored with its ETag).
 */
function layout(slug, params) {
  const key = layoutKey(slug, params)
  const cached = cachedLayout(slug, params)
  const header = cached && cached.etag ? {'If-None-Match': cached.etag} : {}
  const path = `/layouts/${encodeURIComponent(slug)}${query(params)}`
  return send('GET', path, {header}).then(res => {
    if (res.statusCode === 304 && cached) {
      return {layout: cached.body, fromCache: true, etag: cached.etag}
    }
    if (res.statusCode !== 200) throw failure(res)
    const etag = headerOf(res.header, 'ETag')
    if (etag) wx.setStorageSync(key, {etag, body: res.data})
    else wx.removeStorageSync(key)
    return {layout: res.data, fromCache: false, etag}
  })
}

/** Tell the shopper what went wrong (the problem's detail too in debug builds). */
function showError(err) {
  const message = err instanceof ApiError ? err.message : '出错了，请稍后重试'
  if (config.debug && err && err.detail) {
    wx.showModal({title: message.slice(0, 30), content: String(err.detail), showCancel: false})
  } else {
    wx.showToast({title: message, icon: 'none'})
  }
  return message
}

/** A fresh Idempotency-Key for one intended order. */
function idempotencyKey() {
  return `mp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
}

module.exports = {
  ApiError,
  request,
  get: (path, options) => request('GET', path, options),
  post: (path, data, options) => request('POST', path, Object.assign({}, options, {data})),
  patch: (path, data, options) => request('PATCH', path, Object.assign({}, options, {data})),
  del: (path, options) => request('DELETE', path, options),
  upload,
  login,
  ensureToken,
  storedToken,
  clearToken,
  layout,
  cachedLayout,
  layoutKey,
  showError,
  idempotencyKey,
  headerOf,
  apiUrl,
  query,
}
