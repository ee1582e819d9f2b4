/** Orders as the pages show them (pure). */
const {yuan, imageUrl, absoluteUrl, dateTime} = require('./format')

const TABS = [
  {key: 'all', label: '全部'},
  {key: 'pending_payment', label: '待付款'},
  {key: 'paid', label: '待发货'},
  {key: 'shipped', label: '待收货'},
  {key: 'completed', label: '已完成'},
]

/**
 * The picture of a cart, quote or order line: the server's `image_url` (a thumbnail it
 * resolved, the same one the H5 pages show) when present, else an `{url, sizes}` image
 * fitted to `rpx`; "" when there is none.
 */
function lineImage(line, rpx) {
  if (!line) return ''
  if (typeof line.image_url === 'string' && line.image_url) return absoluteUrl(line.image_url)
  return imageUrl(line.image, rpx)
}

function orderCard(order) {
  const lines = Array.isArray(order.lines) ? order.lines : []
  return {
    id: order.id,
    orderNo: order.order_no,
    status: order.status,
    statusLabel: order.status_label || order.status,
    payable: yuan(order.payable_fen),
    count: order.item_count || lines.reduce((n, l) => n + (l.qty || 0), 0),
    createdAt: dateTime(order.created_at),
    lines: lines.map(l => ({id: l.id, title: l.title, spec: l.spec_text || '', qty: l.qty,
      price: yuan(l.unit_price_fen), image: lineImage(l, 140), productId: l.product_id})),
  }
}

/** The price breakdown of an order (goods, each discount, shipping, payable, paid). */
function orderBreakdown(order) {
  const rows = [{label: '商品金额', amount: yuan(order.goods_total_fen)}]
  const adjustments = order.pricing && Array.isArray(order.pricing.adjustments) ? order.pricing.adjustments : []
  if (adjustments.length) {
    adjustments.forEach(a => rows.push({label: a.label || a.source, amount: `-${yuan(a.amount_fen)}`}))
  } else if (order.discount_fen) {
    rows.push({label: '优惠', amount: `-${yuan(order.discount_fen)}`})
  }
  rows.push({label: '运费', amount: order.shipping_fen ? yuan(order.shipping_fen) : '免运费'})
  rows.push({label: '应付', amount: yuan(order.payable_fen), total: true})
  if (order.paid_fen) rows.push({label: '已付', amount: yuan(order.paid_fen)})
  return rows
}

module.exports = {TABS, lineImage, orderCard, orderBreakdown}
