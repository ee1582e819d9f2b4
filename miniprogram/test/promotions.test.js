/**
 * The promotions blocks on the mini-program against exchanges recorded from a real server
 * (the demo's 新品限时八折 and 全场满199减30 on the all-blocks page): limited-discount's
 * products at the discount price with the price struck through and a countdown by the
 * server's clock (`now` of GET /promotions/discounts); full-reduction-notice's running rules,
 * and nothing from either when none runs.
 */
const {fixture, replay, installWx, settle} = require('./helpers/wx')
const {render, text} = require('./helpers/render')
const countdown = require('../utils/countdown')

const allBlocks = fixture('layout-all-blocks').body
const discounts = fixture('promotions-discounts')
const yuan = fen => `¥${(fen / 100).toFixed(2)}`

function nodeOf(type, edit) {
  const node = JSON.parse(JSON.stringify(allBlocks.nodes.find(n => n.type === type)))
  if (edit) edit(node)
  return node
}

describe('the limited-discount block', () => {
  test('shows the products at the discount price with the price struck through', async () => {
    installWx(replay(discounts))
    const node = nodeOf('limited-discount')
    const view = render('components/blocks/limited-discount/index', {node})
    await settle()
    const d = node.data.discounts[0]
    const product = d.products[0]
    expect(text(view)).toContain(node.props.title)
    expect(text(view)).toContain(d.tag)
    const items = view.querySelectorAll('.ltd__item')
    expect(items.length).toBe(d.products.length)
    expect(text(items[0])).toContain(product.title)
    expect(text(view.querySelectorAll('.ltd__price')[0])).toBe(yuan(product.discount_price_fen))
    expect(text(view.querySelectorAll('.ltd__was')[0])).toBe(yuan(product.price_fen))
    expect(view.instance.data.discounts[0].products[0].link).toEqual({kind: 'product', product_id: product.id})
    view.detach()
  })

  test('counts down by the server clock, to the end or, when announced, to the start', async () => {
    const {requests} = installWx(replay(discounts))
    const node = nodeOf('limited-discount')
    const view = render('components/blocks/limited-discount/index', {node})
    await settle()
    expect(requests.map(r => r.url)).toEqual([expect.stringMatching(/\/promotions\/discounts$/)])
    const offset = view.instance.data.offset
    const device = Date.now()
    // the offset is the server's recorded `now` minus the device's clock (within the test's run)
    expect(Math.abs(Date.parse(discounts.body.now) - (device + offset))).toBeLessThan(1000)
    const d = node.data.discounts[0]
    const serverNow = Date.parse(discounts.body.now)
    expect(countdown.label({state: 'running', ends_at: d.ends_at}, serverNow))
      .toMatch(/^距结束 \d+:\d\d:\d\d$/)
    expect(view.instance.data.discounts[0].clock).toMatch(/^距结束 \d+:\d\d:\d\d$/)
    expect(text(view.querySelector('.ltd__clock'))).toBe(view.instance.data.discounts[0].clock)
    view.detach()

    installWx(replay(discounts))
    const announced = nodeOf('limited-discount', n => { n.data.discounts[0].status = 'scheduled' })
    const later = render('components/blocks/limited-discount/index', {node: announced})
    await settle()
    expect(later.instance.data.discounts[0].clock).toMatch(/^距开始 /)
    later.detach()
  })

  test('without the countdown asks nothing; without a discount draws nothing', async () => {
    const {requests} = installWx(replay(discounts))
    const quiet = render('components/blocks/limited-discount/index',
      {node: nodeOf('limited-discount', n => { n.props.show_countdown = false })})
    await settle()
    expect(quiet.querySelector('.ltd__clock')).toBe(undefined)
    expect(requests).toEqual([])
    quiet.detach()

    const none = render('components/blocks/limited-discount/index',
      {node: nodeOf('limited-discount', n => { n.data.discounts = [] })})
    await settle()
    expect(text(none)).toBe('')
    expect(requests).toEqual([])
    none.detach()
  })
})

describe('the full-reduction-notice block', () => {
  test('shows the label and the running rules', async () => {
    installWx(replay())
    const node = nodeOf('full-reduction-notice', n => {
      n.data.rules.push(Object.assign({}, n.data.rules[0], {id: 99, summary: '满299减50'}))
    })
    const view = render('components/blocks/full-reduction-notice/index', {node})
    await settle()
    expect(text(view.querySelector('.frn__label'))).toBe(node.props.label)
    expect(text(view.querySelector('.frn__rules'))).toBe(`${node.data.rules[0].summary}；满299减50`)
    view.detach()
  })

  test('draws nothing when none runs', async () => {
    installWx(replay())
    const view = render('components/blocks/full-reduction-notice/index',
      {node: nodeOf('full-reduction-notice', n => { n.data.rules = [] })})
    await settle()
    expect(text(view)).toBe('')
    expect(view.querySelector('.frn')).toBe(undefined)
    view.detach()
  })

  test('a tap follows the block link', async () => {
    installWx(replay())
    const link = {kind: 'page', slug: 'category'}
    const view = render('components/blocks/full-reduction-notice/index',
      {node: nodeOf('full-reduction-notice', n => { n.props.link = link })})
    await settle()
    view.instance.onLink({currentTarget: {dataset: {link}}})
    expect(wx.navigateTo.mock.calls.length + wx.switchTab.mock.calls.length).toBe(1)
    view.detach()
  })
})
