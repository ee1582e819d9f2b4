/**
 * Seckill on the mini-program against exchanges recorded from a real server: the block's
 * slot tabs, countdown (from the server's `now`, not the device's clock) and sold progress
 * from GET /seckill/live; the seckill page's price, countdown, 马上抢 (token, POST
 * /seckill/orders -> 202 ticket, the ticket polled until the order exists) and its share;
 * the normal product page's seckill offer (price, countdown, 马上抢 to the seckill page).
 */
const {fixture, replay, installWx, settle} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')
const countdown = require('../utils/countdown')

const live = fixture('seckill-live')
const activity = fixture('seckill-activity')
const allBlocks = fixture('layout-all-blocks').body

function created(orderId) {
  const ticket = JSON.parse(JSON.stringify(fixture('seckill-ticket')))
  ticket.body.status = 'created'
  ticket.body.order_id = orderId
  return ticket
}

describe('countdown', () => {
  test('counts from the server clock', () => {
    const now = Date.parse(live.body.now)
    const offset = countdown.offset(live.body.now, now - 5000) // the device is 5 s late
    expect(offset).toBe(5000)
    const running = live.body.items[0]
    expect(running.state).toBe('running')
    const left = Date.parse(running.ends_at) - now
    expect(countdown.label(running, now)).toBe(`距结束 ${countdown.hms(left)}`)
    expect(countdown.label({state: 'not_started', starts_at: running.ends_at}, now))
      .toMatch(/^距开始 /)
    expect(countdown.label({state: 'ended'}, now)).toBe('已结束')
    expect(countdown.hms(3723000)).toBe('01:02:03')
  })
})

describe('the seckill block', () => {
  test('shows slot tabs, seckill prices and progress from the live endpoint', async () => {
    installWx(replay('seckill-live'))
    const node = allBlocks.nodes.find(n => n.type === 'seckill')
    const block = render('components/blocks/seckill/index', {node})
    await settle()
    const tabs = block.querySelectorAll('.seckill__tab')
    expect(tabs.length).toBe(node.data.slots.length)
    const items = block.querySelectorAll('.seckill__item')
    const first = node.data.activities[0].items[0]
    expect(items.length).toBe(node.data.activities[0].items.length)
    expect(text(items[0])).toContain(`¥${(first.seckill_price_fen / 100).toFixed(2)}`)
    expect(text(items[0])).toContain('已抢 0%')
    expect(block.instance.data.clock).toMatch(/^距结束 \d\d:\d\d:\d\d$/)
    expect(block.instance.data.chosen).toBe(live.body.items[0].slot_id)
    block.detach()
  })
})

describe('the seckill page', () => {
  test('price, countdown, buy through the ticket, share', async () => {
    const order = fixture('seckill-order')
    const {requests} = installWx(replay('login', activity, 'seckill-token', order, created(77)))
    const sku = activity.body.skus[0]
    const view = render('pages/seckill/index')
    await view.instance.onLoad({id: String(activity.body.id), sku: String(sku.sku_id)})
    expect(text(view)).toContain(`¥${(sku.seckill_price_fen / 100).toFixed(2)}`)
    expect(text(view)).toContain(`¥${(sku.price_fen / 100).toFixed(2)}`)
    expect(view.data.clock).toMatch(/^距结束 /)
    expect(text(view)).toContain('马上抢')
    await view.instance.onBuy()
    const posted = requests.find(r => r.method === 'POST' && /seckill/.test(r.url))
    expect(posted.url).toMatch(/\/seckill\/orders$/)
    expect(posted.data).toEqual(order.request.body)
    expect(wx.navigateTo).toHaveBeenCalledWith({url: '/pages/order/index?id=77'})
    const share = view.instance.onShareAppMessage()
    expect(share.path).toBe(`/pages/seckill/index?id=${activity.body.id}&sku=${sku.sku_id}`)
    expect(share.title).toContain('秒杀')
  })

  test('a slot not open yet says so and does not buy', async () => {
    const early = JSON.parse(JSON.stringify(activity))
    early.body.state = 'not_started'
    const {requests} = installWx(replay(early))
    const view = render('pages/seckill/index')
    await view.instance.onLoad({id: String(activity.body.id), sku: String(activity.body.skus[0].sku_id)})
    expect(text(view)).toContain('即将开始')
    await view.instance.onBuy()
    expect(requests.filter(r => /seckill\/orders/.test(r.url))).toEqual([])
  })
})

describe('the product page', () => {
  const product = fixture('product')
  const layout = fixture('layout-product')

  /** The recorded live board with its activity SKUs on this product, changed by `edit`. */
  function liveFor(productId, edit) {
    const copy = JSON.parse(JSON.stringify(live))
    copy.body.items.forEach(item => item.skus.forEach(s => { s.product_id = productId }))
    if (edit) edit(copy.body.items[0])
    return copy
  }

  function open() {
    const view = render('pages/product/index')
    return view.instance.onLoad({id: String(product.body.id)}).then(() => view)
  }

  test('shows the seckill price, countdown and 马上抢 leading to the seckill page', async () => {
    expect(layout.body.nodes.find(n => n.type === 'product-buybox').data.offers).toContain('seckill')
    const {requests} = installWx(replay(product, layout, liveFor(product.body.id)))
    const view = await open()
    const item = live.body.items[0]
    const sku = item.skus[0]
    expect(requests.filter(r => /\/seckill\/live$/.test(r.url)).length).toBe(1)
    expect(view.data.seckill).toEqual({
      price: (sku.seckill_price_fen / 100).toFixed(2),
      clock: expect.stringMatching(/^距结束 \d\d:\d\d:\d\d$/),
      note: `剩 ${sku.left} 件`, button: '马上抢',
      url: `/pages/seckill/index?id=${item.activity_id}&sku=${sku.sku_id}`,
    })
    expect(text(view)).toContain(`¥${(sku.seckill_price_fen / 100).toFixed(2)}`)
    view.instance.goSeckill()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: view.data.seckill.url})
    view.detach()
  })

  test('a window opening later today says when; another day or product shows nothing', async () => {
    const later = liveFor(product.body.id, item => { item.state = 'not_started' })
    installWx(replay(product, layout, later))
    const upcoming = await open()
    expect(upcoming.data.seckill.button).toBe('即将开抢')
    expect(upcoming.data.seckill.clock).toMatch(/^距开始 /)
    expect(upcoming.data.seckill.note).toMatch(/^\d\d:\d\d 开抢$/)
    upcoming.detach()

    installWx(replay(product, layout, liveFor(product.body.id, item => {
      item.state = 'not_started'
      item.today = false
    })))
    const tomorrow = await open()
    expect(tomorrow.data.seckill).toBe(null)
    tomorrow.detach()

    installWx(replay(product, layout, liveFor(product.body.id + 1)))
    const other = await open()
    expect(other.data.seckill).toBe(null)
    other.detach()
  })

  test('with seckill off the buy box names no offer and the page asks nothing of seckill', async () => {
    const off = JSON.parse(JSON.stringify(layout))
    off.body.nodes.find(n => n.type === 'product-buybox').data.offers = []
    const {requests} = installWx(replay(product, off, liveFor(product.body.id)))
    const view = await open()
    expect(view.data.seckill).toBe(null)
    expect(requests.filter(r => /seckill/.test(r.url))).toEqual([])
    view.detach()
  })
})
