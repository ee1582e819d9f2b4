/**
 * The coupon centre on the mini-program against exchanges recorded from a real server (the
 * demo's claimable coupons on the all-blocks page): the cards from the layout, the shopper's
 * claimed state from GET /coupons?ids=..., 领取 through POST /coupons/<id>/claim, and a
 * logged-out shopper asked to log in before claiming.
 */
const config = require('../config')
const {fixture, replay, installWx, settle, loggedIn, TOKEN_KEY} = require('./helpers/wx')
const {render, text} = require('./helpers/render')

const BASE = `${config.baseUrl}/api/v1/shops/${config.shop}`
const allBlocks = fixture('layout-all-blocks').body
const node = allBlocks.nodes.find(n => n.type === 'coupon-centre')
const login = fixture('login')
const state = fixture('coupons-state')
const claim = fixture('coupon-claim')
const claimed = fixture('coupons-claimed')


function claimTap(view, id) {
  return view.instance.onClaim({currentTarget: {dataset: {id: String(id)}}})
}

const statePath = state.request.path.replace(/^\/api\/v1\/shops\/[^/]+/, '')

describe('the coupon centre', () => {
  test('lists the claimable coupons of the layout, each with 领取', async () => {
    const {requests} = installWx(replay())
    expect(node.data.coupons.length).toBeGreaterThan(0)
    const view = render('components/blocks/coupon-centre/index', {node})
    await settle()
    const cards = view.querySelectorAll('.centre__coupon')
    expect(cards.length).toBe(node.data.coupons.length)
    const first = node.data.coupons[0]
    expect(text(cards[0])).toContain(first.value_text)
    expect(text(cards[0])).toContain(first.title)
    expect(text(cards[0])).toContain(first.rule_text)
    expect(text(cards[0])).toContain(first.valid_text)
    expect(text(cards[0])).toContain('领取')
    expect(text(view)).toContain(node.props.title)
    expect(requests).toEqual([]) // logged out: no state asked for
    view.detach()
  })

  test('a member sees their state from the coupons endpoint, not the layout', async () => {
    const {requests} = loggedIn(claimed)
    const view = render('components/blocks/coupon-centre/index', {node})
    await settle()
    expect(requests.map(r => r.url)).toEqual([`${BASE}${statePath}`])
    const held = claimed.body.items.find(c => c.claimed)
    const card = view.instance.data.coupons.find(c => c.id === held.id)
    expect(card.claimed).toBe(true)
    expect(card.action).toBe(held.can_claim ? '再领一张' : '已领取')
    view.detach()
  })

  test('领取 claims through the API and shows the new state', async () => {
    const {requests} = loggedIn(state, claim)
    const view = render('components/blocks/coupon-centre/index', {node})
    await settle()
    const id = node.data.coupons[0].id
    expect(view.instance.data.coupons[0].action).toBe('领取')
    installWx(replay(claim, claimed))
    wx.setStorageSync(TOKEN_KEY, {token: login.body.token, expires_at: login.body.expires_at})
    await claimTap(view, id)
    expect(wx.request.mock.calls.map(c => [c[0].method, c[0].url])).toEqual([
      ['POST', `${BASE}/coupons/${id}/claim`], ['GET', `${BASE}${statePath}`]])
    expect(wx.showToast).toHaveBeenCalledWith({title: '领取成功', icon: 'none'})
    expect(view.instance.data.coupons[0].claimed).toBe(true)
    expect(text(view.querySelectorAll('.centre__coupon')[0])).toMatch(/已领取|再领一张/)
    expect(requests.length).toBe(1)
    view.detach()
  })

  test('logged out, 领取 asks to log in first; declining claims nothing', async () => {
    installWx(replay('login', claim, claimed))
    const view = render('components/blocks/coupon-centre/index', {node})
    await settle()
    const id = node.data.coupons[0].id
    await claimTap(view, id)
    expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({title: '请先登录'}))
    const calls = wx.request.mock.calls.map(c => [c[0].method, c[0].url])
    expect(calls).toEqual([['POST', `${BASE}/auth/wechat`], ['POST', `${BASE}/coupons/${id}/claim`],
      ['GET', `${BASE}${statePath}`]])
    view.detach()

    installWx(replay('login', claim))
    wx.showModal.mockImplementation(opts => opts.success({confirm: false, cancel: true}))
    const declined = render('components/blocks/coupon-centre/index', {node})
    await settle()
    await claimTap(declined, id)
    expect(wx.request).not.toHaveBeenCalled()
    expect(declined.instance.data.busy).toBe(false)
    declined.detach()
  })

  test('without coupons it says so', async () => {
    installWx(replay())
    const empty = JSON.parse(JSON.stringify(node))
    empty.data.coupons = []
    const view = render('components/blocks/coupon-centre/index', {node: empty})
    await settle()
    expect(view.querySelectorAll('.centre__coupon').length).toBe(0)
    expect(text(view)).toContain('暂时没有可领取的优惠券')
    view.detach()
  })
})
