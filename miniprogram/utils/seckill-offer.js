/**
 * The seckill offer on the product page, from GET /seckill/live (never the cached layout):
 * the activity SKU of the product in a running window, else in one that opens later today.
 * Pure: no wx calls.
 */
const countdown = require('./countdown')

/** `{activity, sku}` for `productId`, a running activity first; null when there is none. */
function pickOffer(live, productId) {
  let found = null
  const items = live && Array.isArray(live.items) ? live.items : []
  items.forEach(activity => {
    const open = activity.state === 'running' || (activity.state === 'not_started' && activity.today)
    const sku = open && (activity.skus || []).find(s => s.product_id === productId)
    if (sku && (!found || (activity.state === 'running' && found.activity.state !== 'running'))) {
      found = {activity, sku}
    }
  })
  return found
}

function clockText(iso) {
  const at = new Date(iso)
  const pad = n => (n < 10 ? '0' : '') + n
  return `${pad(at.getHours())}:${pad(at.getMinutes())}`
}

/** What the page shows at `now` (server time, ms): price, countdown, stock or start, button. */
function offerView(found, now) {
  const {activity, sku} = found
  const running = activity.state === 'running'
  return {
    price: (sku.seckill_price_fen / 100).toFixed(2),
    clock: countdown.label(activity, now),
    note: running ? `剩 ${sku.left} 件` : `${clockText(activity.starts_at)} 开抢`,
    button: running ? (sku.left > 0 ? '马上抢' : '已抢光') : '即将开抢',
    url: `/pages/seckill/index?id=${activity.activity_id}&sku=${sku.sku_id}`,
  }
}

module.exports = {pickOffer, offerView}
