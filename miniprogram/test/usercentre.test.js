/**
 * The user centre's coupons and paid card on the mini-program, against exchanges recorded
 * from a real server (the demo shop; the fixture shopper holds the coupon it claimed and no
 * card, with 金卡月卡 on sale): the user-card block's 优惠券 figure and 开通会员卡 entry, hidden
 * when the shop has coupons off or sells no card; 我的优惠券 by tab with 去使用; 会员卡 with the
 * plan's price, benefits and days and a purchase the empty balance refuses (one key per plan).
 */
const config = require('../config')
const {fixture, settle, clone, loggedIn} = require('./helpers/wx')
const {render, text} = require('./helpers/render')

const BASE = `${config.baseUrl}/api/v1/shops/${config.shop}`
const me = fixture('me')
const mine = fixture('my-coupons')
const plans = fixture('card-plans')
const refused = fixture('card-buy-refused')
const node = fixture('layout-user').body.nodes.find(n => n.type === 'user-card')



describe('the user-card block', () => {
  test('shows the usable coupons and 开通会员卡, each opening its page', async () => {
    expect(me.body.coupon_count).toBeGreaterThan(0)
    expect([me.body.card, me.body.cards_on_sale]).toEqual([null, true])
    loggedIn(me, 'order-counts')
    const block = render('components/blocks/user-card/index', {node})
    await settle()
    const coupons = block.querySelector('.ucard__coupons')
    expect(text(coupons)).toBe(`${me.body.coupon_count}优惠券`)
    coupons.dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: '/pages/coupons/index'})
    const card = block.querySelector('.ucard__card')
    expect(text(card)).toBe('开通会员卡')
    card.dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: '/pages/cards/index'})
  })

  test("names the member's running card; no coupon figure or card entry when off", async () => {
    const running = clone(me)
    running.body.card = {name: '金卡月卡', expires_at: '2026-12-25T04:00:00+00:00'}
    loggedIn(running, 'order-counts')
    const block = render('components/blocks/user-card/index', {node})
    await settle()
    expect(text(block.querySelector('.ucard__card'))).toBe('金卡月卡 · 2026/12/25到期')

    const off = clone(me)
    Object.assign(off.body, {coupon_count: null, card: null, cards_on_sale: false})
    loggedIn(off, 'order-counts')
    const bare = render('components/blocks/user-card/index', {node})
    await settle()
    expect(bare.querySelector('.ucard__coupons')).toBeFalsy()
    expect(bare.querySelector('.ucard__card')).toBeFalsy()
    expect(text(bare)).toContain('余额')
  })
})

describe('我的优惠券', () => {
  test('lists the usable coupons with value, rule, validity and 去使用 to home', async () => {
    const {requests} = loggedIn(mine)
    const view = render('pages/coupons/index')
    await view.instance.onLoad({})
    const [coupon] = mine.body.items
    expect(requests.map(r => r.url)).toEqual([`${BASE}/me/coupons?status=unused`])
    expect(text(view)).toContain('可使用')
    expect(text(view)).toContain(coupon.value_text)
    expect(text(view)).toContain(coupon.rule_text)
    expect(text(view)).toContain(coupon.valid_text)
    view.querySelector('.mc__use').dispatchEvent('tap')
    await settle()
    expect(wx.switchTab).toHaveBeenCalledWith({url: '/pages/index/index'})
  })

  test('a coupon for one product opens it; another tab asks for its status', async () => {
    const one = clone(mine)
    Object.assign(one.body.items[0], {scope: 'products', product_ids: [42]})
    const used = clone(mine)
    used.request.path = used.request.path.replace('unused', 'used')
    used.body.items = [Object.assign(clone(mine.body.items[0]), {status: 'used', usable_now: false})]
    const {requests} = loggedIn(one, used)
    const view = render('pages/coupons/index')
    await view.instance.onLoad({})
    view.querySelector('.mc__use').dispatchEvent('tap')
    await settle()
    expect(wx.navigateTo).toHaveBeenCalledWith({url: '/pages/product/index?id=42'})
    await view.instance.onTab({currentTarget: {dataset: {status: 'used'}}})
    expect(requests.map(r => r.url)).toContain(`${BASE}/me/coupons?status=used`)
    expect(view.querySelector('.mc__use')).toBeFalsy()
    expect(text(view)).toContain('已使用')
  })
})

describe('会员卡', () => {
  test('shows the plan with price, benefits and days; 开通 is refused for the balance', async () => {
    const {requests} = loggedIn(me, plans, 'levels', refused)
    const view = render('pages/cards/index')
    await view.instance.onLoad()
    const [plan] = plans.body.plans
    expect(text(view)).toContain('还没有开通会员卡')
    expect(text(view)).toContain(plan.name)
    expect(text(view)).toContain(`¥${(plan.price_fen / 100).toFixed(2)}`)
    expect(text(view)).toContain(`${plan.days} 天`)
    expect(text(view)).toContain('权益')
    const buy = {currentTarget: {dataset: {plan: plan.id}}}
    expect(await view.instance.onBuy(buy)).toBe(null)
    expect(text(view)).toContain('余额不足')
    await view.instance.onBuy(buy)
    const posts = requests.filter(r => r.method === 'POST' && r.url === `${BASE}/me/cards`)
    expect(posts).toHaveLength(2)
    expect(posts[0].data).toEqual({plan_id: plan.id})
    expect(posts[1].header['Idempotency-Key']).toBe(posts[0].header['Idempotency-Key'])
  })
})
