/**
 * Group buy (拼团) helpers shared by the groupbuy / group-progress blocks and the group-buy
 * pages (pure functions, no wx calls): where an activity, a group and a group-buy order go,
 * a group's seats (avatars, then empty seats) and its countdown by the server's clock.
 */
const {yuan, absoluteUrl} = require('./format')
const {listOf, isObject} = require('./props')
const countdown = require('./countdown')

const STATUS = {open: '拼团中', success: '拼团成功', failed: '拼团失败，已全额退款'}

function activityPath(id) {
  return `/pages/groupbuy/index?id=${id}`
}

function groupPath(id) {
  return `/pages/groupbuy/group?id=${id}`
}

/** Checkout of one unit of a group-buy SKU: opening a group, or joining `groupId`. */
function checkoutPath(activityId, skuId, groupId) {
  const join = groupId ? `&group_id=${groupId}` : ''
  return `/pages/checkout/index?sku=${skuId}&qty=1&activity=groupbuy&activity_id=${activityId}${join}`
}

/** The group's seats: its members (leader first, then virtual ones) and the empty seats. */
function seats(group) {
  const g = isObject(group) ? group : {}
  const people = listOf(g.members, {nickname: '', avatar_url: '', is_leader: false, virtual: false})
    .map((m, i) => ({key: `m${i}`, avatar: absoluteUrl(m.avatar_url), name: m.nickname,
      leader: m.is_leader, virtual: !!m.virtual}))
  const empty = Array.from({length: Math.max(0, Number(g.seats_left) || 0)},
    (_, i) => ({key: `e${i}`, empty: true}))
  return people.concat(empty)
}

/** "剩余 23:59:59" until the group's expiry at `now` (server time), "" once it is not open. */
function leftText(group, now) {
  if (!isObject(group) || group.status !== 'open') return ''
  return `剩余 ${countdown.hms(Date.parse(group.expire_at) - now)}`
}

/** "拼团中，还差 1 人" / "拼团成功" / "拼团失败，已全额退款". */
function statusText(group) {
  if (!isObject(group)) return ''
  if (group.status === 'open') return `拼团中，还差 ${group.seats_left} 人`
  return STATUS[group.status] || ''
}

/** An activity as the pages and the block show it: badge, prices in yuan, its product. */
function activityView(a) {
  const product = isObject(a.product) ? a.product : {}
  return {
    id: a.id, title: product.title || a.title, badge: a.badge, state: a.state,
    cover: absoluteUrl(product.cover), group: yuan(a.group_price_fen),
    leader: a.leader_price_fen ? yuan(a.leader_price_fen) : '', single: yuan(product.price_fen),
    size: a.group_size, hours: a.valid_hours, allowSingle: a.allow_single_buy !== false,
  }
}

module.exports = {activityPath, groupPath, checkoutPath, seats, leftText, statusText, activityView}
