/**
 * Group buy on the mini-program against exchanges recorded from a real server (the demo's
 * 3人团 with the demo leader's open group; the fixture shopper joins it, pays, then leaves):
 * the groupbuy block (badge, prices, open groups from GET /groupbuy/activities), the
 * group-progress block (the shopper's open group from GET /groupbuy/mine: avatars, empty
 * seats, the countdown by the server's clock), the activity page (prices, SKUs, 去开团 / 去参团
 * to checkout with the activity), the group page (join, invite by the share path, leave), my
 * group buys, checkout with `activity.group_id` and the order's group state.
 */
const config = require('../config')
const {fixture, replay, installWx, settle, clone, loggedIn} = require('./helpers/wx')
const {render, text} = require('./helpers/render')
const gb = require('../utils/groupbuy')

const BASE = `${config.baseUrl}/api/v1/shops/${config.shop}`
const allBlocks = fixture('layout-all-blocks').body
const activities = fixture('groupbuy-activities')
const activity = fixture('groupbuy-activity')
const group = fixture('groupbuy-group')
const joined = fixture('groupbuy-group-joined')
const mine = fixture('groupbuy-mine')
const login = fixture('login')
const yuan = fen => `¥${(fen / 100).toFixed(2)}`



function sent(requests, method, path) {
  return requests.filter(r => (r.method || 'GET') === method && r.url === `${BASE}${path}`)
}

describe('helpers', () => {
  test('paths, seats and the countdown by the server clock', () => {
    const g = joined.body
    expect(gb.checkoutPath(1, 7)).toBe('/pages/checkout/index?sku=7&qty=1&activity=groupbuy&activity_id=1')
    expect(gb.checkoutPath(1, 7, 3)).toBe('/pages/checkout/index?sku=7&qty=1&activity=groupbuy&activity_id=1&group_id=3')
    expect(gb.groupPath(g.id)).toBe(g.share_path)
    const seats = gb.seats(g)
    expect(seats.length).toBe(g.size)
    expect(seats.filter(s => s.empty).length).toBe(g.seats_left)
    expect(seats[0].leader).toBe(true)
    expect(gb.statusText(g)).toBe(`拼团中，还差 ${g.seats_left} 人`)
    expect(gb.leftText(g, Date.parse(g.now))).toBe('剩余 24:00:00') // valid_hours from the leader's payment
    expect(gb.leftText(Object.assign({}, g, {status: 'success'}), Date.parse(g.now))).toBe('')
    expect(gb.statusText({status: 'failed'})).toBe('拼团失败，已全额退款')
  })
})

describe('the groupbuy block', () => {
  test('shows the badge and prices from the layout and open groups from the live endpoint', async () => {
    const {requests} = installWx(replay(activities))
    const node = allBlocks.nodes.find(n => n.type === 'groupbuy')
    const item = node.data.items[0]
    const block = render('components/blocks/groupbuy/index', {node})
    await settle()
    const shown = text(block)
    expect(shown).toContain(node.props.title)
    expect(shown).toContain(item.badge)
    expect(shown).toContain(`拼团价 ${yuan(item.group_price_fen)}`)
    expect(shown).toContain(`团长价 ${yuan(item.leader_price_fen)}`)
    expect(shown).toContain(`单买 ${yuan(item.product.price_fen)}`)
    expect(node.data.items[0].open_groups).toEqual([]) // the cached layout carries no seats
    const open = activities.body.items[0].open_groups[0]
    const groups = block.querySelectorAll('.gbk__group')
    expect(groups.length).toBe(1)
    expect(text(groups[0])).toBe(`还差 ${open.seats_left} 人，去参团 ›`)
    expect(requests.map(r => r.url)).toEqual([`${BASE}/groupbuy/activities`])
    groups[0].dispatchEvent('tap')
    block.querySelector('.gbk__main').dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo.mock.calls.map(c => c[0].url)).toEqual([
      `/pages/groupbuy/group?id=${open.id}`, `/pages/groupbuy/index?id=${item.id}`])
    block.detach()
  })
})

describe('the group-progress block', () => {
  test("shows the shopper's open group: avatars, empty seats, countdown by the server's now", async () => {
    const {requests} = loggedIn(mine)
    const node = allBlocks.nodes.find(n => n.type === 'group-progress')
    const block = render('components/blocks/group-progress/index', {node})
    await settle()
    const g = mine.body.items[0].group
    expect(requests.map(r => r.url)).toEqual([`${BASE}/groupbuy/mine`])
    expect(text(block)).toContain(`拼团中，还差 ${g.seats_left} 人`)
    expect(block.querySelectorAll('.gpr__seat').length).toBe(g.size)
    expect(block.querySelectorAll('.gpr__seat--empty').length).toBe(g.seats_left)
    expect(text(block)).toContain('团长')
    // the device's clock is days past the recorded server time: the countdown still runs
    // from the server's `now`, not down to zero
    expect(block.data.left).toMatch(/^剩余 (24:00:00|23:59:5\d)$/)
    block.querySelector('.gpr__invite').dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: g.share_path})
    block.detach()
  })

  test('asks nothing and shows nothing before the shopper has logged in', async () => {
    const {requests} = installWx(replay(mine))
    const node = allBlocks.nodes.find(n => n.type === 'group-progress')
    const block = render('components/blocks/group-progress/index', {node})
    await settle()
    expect(requests).toEqual([])
    expect(block.querySelector('.gpr')).toBeFalsy()
    block.detach()
  })
})

describe('the activity page', () => {
  const a = activity.body
  const sku = a.skus[0]
  const open = a.open_groups[0]

  test('prices, SKUs and open groups; 去开团 and 去参团 go to checkout with the activity', async () => {
    installWx(replay(activity))
    const view = render('pages/groupbuy/index')
    await view.instance.onLoad({id: String(a.id)})
    const shown = text(view)
    expect(shown).toContain(a.badge)
    expect(shown).toContain(`拼团价 ${yuan(a.group_price_fen)}`)
    expect(shown).toContain(`团长价 ${yuan(a.leader_price_fen)}`)
    expect(shown).toContain(`单买 ${yuan(a.product.price_fen)}`)
    expect(shown).toContain(`${a.group_size}人成团 · 开团后 ${a.valid_hours} 小时内有效`)
    expect(shown).toContain(`还差 ${open.seats_left} 人`)
    expect(view.data.groups[0].left).toMatch(/^剩余 (24:00:00|23:59:5\d)$/)
    expect(view.querySelectorAll('.gb__seat').length).toBe(open.size)
    expect(shown).toContain(`去开团 ${yuan(a.leader_price_fen)}`)
    view.instance.onOpen()
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: gb.checkoutPath(a.id, sku.sku_id)})
    view.querySelector('.gb__join').dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: gb.checkoutPath(a.id, sku.sku_id, open.id)})
    view.querySelector('.gb__single').dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/product/index?id=${a.product.id}`})
    const share = view.instance.onShareAppMessage()
    expect(share.path).toBe(`/pages/groupbuy/index?id=${a.id}`)
    expect(share.title).toContain(a.badge)
  })

  test("opened from a group's page, the button joins that group", async () => {
    installWx(replay(activity))
    const view = render('pages/groupbuy/index')
    await view.instance.onLoad({id: String(a.id), group: String(open.id)})
    expect(text(view)).toContain(`参团 ${yuan(a.group_price_fen)}`)
    view.instance.onOpen()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: gb.checkoutPath(a.id, sku.sku_id, open.id)})
  })

  test('an activity not started yet says so and opens no group', async () => {
    const early = clone(activity)
    early.body.state = 'not_started'
    installWx(replay(early))
    const view = render('pages/groupbuy/index')
    await view.instance.onLoad({id: String(a.id)})
    expect(text(view)).toContain('活动未开始')
    view.instance.onOpen()
    expect(wx.navigateTo).not.toHaveBeenCalled()
  })

  test('without an id: the live group buys', async () => {
    installWx(replay(activities))
    const view = render('pages/groupbuy/index')
    await view.instance.onLoad({})
    const item = activities.body.items[0]
    expect(view.querySelectorAll('.gb-list__item').length).toBe(activities.body.items.length)
    expect(text(view)).toContain(`拼团价 ${yuan(item.group_price_fen)}`)
    expect(text(view)).toContain('1 个团可直接参与')
    expect(view.data.items[0].url).toBe(`/pages/groupbuy/index?id=${item.id}`)
  })
})

describe('the group page', () => {
  test("someone else's open group: progress and 参团", async () => {
    const {requests} = loggedIn(group)
    const view = render('pages/groupbuy/group')
    await view.instance.onLoad({id: String(group.body.id)})
    await settle()
    const g = group.body
    expect(g.mine).toBeNull()
    expect(sent(requests, 'GET', `/groupbuy/groups/${g.id}`)[0].header.Authorization)
      .toBe(`Bearer ${login.body.token}`)
    const progress = view.querySelector('#progress')
    expect(text(progress)).toContain(`拼团中，还差 ${g.seats_left} 人`)
    expect(progress.querySelectorAll('.gpr__seat--empty').length).toBe(g.seats_left)
    expect(progress.querySelectorAll('.gpr__seat').length).toBe(g.size)
    expect(progress.data.left).toMatch(/^剩余 (24:00:00|23:59:5\d)$/)
    expect(progress.querySelector('.gpr__title')).toBeFalsy() // the page has its own buttons
    expect(progress.querySelector('.gpr__invite')).toBeFalsy()
    expect(text(view)).toContain(`参团 ${yuan(g.activity.group_price_fen)}`)
    expect(text(view)).not.toContain('退出拼团')
    view.instance.onJoin()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/groupbuy/index?id=${g.activity_id}&group=${g.id}`})
  })

  test('a member invites with the share path and the share card, and leaves for a refund', async () => {
    const leave = fixture('groupbuy-leave')
    const {requests} = loggedIn(joined, leave)
    const view = render('pages/groupbuy/group')
    await view.instance.onLoad({id: String(joined.body.id)})
    await settle()
    const g = joined.body
    expect(g.mine.status).toBe('grouping')
    expect(text(view)).toContain('邀请好友参团')
    expect(view.querySelector('#progress').querySelectorAll('.gpr__seat').length).toBe(g.size)
    const share = view.instance.onShareAppMessage()
    expect(share.path).toBe(`/pages/groupbuy/group?id=${g.id}`)
    expect(share.path).toBe(g.share_path)
    expect(share.title).toBe(`还差 ${g.seats_left} 人，${yuan(g.activity.group_price_fen)} 拼 ${g.activity.product.title}`)
    expect(share.imageUrl).toBe(`${BASE}/groupbuy/groups/${g.id}/share-card`)

    await view.instance.onLeave()
    await settle()
    expect(wx.showModal).toHaveBeenCalled()
    expect(sent(requests, 'POST', `/groupbuy/groups/${g.id}/leave`).length).toBe(1)
    expect(view.data.mine).toBe(false)
    expect(text(view.querySelector('#progress').querySelector('.gpr'))).toContain(`还差 ${leave.body.seats_left} 人`)
    expect(text(view)).not.toContain('退出拼团')
  })

  test('a finished group offers a new one', async () => {
    const done = clone(group)
    Object.assign(done.body, {status: 'success', seats_left: 0})
    loggedIn(done)
    const view = render('pages/groupbuy/group')
    await view.instance.onLoad({id: String(group.body.id)})
    await settle()
    expect(text(view)).toContain('拼团成功')
    expect(text(view)).not.toContain('剩余')
    view.instance.onOpenNew()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/groupbuy/index?id=${group.body.activity_id}`})
  })
})

describe('my group buys', () => {
  test('each with its state, seats and countdown; opens its group', async () => {
    loggedIn(mine)
    const view = render('pages/groupbuy/mine')
    await view.instance.onLoad()
    const row = mine.body.items[0]
    expect(view.data.items.length).toBe(mine.body.items.length)
    expect(text(view)).toContain(row.status_text)
    expect(text(view)).toContain(row.activity.product.title)
    expect(text(view)).toContain(`${yuan(row.unit_price_fen)} ×${row.qty}`)
    expect(view.data.items[0].left).toMatch(/^剩余 (24:00:00|23:59:5\d)$/)
    expect(view.querySelectorAll('.gm__seat').length).toBe(row.group.size)
    view.querySelector('.gm__item').dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: row.group.share_path})
  })
})

describe('checkout and the order', () => {
  const quote = fixture('groupbuy-quote')

  test("joining a group quotes the group price with the activity's group_id", async () => {
    const {requests} = loggedIn('checkout-options', 'addresses', quote)
    const view = render('pages/checkout/index')
    const a = activity.body
    await view.instance.onLoad({sku: String(a.skus[0].sku_id), qty: '1', activity: 'groupbuy',
      activity_id: String(a.id), group_id: String(a.open_groups[0].id)})
    const body = sent(requests, 'POST', '/checkout/quote')[0].data
    expect(body.activity).toEqual({kind: 'groupbuy', id: a.id, group_id: a.open_groups[0].id})
    expect(body).toEqual(quote.request.body)
    expect(view.data.payable).toBe(yuan(quote.body.payable_fen))
    expect(view.data.rows).toContainEqual({label: quote.body.adjustments[0].label,
      amount: `-${yuan(quote.body.adjustments[0].amount_fen)}`, discount: true})
  })

  test("a grouping order says how many are missing and opens its group", async () => {
    const order = clone(fixture('groupbuy-order'))
    const g = joined.body
    Object.assign(order.body.groupbuy, {group_id: g.id, status: 'grouping', status_text: '拼团中',
      seats_left: g.seats_left})
    order.request = {method: 'GET', path: `/api/v1/shops/${config.shop}/orders/${order.body.id}`, headers: {}}
    order.status = 200
    loggedIn(order)
    const view = render('pages/order/index')
    await view.instance.onLoad({id: String(order.body.id)})
    expect(text(view)).toContain(`拼团中，还差 ${g.seats_left} 人`)
    view.instance.onGroup()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: g.share_path})
  })
})

describe('the product page', () => {
  const product = fixture('product')
  const layout = fixture('layout-product')

  /** The recorded activities answer, asked for this product (as the page asks). */
  function offerFor(productId) {
    const copy = clone(activities)
    copy.request.path = `${copy.request.path}?product_id=${productId}`
    return copy
  }

  test('a product in a live group buy shows the badge, prices and open groups, leading to it', async () => {
    expect(layout.body.nodes.find(n => n.type === 'product-buybox').data.offers).toContain('groupbuy')
    const {requests} = installWx(replay(product, layout, offerFor(product.body.id)))
    const view = render('pages/product/index')
    await view.instance.onLoad({id: String(product.body.id)})
    const a = activities.body.items[0]
    expect(sent(requests, 'GET', `/groupbuy/activities?product_id=${product.body.id}`).length).toBe(1)
    expect(view.data.groupbuy).toEqual({badge: a.badge, group: yuan(a.group_price_fen),
      leader: yuan(a.leader_price_fen), open: a.open_groups.length, url: `/pages/groupbuy/index?id=${a.id}`})
    expect(text(view)).toContain(`拼团价 ${yuan(a.group_price_fen)}`)
    expect(text(view)).toContain(`${a.open_groups.length} 个团可参与`)
    view.instance.goGroupbuy()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/groupbuy/index?id=${a.id}`})
    view.detach()
  })

  test('no group buy for the product, or the module off: nothing shown, nothing asked', async () => {
    const none = offerFor(product.body.id)
    none.body.items = []
    installWx(replay(product, layout, none))
    const plain = render('pages/product/index')
    await plain.instance.onLoad({id: String(product.body.id)})
    expect(plain.data.groupbuy).toBeNull()
    plain.detach()

    const off = clone(layout)
    off.body.nodes.find(n => n.type === 'product-buybox').data.offers = []
    const {requests} = installWx(replay(product, off))
    const view = render('pages/product/index')
    await view.instance.onLoad({id: String(product.body.id)})
    expect(requests.filter(r => /groupbuy/.test(r.url))).toEqual([])
    expect(view.data.groupbuy).toBeNull()
    expect(text(view)).not.toContain('拼团价')
    view.detach()
  })
})
