/**
 * Layout links -> mini-program navigation (docs/protocol.md, "Links"):
 * page -> the page that renders `layouts/<slug>` (home, cart and user are tabs), product ->
 * the product page, group -> the category layout for that group, url -> web-view,
 * miniprogram -> wx.navigateTo (or wx.navigateToMiniProgram with an app_id).
 */
const {isObject} = require('./props')

const TABS = {
  home: '/pages/index/index',
  cart: '/pages/cart/index',
  user: '/pages/user/index',
}
const TAB_PATHS = Object.keys(TABS).map(key => TABS[key])
const MAX_PAGES = 10 // WeChat's page stack limit

function positiveInt(value) {
  return typeof value === 'number' && value > 0 && Math.floor(value) === value
}

/** Where a link goes, without going: {action, url} / {action: 'miniProgram', appId, path} / null. */
function target(link) {
  if (!isObject(link)) return null
  switch (link.kind) {
    case 'page':
      if (typeof link.slug !== 'string' || !link.slug) return null
      if (TABS[link.slug]) return {action: 'switchTab', url: TABS[link.slug]}
      return {action: 'navigateTo', url: `/pages/page/index?slug=${encodeURIComponent(link.slug)}`}
    case 'product':
      if (positiveInt(link.seckill) && positiveInt(link.sku_id)) {
        return {action: 'navigateTo', url: `/pages/seckill/index?id=${link.seckill}&sku=${link.sku_id}`}
      }
      return positiveInt(link.product_id)
        ? {action: 'navigateTo', url: `/pages/product/index?id=${link.product_id}`} : null
    case 'group':
      return positiveInt(link.group_id)
        ? {action: 'navigateTo', url: `/pages/page/index?slug=category&group=${link.group_id}`} : null
    case 'url':
      return typeof link.url === 'string' && /^https?:\/\//.test(link.url)
        ? {action: 'navigateTo', url: `/pages/webview/index?url=${encodeURIComponent(link.url)}`} : null
    case 'miniprogram': {
      if (typeof link.path !== 'string' || !link.path) return null
      const path = link.path.charAt(0) === '/' ? link.path : `/${link.path}`
      if (typeof link.app_id === 'string' && link.app_id) {
        return {action: 'miniProgram', appId: link.app_id, path}
      }
      const bare = path.split('?')[0]
      return {action: TAB_PATHS.indexOf(bare) >= 0 ? 'switchTab' : 'navigateTo',
        url: TAB_PATHS.indexOf(bare) >= 0 ? bare : path}
    }
    default:
      return null // a link kind newer than this client: not tappable
  }
}

function stackDepth() {
  return typeof getCurrentPages === 'function' ? getCurrentPages().length : 0
}

/** Open a URL of this mini-program: navigateTo, or redirectTo when the stack is full. */
function open(url) {
  if (stackDepth() >= MAX_PAGES) wx.redirectTo({url})
  else wx.navigateTo({url})
}

/** Follow a layout link; returns the target it went to, or null for a link that goes nowhere. */
function navigate(link) {
  const to = target(link)
  if (!to) return null
  if (to.action === 'switchTab') wx.switchTab({url: to.url})
  else if (to.action === 'miniProgram') wx.navigateToMiniProgram({appId: to.appId, path: to.path})
  else open(to.url)
  return to
}

module.exports = {target, navigate, open, TABS}
