/**
 * Bargain on the mini-program against exchanges recorded from a real server: the bargain
 * block (floor and start price, cuts, a tap opens the activity page); the activity page's
 * 发起砍价 (POST /bargain/launches, then the launch page); the launch page for its launcher
 * (progress bar, countdown, helpers, buy through checkout with activity=bargain, the share
 * path) and for a friend (帮砍一刀, a second cut refused with the server's reason).
 */
const {fixture, replay, installWx, settle} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')

const allBlocks = fixture('layout-all-blocks').body
const activity = fixture('bargain-activity').body
const mine = fixture('bargain-launch').body
const friend = fixture('bargain-friend-launch').body
const helped = fixture('bargain-help').body

const yuan = fen => `¥${(fen / 100).toFixed(2)}`

describe('the bargain block', () => {
  test('lists the live bargains and opens one', async () => {
    installWx(null)
    const node = allBlocks.nodes.find(n => n.type === 'bargain')
    const block = render('components/blocks/bargain/index', {node})
    const items = block.querySelectorAll('.bargain__item')
    const first = node.data.items[0]
    expect(items.length).toBe(Math.min(node.data.items.length, node.props.limit))
    expect(text(items[0])).toContain(`最低 ${yuan(first.floor_price_fen)}`)
    expect(text(items[0])).toContain(yuan(first.start_price_fen))
    expect(text(items[0])).toContain(`${first.helpers_needed} 刀砍到底`)
    await tap(items[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/bargain/activity?id=${first.id}`})
    block.detach()
  })

  test('draws nothing without items', () => {
    installWx(null)
    const block = render('components/blocks/bargain/index', {node: {id: 'b', type: 'bargain', props: {}, data: {}}})
    expect(block.querySelector('.bargain')).toBeFalsy()
  })
})

describe('the bargain pages', () => {
  test('the activity page launches a bargain and opens it', async () => {
    const {requests} = installWx(replay('bargain-activity', 'login', 'bargain-launch'))
    const view = render('pages/bargain/activity')
    await view.instance.onLoad({id: String(activity.id)})
    expect(text(view)).toContain(`最低可砍至 ${yuan(activity.floor_price_fen)}`)
    expect(text(view)).toContain(`${activity.helpers_needed} 刀砍到底`)
    expect(text(view)).toContain(activity.rules_text)
    await view.instance.onLaunch()
    const posted = requests.find(r => r.method === 'POST' && /bargain\/launches$/.test(r.url))
    expect(posted.data).toEqual({activity_id: activity.id})
    expect(wx.navigateTo).toHaveBeenCalledWith({url: `/pages/bargain/launch?id=${mine.id}`})
  })

  test('the launcher sees progress, countdown and helpers, buys and shares', async () => {
    const launchGet = JSON.parse(JSON.stringify(fixture('bargain-launch')))
    launchGet.request.method = 'GET'
    launchGet.request.path = `${launchGet.request.path}/${mine.id}`
    launchGet.status = 200
    installWx(replay('login', launchGet))
    const view = render('pages/bargain/launch')
    await view.instance.onLoad({id: String(mine.id)})
    expect(text(view)).toContain(`当前价 ${yuan(mine.price_fen)}`)
    expect(view.querySelector('.bg__fill').dom.getAttribute('style')).toContain(`width: ${mine.percent}%`)
    expect(text(view)).toContain('发起人自己')
    expect(text(view)).toContain(`砍掉 ${yuan(mine.helpers[0].amount_fen)}`)
    expect(view.data.clock).toMatch(/^\d\d:\d\d:\d\d$/)
    expect(view.querySelector('.bg__help')).toBeFalsy()
    view.instance.onBuy()
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url:
      `/pages/checkout/index?sku=${mine.sku_id}&qty=1&activity=bargain&activity_id=${mine.id}`})
    const share = view.instance.onShareAppMessage()
    expect(share.path).toBe(`/pages/bargain/launch?id=${mine.id}`)
    expect(share.title).toBe(mine.share.title)
  })

  test('a friend cuts once; a second cut shows the server refusal', async () => {
    installWx(replay('login', 'bargain-friend-launch', 'bargain-help'))
    const view = render('pages/bargain/launch')
    await view.instance.onLoad({id: String(friend.id)})
    expect(text(view)).toContain(`${friend.launcher.nickname} 请你帮砍一刀`)
    expect(view.querySelector('.bg__buy')).toBeFalsy()
    await view.instance.onHelp()
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({
      title: `帮砍成功，砍掉${yuan(helped.amount_fen)}`}))
    expect(view.data.l.cuts).toBe(friend.cuts + 1)
    expect(text(view)).toContain('你已帮砍过')
    expect(view.querySelector('.bg__help')).toBeFalsy()

    installWx(replay('login', 'bargain-friend-launch', 'bargain-help-again'))
    const again = render('pages/bargain/launch')
    await again.instance.onLoad({id: String(friend.id)})
    await again.instance.onHelp()
    await settle()
    const shown = wx.showToast.mock.calls.concat(wx.showModal.mock.calls).map(c => JSON.stringify(c[0]))
    expect(shown.join(' ')).toMatch(/already cut|已/)
  })
})
