/**
 * The shop's bottom tab bar (the layout's `navigation` section, docs/protocol.md): kept from
 * the last layout in wx storage so the custom tab bar draws it at once on every tab, and the
 * cart badge's count, which is per member and never in the cached layout: read from
 * GET /cart/count at most every 10 s, and set at once from any cart answer.
 */
const api = require('./api')
const config = require('../config')
const {TABS} = require('./links')

const KEY = `mallkit:${config.shop}:navigation`
const COUNT_TTL_MS = 10000
const listeners = []
let count = null // {value, at}

function current() {
  const saved = wx.getStorageSync(KEY)
  return saved && typeof saved === 'object' && Array.isArray(saved.items) ? saved : null
}

function notify() {
  listeners.slice().forEach(fn => fn())
}

/** Keep the bar a layout sent (tab bars repaint when it changed). */
function remember(bar) {
  if (!bar || typeof bar !== 'object' || !Array.isArray(bar.items)) return
  if (JSON.stringify(bar) === JSON.stringify(current())) return
  wx.setStorageSync(KEY, bar)
  notify()
}

/** The cart's count from a cart answer (add, change, the cart page). */
function setCartCount(value) {
  count = {value: Math.max(0, Number(value) || 0), at: Date.now()}
  notify()
}

function cartCount() {
  return count ? count.value : 0
}

/** Ask the server for the count unless a fresh one is known; resolves with it. */
function refreshCartCount() {
  if (count && Date.now() - count.at < COUNT_TTL_MS) return Promise.resolve(count.value)
  return api.get('/cart/count').then(body => {
    setCartCount(body && body.count)
    return cartCount()
  }, () => cartCount())
}

function subscribe(fn) {
  listeners.push(fn)
  return () => {
    const i = listeners.indexOf(fn)
    if (i >= 0) listeners.splice(i, 1)
  }
}

/** The tab page a bar item opens, when it is one ('/pages/cart/index'), else ''. */
function tabPath(item) {
  const link = item && item.link
  return link && link.kind === 'page' && TABS[link.slug] ? TABS[link.slug] : ''
}

/** A tab page is showing: its custom tab bar (WeChat makes one per tab page) marks it. */
function showTab(page, path) {
  const bar = page && typeof page.getTabBar === 'function' ? page.getTabBar() : null
  return bar ? bar.show(path) : refreshCartCount()
}

/** Forget the count (tests; a member who logs out). */
function reset() {
  count = null
}

module.exports = {current, remember, setCartCount, cartCount, refreshCartCount, subscribe, tabPath, showTab,
  reset}
