/**
 * Test doubles for WeChat's runtime (`wx`), which does not exist outside WeChat: in-memory
 * storage, navigation and UI spies, and `wx.request` answered by a handler — usually
 * `replay(...)`, which plays back exchanges captured from a real mallkit server
 * (test/fixtures, written by scripts/capture_fixtures.py).
 */
const fs = require('fs')
const path = require('path')
const config = require('../../config')

const FIXTURES = path.join(__dirname, '..', 'fixtures')

function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'))
}

function clone(value) {
  return value === undefined ? value : JSON.parse(JSON.stringify(value))
}

function headerOf(headers, name) {
  const key = Object.keys(headers || {}).find(k => k.toLowerCase() === name.toLowerCase())
  return key ? headers[key] : undefined
}

/** "/a?x=1&y=2" -> "/a?x=1&y=2" with the query parameters sorted (order does not matter). */
function canonical(url) {
  const [pathname, search] = url.split('?')
  if (!search) return pathname
  return `${pathname}?${search.split('&').sort().join('&')}`
}

/**
 * A request handler that answers with recorded exchanges: same method and path (query order
 * ignored); among those, the one recorded with the same If-None-Match, else one recorded
 * without it. Unknown requests get a 404 problem.
 */
function replay(...names) {
  const exchanges = names.map(name => (typeof name === 'string' ? fixture(name) : name))
  return request => {
    const url = canonical(request.url.slice(config.baseUrl.length))
    const method = request.method || 'GET'
    const sent = headerOf(request.header, 'If-None-Match')
    const same = exchanges.filter(x => x.request.method === method && canonical(x.request.path) === url)
    const match = same.find(x => sent && x.request.headers['If-None-Match'] === sent) ||
      same.find(x => !x.request.headers['If-None-Match'])
    if (!match) {
      return {statusCode: 404, header: {'Content-Type': 'application/problem+json'},
        data: {type: 'about:blank', title: 'Not found', status: 404, code: 'not_recorded', detail: `${method} ${url}`}}
    }
    return {statusCode: match.status, header: clone(match.headers), data: clone(match.body)}
  }
}

/**
 * Install a fresh `wx` double. `handler(request)` returns {statusCode, header, data}, or null
 * for a network failure. Returns {storage, requests} to inspect.
 */
function installWx(handler) {
  const storage = new Map()
  const requests = []
  const ok = name => jest.fn(opts => {
    if (opts && typeof opts.success === 'function') opts.success({errMsg: `${name}:ok`})
  })
  Object.assign(global.wx, {
    getStorageSync: jest.fn(key => (storage.has(key) ? clone(storage.get(key)) : '')),
    setStorageSync: jest.fn((key, value) => { storage.set(key, clone(value)) }),
    removeStorageSync: jest.fn(key => { storage.delete(key) }),
    request: jest.fn(opts => {
      requests.push(clone({url: opts.url, method: opts.method, header: opts.header, data: opts.data}))
      const res = handler ? handler(opts) : null
      setTimeout(() => {
        if (res) opts.success(Object.assign({errMsg: 'request:ok'}, res))
        else opts.fail({errMsg: 'request:fail timeout'})
      }, 0)
    }),
    login: jest.fn(opts => opts.success({code: 'dev-miniprogram-fixture', errMsg: 'login:ok'})),
    getWindowInfo: jest.fn(() => ({windowWidth: 375, pixelRatio: 2})),
    navigateTo: ok('navigateTo'),
    redirectTo: ok('redirectTo'),
    switchTab: ok('switchTab'),
    navigateToMiniProgram: ok('navigateToMiniProgram'),
    showToast: ok('showToast'),
    showModal: jest.fn(opts => opts.success && opts.success({confirm: true, cancel: false})),
    requestPayment: ok('requestPayment'),
    setNavigationBarTitle: ok('setNavigationBarTitle'),
    setNavigationBarColor: ok('setNavigationBarColor'),
    stopPullDownRefresh: ok('stopPullDownRefresh'),
    setTabBarBadge: ok('setTabBarBadge'),
    removeTabBarBadge: ok('removeTabBarBadge'),
    makePhoneCall: ok('makePhoneCall'),
    openLocation: ok('openLocation'),
    previewImage: ok('previewImage'),
    setClipboardData: ok('setClipboardData'),
    chooseAddress: jest.fn(opts => opts.fail && opts.fail({errMsg: 'chooseAddress:fail cancel'})),
    chooseMedia: jest.fn(opts => opts.fail && opts.fail({errMsg: 'chooseMedia:fail cancel'})),
    // WeChat gives an upload's answer as text; the handler answers like for wx.request
    uploadFile: jest.fn(opts => {
      requests.push({url: opts.url, method: 'UPLOAD', header: opts.header, filePath: opts.filePath, name: opts.name})
      const res = handler ? handler(Object.assign({method: 'POST'}, opts)) : null
      setTimeout(() => {
        if (res) opts.success({errMsg: 'uploadFile:ok', statusCode: res.statusCode, data: JSON.stringify(res.data)})
        else opts.fail({errMsg: 'uploadFile:fail timeout'})
      }, 0)
    }),
  })
  return {storage, requests}
}

/** Let pending promises and the fake network's timers run. */
function settle(ms = 20) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** The key the mini-program keeps its member token under. */
const TOKEN_KEY = `mallkit:${config.shop}:token`

/** Install the double answering with these captured exchanges, and a stored member token
 * (the captured login's), as after a login. */
function loggedIn(...names) {
  const env = installWx(replay(...names))
  const login = fixture('login').body
  env.storage.set(TOKEN_KEY, {token: login.token, expires_at: login.expires_at})
  return env
}

module.exports = {fixture, replay, installWx, settle, headerOf, clone, loggedIn, TOKEN_KEY}
