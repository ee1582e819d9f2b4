/**
 * The layout renderer against layouts a real mallkit server sent (test/fixtures, captured by
 * scripts/capture_fixtures.py): every node renders its block component, unknown types are
 * skipped, hidden / module-off blocks are absent, prices show in ¥ from fen, taps navigate.
 */
const fs = require('fs')
const path = require('path')
const {fixture, installWx, replay} = require('./helpers/wx')
const {ROOT, render, text, tap, simulate} = require('./helpers/render')
const KNOWN = require('../utils/block-types')

const allBlocks = fixture('layout-all-blocks').body
const home = fixture('layout-home').body
// The server's block types this client renders: all but those marked h5_only, from blocks/
// and from each module's own blocks/ (runtime/modules/<id>/blocks).
const MODULES = path.join(ROOT, '..', 'runtime', 'modules')
const BLOCK_FOLDERS = [path.join(ROOT, '..', 'blocks'),
  ...fs.readdirSync(MODULES).map(m => path.join(MODULES, m, 'blocks')).filter(d => fs.existsSync(d))]
const BLOCK_DIRS = BLOCK_FOLDERS.flatMap(dir => fs.readdirSync(dir)
  .filter(name => fs.existsSync(path.join(dir, name, 'block.json')))
  .filter(name => !JSON.parse(fs.readFileSync(path.join(dir, name, 'block.json'), 'utf8')).h5_only))

// The element each block component draws when it has something to show.
const ROOTS = {
  'search-bar': '.search', banner: '.banner', 'icon-nav': '.nav', 'notice-bar': '.notice',
  'image-ad': '.hotspots', 'magic-cube': '.cube', title: '.title', 'rich-text': '.rich',
  spacer: '.spacer', divider: '.divider', 'product-grid': '#list', 'product-tabs': '.ptabs',
  'store-info': '.store', video: '.video', 'image-text': '.itext', 'follow-account': '.follow',
  'coupon-strip': '.coupons', 'signin-calendar': '.signin', 'service-button': '.service',
  'product-buybox': '.buybox', 'user-card': '.ucard', 'single-image': '.single',
  'product-reviews': '.reviews', 'page-tabs': '.ptabs', 'header-combo': '.hcombo',
  'floating-button': '.float', 'product-ranking': '.rank', 'recent-purchases': '.ticker-wrap',
  seckill: '.seckill', 'distribution-centre': '.dist',
  'points-mall-grid': '.pmall', 'article-list': '.articles', 'live-entry': '.live',
  'member-day': '.mday', invite: '.invite', groupbuy: '.gbk', 'group-progress': '.gpr-block',
  bargain: '.bargain', 'coupon-centre': '.centre', 'limited-discount': '.ltd',
  'full-reduction-notice': '.frn',
}

function renderLayout(layout) {
  return render('components/layout-renderer/index', {layout})
}

function expectedYuan(fen) {
  return `¥${(fen / 100).toFixed(2)}`
}

function cards(renderer, nodeId) {
  return renderer.querySelector(`#node-${nodeId}`).querySelector('#list').querySelectorAll('.card')
}

beforeEach(() => {
  installWx(null)
})

describe('a captured layout', () => {
  test('covers every block type the server bundles for mini-programs, and this client knows them all', () => {
    expect(KNOWN.slice().sort()).toEqual(BLOCK_DIRS.slice().sort())
    const sent = new Set(allBlocks.nodes.map(n => n.type))
    // product-buybox and product-reviews belong on product pages (layout-product),
    // article-body on the article page (layout-article).
    expect([...sent, 'product-buybox', 'product-reviews', 'article-body'].sort())
      .toEqual(BLOCK_DIRS.slice().sort())
  })

  test('every node renders the component of its type, in order', () => {
    const renderer = renderLayout(allBlocks)
    const rendered = renderer.querySelectorAll('.node')
    expect(rendered.length).toBe(allBlocks.nodes.length)
    allBlocks.nodes.forEach((node, i) => {
      const comp = renderer.querySelector(`#node-${node.id}`)
      expect(comp).toBeTruthy()
      expect(rendered[i].dom).toBe(comp.dom)
      expect(comp.dom.tagName.toLowerCase()).toBe(`block-${node.type}`)
      expect(comp.querySelector(ROOTS[node.type])).toBeTruthy()
    })
  })

  test('the home page renders every node the server sent', () => {
    const renderer = renderLayout(home)
    expect(renderer.querySelectorAll('.node').map(c => c.dom.tagName.toLowerCase()))
      .toEqual(home.nodes.map(n => `block-${n.type}`))
    expect(text(renderer)).toContain('春夏新品上市')
  })

  test('a hidden block is absent; the demo coupons come with the strip', () => {
    const ids = allBlocks.nodes.map(n => n.id)
    expect(ids).not.toContain('hidden-title')
    const renderer = renderLayout(allBlocks)
    expect(renderer.querySelector('#node-hidden-title')).toBeFalsy()
    const strip = allBlocks.nodes.find(n => n.id === 'coupons')
    expect(strip.data.coupons.length).toBeGreaterThan(0)
    expect(renderer.querySelector('#node-coupons').querySelectorAll('.coupon').length)
      .toBe(Math.min(strip.data.coupons.length, strip.props.limit))
    expect(text(renderer)).not.toContain('不应出现')
  })

  test('theme tokens become CSS variables on the page', () => {
    const renderer = renderLayout(allBlocks)
    const style = renderer.querySelector('.layout').dom.getAttribute('style')
    expect(style).toContain(`--color-primary: ${allBlocks.theme.tokens.color_primary}`)
    expect(style).toContain(`--radius: ${allBlocks.theme.tokens.radius}px`)
  })

  test('product prices show in ¥ from fen, with the original price and sales', () => {
    const node = allBlocks.nodes.find(n => n.id === 'picks')
    const renderer = renderLayout(allBlocks)
    const shown = cards(renderer, 'picks')
    expect(shown.length).toBe(node.data.products.length)
    node.data.products.forEach((product, i) => {
      const card = text(shown[i])
      expect(card).toContain(product.title)
      expect(card).toContain(expectedYuan(product.price_fen))
      if (product.original_price_fen > product.price_fen) {
        expect(card).toContain(expectedYuan(product.original_price_fen))
      }
      expect(card).toContain(`已售 ${product.sales}`)
    })
    expect(text(renderer.querySelector('#node-picks'))).toContain('热卖')
  })

  test('tapping a product opens its page; the buy button opens the SKU picker', async () => {
    const node = allBlocks.nodes.find(n => n.id === 'picks')
    const renderer = renderLayout(allBlocks)
    const list = renderer.querySelector('#node-picks').querySelector('#list')
    await tap(list.querySelectorAll('.card')[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/product/index?id=${node.data.products[0].id}`})
    await tap(list.querySelectorAll('.card__buy')[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/product/index?id=${node.data.products[0].id}&buy=1`})
    expect(wx.navigateTo).toHaveBeenCalledTimes(2) // catchtap: the card did not also open
  })

  test('product tabs switch and their products navigate', async () => {
    const node = allBlocks.nodes.find(n => n.type === 'product-tabs')
    const renderer = renderLayout(allBlocks)
    const tabs = renderer.querySelector(`#node-${node.id}`)
    const titles = tabs.querySelectorAll('.ptabs__tab')
    expect(titles.map(text)).toEqual(node.data.tabs.map(t => t.title))
    await tap(titles[1])
    const second = node.data.tabs[1].products
    const list = tabs.querySelector('#list')
    expect(list.querySelectorAll('.card__title').map(text)).toEqual(second.map(p => p.title))
    const shown = list.querySelectorAll('.card')
    await tap(shown[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/product/index?id=${second[0].id}`})
  })

  test('links go where the protocol says', async () => {
    const renderer = renderLayout(allBlocks)
    const hero = allBlocks.nodes.find(n => n.id === 'hero')
    const slides = renderer.querySelector('#node-hero').querySelectorAll('.banner__slide')
    await tap(slides[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/product/index?id=${hero.props.slides[0].link.product_id}`})
    await tap(slides[1])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/webview/index?url=${encodeURIComponent('https://example.com/sale')}`})

    const nav = allBlocks.nodes.find(n => n.id === 'nav')
    const entries = renderer.querySelector('#node-nav').querySelectorAll('.nav__item')
    expect(entries.length).toBe(nav.props.entries.length)
    await tap(entries[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/page/index?slug=category'})
    await tap(entries[1])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/page/index?slug=category&group=${nav.props.entries[1].link.group_id}`})
    await tap(entries[2])
    expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/user/index'})
    await tap(entries[3])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/orders/index'})

    const zones = renderer.querySelector('#node-hotspots').querySelectorAll('.hotspots__zone')
    expect(zones.length).toBe(2)
    await tap(zones[1])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url: expect.stringMatching(/^\/pages\/page\/index\?slug=category&group=\d+$/)})

    await tap(renderer.querySelector('#node-notice').querySelector('.notice'))
    expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/index/index'})
  })

  test('image-ad zones are placed in % of the image', () => {
    const renderer = renderLayout(allBlocks)
    const zones = renderer.querySelector('#node-hotspots').querySelectorAll('.hotspots__zone')
    expect(zones[0].dom.getAttribute('style')).toContain('left: 0%; top: 0%; width: 50%; height: 100%')
    expect(zones[1].dom.getAttribute('style')).toContain('left: 50%')
  })

  test('rich text goes to the rich-text component as the server cleaned it', () => {
    const node = allBlocks.nodes.find(n => n.type === 'rich-text')
    const renderer = renderLayout(allBlocks)
    const block = renderer.querySelector(`#node-${node.id}`)
    expect(block.data.html).toBe(node.props.content)
    expect(block.querySelector('.rich__body')).toBeTruthy()
  })

  test('images are loaded from the server at the size that fits', () => {
    const renderer = renderLayout(allBlocks)
    const hero = allBlocks.nodes.find(n => n.id === 'hero')
    const image = hero.props.slides[0].image
    // 702 rpx on a 375 pt, 2x screen = 702 physical pixels: larger than every size sent.
    const block = renderer.querySelector('#node-hero')
    expect(block.data.slides[0].src).toBe(`http://127.0.0.1:5000${image.url}`)
    const nav = renderer.querySelector('#node-nav')
    const icon = allBlocks.nodes.find(n => n.id === 'nav').props.entries[2].image
    expect(nav.data.entries[2].image).toBe(`http://127.0.0.1:5000${icon.sizes['150']}`)
  })

  test('store info opens the map and dials the number the server prepared', async () => {
    const node = allBlocks.nodes.find(n => n.type === 'store-info')
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    expect(text(block)).toContain(node.data.name)
    await tap(block.querySelector('.store__action--map'))
    expect(wx.openLocation).toHaveBeenCalledWith(expect.objectContaining({
      latitude: node.data.location.latitude, longitude: node.data.location.longitude}))
    await tap(block.querySelector('.store__action--call'))
    expect(wx.makePhoneCall).toHaveBeenCalledWith({phoneNumber: node.data.tel.replace('tel:', '')})
  })

  test('product reviews show the rating and the reviews the server sent, then page through the rest', async () => {
    const product = fixture('layout-product').body
    const node = product.nodes.find(n => n.type === 'product-reviews')
    node.props.count = node.data.items.length  // all the server sent are shown; more are paged
    expect(node.data.rating.count).toBe(node.data.items.length)
    node.data.rating.count += 1  // one more than the layout carries: "查看更多" appears
    const more = {items: [...node.data.items, {id: 999, stars: 3, content: '<b>第四条</b>', nickname: '路人',
      images: [{url: '/media/1/aa/x.png', thumb: '/media/1/aa/x-w300.png'}]}], total: 4}
    const {requests} = installWx(() => ({statusCode: 200, header: {}, data: more}))
    const block = renderLayout(product).querySelector(`#node-${node.id}`)
    const reviews = block.querySelectorAll('.review')
    expect(reviews.length).toBe(node.data.items.length)
    expect(text(block)).toContain(`${node.data.rating.average}`)
    expect(text(block)).toContain(`好评率 ${node.data.rating.good_rate}%`)
    expect(text(reviews[0])).toContain(node.data.items[0].content)
    expect(text(reviews[0])).toContain('精选')
    const anonymous = node.data.items.find(x => x.anonymous)
    expect(text(block)).toContain(anonymous.nickname)
    const replied = node.data.items.find(x => x.reply)
    expect(text(block)).toContain(`商家回复：${replied.reply}`)

    await tap(block.querySelector('.reviews__more'))
    await simulate.sleep(30)
    expect(requests.map(r => r.url)).toEqual([expect.stringContaining(
      `/products/${node.data.product_id}/reviews?page=1&per_page=10`)])
    expect(block.querySelectorAll('.review').length).toBe(4)
    expect(text(block)).toContain('<b>第四条</b>')
    expect(block.querySelector('.reviews__more')).toBeFalsy()
    await tap(block.querySelector('.review__photo'))
    expect(wx.previewImage).toHaveBeenCalledWith({urls: ['http://127.0.0.1:5000/media/1/aa/x.png'],
      current: 'http://127.0.0.1:5000/media/1/aa/x.png'})
  })

  test('the member-day banner shows the rules with the layout and today from /memberday', async () => {
    const node = allBlocks.nodes.find(n => n.type === 'member-day')
    const day = fixture('memberday').body
    const {requests} = installWx(() => ({statusCode: 200, header: {}, data: day}))
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    expect(text(block)).toContain(`${node.data.title} · ${node.data.schedule_text}`)
    expect(text(block)).toContain(node.data.benefit_text)
    await simulate.sleep(30)
    expect(requests.filter(r => r.url.endsWith('/memberday')).length).toBe(1)
    expect(text(block.querySelector('.mday__when'))).toBe(
      day.is_today ? '今天就是会员日' : `还有 ${day.days_until} 天`)
  })

  test('the invite card shows the rewards with the layout, my code from /invite/me and shares my path', async () => {
    const node = allBlocks.nodes.find(n => n.type === 'invite')
    const me = fixture('invite-me').body
    const {storage, requests} = installWx(() => ({statusCode: 200, header: {}, data: me}))
    storage.set('mallkit:demo:token', {token: 't'})
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    expect(text(block)).toContain(node.data.title)
    expect(text(block)).toContain(node.data.inviter_text)
    expect(text(block)).toContain(node.data.trigger_text)
    await simulate.sleep(30)
    expect(requests.filter(r => r.url.endsWith('/invite/me')).length).toBe(1)
    expect(text(block.querySelector('.invite__code'))).toBe(me.code)
    const button = block.querySelector('.invite__btn')
    expect(button.dom.getAttribute('data-share-path')).toBe(me.share_path)
  })

  test('the invite card asks nothing before a login', async () => {
    const node = allBlocks.nodes.find(n => n.type === 'invite')
    const {requests} = installWx(() => null)
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    await simulate.sleep(30)
    expect(requests.filter(r => r.url.endsWith('/invite/me')).length).toBe(0)
    expect(block.querySelector('.invite__mine')).toBeFalsy()
  })

  test('the sign-in card shows the rules the server sent', () => {
    const node = allBlocks.nodes.find(n => n.type === 'signin-calendar')
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    const steps = block.querySelectorAll('.signin__step')
    expect(steps.length).toBe(node.data.cycle.length)
    expect(text(steps[2])).toContain(`+${node.data.cycle[2].points}`)
    expect(block.querySelectorAll('.signin__mile').length).toBe(node.data.milestones.length)
  })
})

describe('points-mall-grid', () => {
  const node = allBlocks.nodes.find(n => n.type === 'points-mall-grid')

  test('shows the goods the server sent with their points and cash', () => {
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    const cards = block.querySelectorAll('.pmall__card')
    const shown = node.data.items.slice(0, node.props.limit)
    expect(cards.length).toBe(shown.length)
    shown.forEach((item, i) => {
      expect(text(cards[i])).toContain(item.title)
      expect(text(cards[i])).toContain(`${item.points} 积分`)
      if (item.cash_fen) expect(text(cards[i])).toContain(`+ ¥${expectedYuan(item.cash_fen).slice(1)}`)
    })
    expect(shown.some(item => item.cash_fen === 0)).toBe(true)
  })

  test('a tap opens checkout as an exchange of that item; 更多 opens the points mall page', async () => {
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    const item = node.data.items[0]
    await tap(block.querySelectorAll('.pmall__card')[0])
    expect(wx.navigateTo).toHaveBeenLastCalledWith({url:
      `/pages/checkout/index?sku=${item.sku_id}&qty=1&activity=pointsmall&activity_id=${item.id}`})
    const more = block.querySelector('.pmall__more')
    if (node.props.show_more) {
      await tap(more)
      expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/page/index?slug=${node.data.mall_page}`})
    } else {
      expect(more).toBeFalsy()
    }
  })

  test('a sold-out item is shown but not tappable', async () => {
    const layout = JSON.parse(JSON.stringify(allBlocks))
    const copy = layout.nodes.find(n => n.type === 'points-mall-grid')
    copy.data.items = [Object.assign({}, copy.data.items[0], {sold_out: true})]
    const block = renderLayout(layout).querySelector(`#node-${copy.id}`)
    expect(text(block)).toContain('已兑完')
    await tap(block.querySelector('.pmall__card'))
    expect(wx.navigateTo).not.toHaveBeenCalled()
  })
})

describe('protocol rules', () => {
  test('unknown node types are skipped with their children; the rest still renders', () => {
    const layout = JSON.parse(JSON.stringify(allBlocks))
    layout.nodes.splice(2, 0, {
      id: 'future', type: 'countdown', v: 3, props: {ends_at: '2030-01-01'}, data: null,
      children: [{id: 'inner-title', type: 'title', v: 2, props: {title: '子节点'}, data: null, children: []}],
    })
    const renderer = renderLayout(layout)
    expect(renderer.querySelector('#node-future')).toBeFalsy()
    expect(renderer.querySelector('#node-inner-title')).toBeFalsy()
    expect(text(renderer)).not.toContain('子节点')
    expect(renderer.querySelectorAll('.node').length).toBe(allBlocks.nodes.length)
    expect(renderer.querySelector(`#node-${allBlocks.nodes[2].id}`)).toBeTruthy()
  })

  test('a document of another protocol version asks for an update', () => {
    const renderer = renderLayout(Object.assign({}, allBlocks, {protocol: 2}))
    expect(renderer.querySelectorAll('.node').length).toBe(0)
    expect(text(renderer)).toContain('请更新')
  })

  test.each(KNOWN)('%s never crashes on missing, null or mistyped props and data', type => {
    const broken = [
      {id: 'a', type},
      {id: 'b', type, v: 1, props: null, data: 'nonsense', children: null},
      {id: 'c', type, v: 1, props: {slides: 'x', entries: 5, cells: [null, 3], zones: [{}], tabs: {},
        text: 7, title: null, content: 42, video: 'x', image: 'x', link: 'x', columns: 'x', height: 'x'},
      data: {products: [null, {id: 'x'}], tabs: [null], cycle: 'x', coupons: [{}]}, children: []},
      {id: 'd', type, v: 1, props: {}, data: {}, children: []},
    ]
    const renderer = renderLayout({protocol: 1, page: {}, theme: {}, nodes: broken})
    expect(renderer.querySelectorAll('.node').length).toBe(4)
  })

  test('nodes without an id, duplicates and non-objects are dropped', () => {
    const title = {type: 'title', v: 2, props: {title: 'T'}, data: null, children: []}
    const renderer = renderLayout({protocol: 1, page: {}, theme: {}, nodes: [
      null, 'x', Object.assign({}, title), Object.assign({id: 'one'}, title), Object.assign({id: 'one'}, title)]})
    expect(renderer.querySelectorAll('.node').length).toBe(1)
  })
})

describe('coupon-strip', () => {
  test('renders coupons in the shape the coupons module documents', () => {
    const node = {id: 'coupons', type: 'coupon-strip', v: 1,
      props: {source: 'available', coupon_ids: [], limit: 6, style: 'ticket', color: ''},
      data: {coupons: [
        {id: 1, title: '满减', kind: 'amount', value_fen: 1000, threshold_fen: 9900, valid_text: '', claimed: false},
        {id: 2, title: '折扣', kind: 'discount', discount_percent: 85, threshold_fen: 0, valid_text: '', claimed: true},
      ]}, children: []}
    const block = renderLayout({protocol: 1, page: {}, theme: {}, nodes: [node]}).querySelector('#node-coupons')
    const shown = block.querySelectorAll('.coupon')
    expect(shown.length).toBe(2)
    expect(text(shown[0])).toContain('¥10')
    expect(text(shown[0])).toContain('满 99.00 可用')
    expect(text(shown[1])).toContain('8.5折')
    expect(text(shown[1])).toContain('无门槛')
    expect(text(shown[1])).toContain('已领取')
  })
})

describe('distribution-centre', () => {
  const node = allBlocks.nodes.find(n => n.type === 'distribution-centre')
  const me = fixture('distribution-me')
  const applied = fixture('distribution-apply')

  test('shows the rules, and the apply button to a member who is not a distributor', async () => {
    const {storage} = installWx(replay(me))
    storage.set('mallkit:demo:token', {token: 't'})
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    await simulate.sleep(30)
    expect(me.body.is_distributor).toBe(false)
    expect(text(block)).toContain(`一级佣金 ${node.data.level1_rate}%`)
    expect(text(block.querySelector('.dist__button'))).toBe('成为分销员')
    expect(block.querySelector('.dist__money')).toBeFalsy()
  })

  test('applying shows the earnings from GET distribution/me and remembers the share code', async () => {
    const {storage, requests} = installWx(replay(me, applied))
    storage.set('mallkit:demo:token', {token: 't'})
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    await simulate.sleep(30)
    await tap(block.querySelector('.dist__button'))
    await simulate.sleep(30)
    expect(requests.filter(r => r.url.includes('/distribution/')).map(r => `${r.method} ${r.url.split('/distribution/')[1]}`))
      .toEqual(['GET me', 'POST apply'])
    const centre = applied.body
    expect(centre.is_distributor).toBe(true)
    expect(block.querySelector('.dist__button')).toBeFalsy()
    expect(text(block)).toContain(`推广码 ${centre.distributor.code}`)
    const figures = block.querySelectorAll('.dist__fig')
    expect(figures.map(f => text(f))).toEqual([
      `${(centre.earnings.pending_fen / 100).toFixed(2)}预估佣金`,
      `${(centre.earnings.frozen_fen / 100).toFixed(2)}提现中`,
      `${(centre.earnings.available_fen / 100).toFixed(2)}可提现`,
      `${(centre.earnings.withdrawn_fen / 100).toFixed(2)}已提现`])
    expect(block.querySelectorAll('.dist__entry').map(e => text(e)))
      .toEqual(['佣金明细', '我的团队', '提现', '推广海报'])
    expect(storage.get('mallkit:demo:distributor-code')).toBe(centre.distributor.code)
    const share = render('pages/index/index').instance.onShareAppMessage()
    expect(share.path).toBe(`/pages/index/index?from=${centre.distributor.code}`)
  })
})

/** Wait (under load too, up to 2 s) until ``done()`` holds, instead of a fixed pause. */
async function until(done) {
  for (let i = 0; i < 100 && !done(); i += 1) await simulate.sleep(20)
}

/** Wait until the block has its member's centre from GET distribution/me. */
async function centreLoaded(block) {
  await until(() => block.instance.data.centre)
  expect(block.instance.data.centre).toBeTruthy()
}

describe('distribution-centre apply form', () => {
  const node = allBlocks.nodes.find(n => n.type === 'distribution-centre')
  const me = fixture('distribution-me').body

  test('in "apply" mode the button opens the shop\'s form; the answers go with the application', async () => {
    const asked = {...me, enrolment: 'apply', form: [{key: 'name', label: '姓名', required: true},
      {key: 'wechat_id', label: '微信号', required: false}]}
    const pending = {...asked, result: 'pending', application: {id: 9, status: 'pending', reason: ''}}
    const {storage, requests} = installWx(request => {
      if (request.url.endsWith('/distribution/me')) return {statusCode: 200, header: {}, data: asked}
      if (request.url.endsWith('/distribution/apply')) return {statusCode: 201, header: {}, data: pending}
      return null
    })
    storage.set('mallkit:demo:token', {token: 't'})
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    await centreLoaded(block)
    await tap(block.querySelector('.dist__button'))
    expect(block.querySelectorAll('.dist__label').map(l => text(l))).toEqual(['姓名 *', '微信号'])
    await tap(block.querySelector('.dist__submit'))
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({title: '请填写姓名'}))
    expect(requests.filter(r => r.method === 'POST')).toEqual([])
    block.instance.onAnswer({currentTarget: {dataset: {key: 'name'}}, detail: {value: ' 李雷 '}})
    await tap(block.querySelector('.dist__submit'))
    await until(() => !block.querySelector('.dist__form'))
    expect(requests.filter(r => r.method === 'POST').map(r => r.data)).toEqual([{answers: {name: '李雷'}}])
    expect(block.querySelector('.dist__form')).toBeFalsy()
    expect(text(block)).toContain('申请审核中')
    expect(block.querySelector('.dist__button')).toBeFalsy()
  })

  test('in "everyone" mode the button applies at once, without a form', async () => {
    const {storage, requests} = installWx(request => (request.url.endsWith('/distribution/me')
      ? {statusCode: 200, header: {}, data: {...me, enrolment: 'everyone'}} : null))
    storage.set('mallkit:demo:token', {token: 't'})
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    await centreLoaded(block)
    await tap(block.querySelector('.dist__button'))
    expect(block.querySelector('.dist__form')).toBeFalsy()
    expect(requests.filter(r => r.method === 'POST').map(r => r.data)).toEqual([{}])
  })
})

describe('distribution-centre withdraw', () => {
  const node = allBlocks.nodes.find(n => n.type === 'distribution-centre')
  const centre = fixture('distribution-apply').body

  test('asks where to when WeChat change is offered, then sends the amount and the method', async () => {
    const me = {...centre, earnings: {...centre.earnings, available_fen: 5000},
      withdraw: {...centre.withdraw, methods: ['wallet', 'wechat', 'bank']}}
    const {storage, requests} = installWx(request => {
      if (request.url.endsWith('/distribution/me')) return {statusCode: 200, header: {}, data: me}
      if (request.url.endsWith('/distribution/withdrawals')) {
        return {statusCode: 201, header: {}, data: {id: 1, status: 'auditing', method: 'wechat'}}
      }
      return null
    })
    wx.showActionSheet = jest.fn(opts => opts.success({tapIndex: 1}))
    wx.showModal = jest.fn(opts => opts.success({confirm: true, content: '12.34'}))
    storage.set('mallkit:demo:token', {token: 't'})
    const block = renderLayout(allBlocks).querySelector(`#node-${node.id}`)
    await centreLoaded(block)
    await tap(block.querySelectorAll('.dist__entry')[2])
    await until(() => wx.showToast.mock.calls.some(([opts]) => opts.title === '提现申请已提交，审核后到账'))
    expect(wx.showActionSheet.mock.calls[0][0].itemList).toEqual(['提现到余额', '提现到微信零钱'])
    expect(wx.showModal.mock.calls[0][0].title).toBe('提现到微信零钱')
    expect(requests.filter(r => r.method === 'POST').map(r => r.data))
      .toEqual([{amount_fen: 1234, method: 'wechat'}])
    expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({title: '提现申请已提交，审核后到账'}))
  })
})

describe('share links (from=)', () => {
  const referral = require('../utils/referral')

  test('a launch with from= binds the shopper once, then forgets the code', async () => {
    const {storage, requests} = installWx(request => (request.url.endsWith('/distribution/bind')
      ? {statusCode: 200, header: {}, data: {bound: true, reason: null, referrer_member_id: 7}} : null))
    storage.set('mallkit:demo:token', {token: 't'})
    await referral.capture({from: 'AB12CD34'})
    expect(requests.map(r => [r.method, r.url.replace(/^.*\/shops\/demo/, ''), r.data]))
      .toEqual([['POST', '/distribution/bind', {code: 'AB12CD34'}]])
    expect(storage.has('mallkit:demo:from')).toBe(false)
    await referral.capture({})
    await referral.capture({from: 'bad code!'})
    expect(requests.length).toBe(1)
  })

  test('a network failure keeps the code for the next launch; the own code is never bound', async () => {
    const {storage, requests} = installWx(() => null)
    storage.set('mallkit:demo:token', {token: 't'})
    await referral.capture({from: 'AB12CD34'})
    expect(storage.get('mallkit:demo:from')).toBe('AB12CD34')
    storage.delete('mallkit:demo:from')
    storage.set('mallkit:demo:distributor-code', 'MINE0001')
    await referral.capture({from: 'MINE0001'})
    expect(requests.length).toBe(1)
    expect(referral.withFrom('/pages/product/index?id=3')).toBe('/pages/product/index?id=3&from=MINE0001')
  })
})

describe('invite links (invite=)', () => {
  const invite = require('../utils/invite')

  test('a launch with invite= accepts the invite once, then forgets the code', async () => {
    const {storage, requests} = installWx(request => (request.url.endsWith('/invite/bind')
      ? {statusCode: 200, header: {}, data: {bound: true, status: 'rewarded', invitee_points: 50}} : null))
    storage.set('mallkit:demo:token', {token: 't'})
    await invite.capture({invite: 'K7QX2MPA'})
    expect(requests.map(r => [r.method, r.url.replace(/^.*\/shops\/demo/, ''), r.data]))
      .toEqual([['POST', '/invite/bind', {code: 'K7QX2MPA'}]])
    expect(storage.has('mallkit:demo:invite')).toBe(false)
    await invite.capture({})
    await invite.capture({invite: 'bad code!'})
    expect(requests.length).toBe(1)
  })

  test('a network failure keeps the code for the next launch', async () => {
    const {storage} = installWx(() => null)
    storage.set('mallkit:demo:token', {token: 't'})
    await invite.capture({invite: 'K7QX2MPA'})
    expect(storage.get('mallkit:demo:invite')).toBe('K7QX2MPA')
  })

  test("the invite button shares the member's invite path; other shares keep the page's", () => {
    installWx(() => null)
    const page = render('pages/index/index').instance
    const button = {from: 'button', target: {dataset: {sharePath: '/pages/index/index?invite=K7QX2MPA', shareTitle: '邀请有礼'}}}
    expect(page.onShareAppMessage(button)).toMatchObject({title: '邀请有礼', path: '/pages/index/index?invite=K7QX2MPA'})
    expect(page.onShareAppMessage({from: 'menu'}).path).toBe('/pages/index/index')
  })
})
