/**
 * The navigation and selling blocks of mini-program 1.1.0: top tabs, header combo, floating
 * button, best-seller ranking and the recent-purchases ticker — as the server sends them
 * (the all-blocks layout) and with the data shapes their resolvers and endpoint document.
 */
const {fixture, installWx, replay} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')

const allBlocks = fixture('layout-all-blocks').body

function renderNodes(...nodes) {
  return render('components/layout-renderer/index', {layout: {protocol: 1, page: {}, theme: {}, nodes}})
}

function node(type, props, data) {
  return {id: type, type, v: 1, props: props || {}, data: data === undefined ? null : data, children: []}
}

beforeEach(() => {
  installWx(null)
})

afterEach(() => {
  jest.restoreAllMocks()
})

test('the all-blocks page sends each new block, and each draws', () => {
  const sent = allBlocks.nodes.map(n => n.type)
  const types = ['page-tabs', 'header-combo', 'floating-button', 'product-ranking', 'recent-purchases']
  types.forEach(type => expect(sent).toContain(type))
  const view = render('components/layout-renderer/index', {layout: allBlocks})
  const tabs = allBlocks.nodes.find(n => n.type === 'page-tabs')
  expect(view.querySelector(`#node-${tabs.id}`).querySelectorAll('.ptabs__tab').map(text))
    .toEqual(tabs.data.tabs.map(t => t.text))
  const ranking = allBlocks.nodes.find(n => n.type === 'product-ranking')
  expect(view.querySelector(`#node-${ranking.id}`).querySelectorAll('.rank__item').length)
    .toBe(ranking.data.products.length)
})

test('top tabs mark the current one; a category tab opens that category, a page tab its page', async () => {
  const view = renderNodes(node('page-tabs', {source: 'categories', style: 'pill'}, {current: 0, tabs: [
    {text: '推荐', link: {kind: 'page', slug: 'home'}, category_id: null},
    {text: '鞋靴', link: {kind: 'page', slug: 'category'}, category_id: 7},
    {text: '会员', link: {kind: 'page', slug: 'user'}, category_id: null}]}))
  const tabs = view.querySelector('#node-page-tabs').querySelectorAll('.ptabs__tab')
  expect(tabs.map(text)).toEqual(['推荐', '鞋靴', '会员'])
  expect(tabs[0].dom.className).toContain('is-current')
  await tap(tabs[0])
  expect(wx.switchTab).not.toHaveBeenCalled()
  await tap(tabs[1])
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/page/index?slug=category&id=7'})
  await tap(tabs[2])
  expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/user/index'})
})

test('the header combo shows its title, search, tabs and slides', async () => {
  const view = renderNodes(node('header-combo', {title: '鲜果铺', placeholder: '搜搜看', background: '#1989fa',
    slides: [{image: {url: 'https://cdn.example.com/1.png', sizes: {}}, link: {kind: 'product', product_id: 3}},
      {image: null, link: null}]},
  {current: -1, tabs: [{text: '首页', link: {kind: 'page', slug: 'home'}, category_id: null}]}))
  const head = view.querySelector('#node-header-combo')
  expect(text(head)).toContain('鲜果铺')
  expect(text(head)).toContain('搜搜看')
  expect(head.querySelector('.hcombo').dom.getAttribute('style')).toContain('#1989fa')
  expect(head.data.slides.map(s => s.src)).toEqual(['https://cdn.example.com/1.png'])
  await tap(head.querySelector('.hcombo__search'))
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/search/index'})
  await tap(head.querySelectorAll('.hcombo__tab')[0])
  expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/index/index'})
})

test('the floating button follows its link, or opens its menu', async () => {
  const link = renderNodes(node('floating-button', {mode: 'link', link: {kind: 'page', slug: 'cart'}}))
  await tap(link.querySelector('#node-floating-button').querySelector('.float__btn'))
  expect(wx.switchTab).toHaveBeenLastCalledWith({url: '/pages/cart/index'})
  const menu = renderNodes(node('floating-button', {mode: 'menu', label: '导航', items: [
    {text: '活动', link: {kind: 'page', slug: 'spring'}}, {text: '我的', link: {kind: 'page', slug: 'user'}}]}))
  const fab = menu.querySelector('#node-floating-button')
  expect(fab.querySelectorAll('.float__item').length).toBe(0)
  await tap(fab.querySelector('.float__btn'))
  const items = fab.querySelectorAll('.float__item')
  expect(items.map(text)).toEqual(['活动', '我的'])
  await tap(items[0])
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/page/index?slug=spring'})
  expect(fab.querySelectorAll('.float__item').length).toBe(0)
})

test('the ranking numbers the best sellers with price and pieces sold, or says there are none', async () => {
  const view = renderNodes(node('product-ranking', {title: '热销榜', period: 'week', show_sold: true}, {products: [
    {id: 3, title: '帽子', cover: '/media/1/ab/c.png', price_fen: 9900, max_price_fen: 9900, sold: 3, rank: 1,
      link: {kind: 'product', product_id: 3}}]}))
  const rank = view.querySelector('#node-product-ranking')
  expect(text(rank)).toContain('近 7 天')
  expect(text(rank.querySelector('.rank__item'))).toContain('¥99.00')
  expect(text(rank.querySelector('.rank__item'))).toContain('售出 3 件')
  await tap(rank.querySelector('.rank__item'))
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/product/index?id=3'})
  const empty = renderNodes(node('product-ranking', {}, {products: []}))
  expect(text(empty)).toContain('还没有成交')
})

test('the ticker reads the anonymised feed and shows one purchase at a time', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-07T09:03:00Z'))
  installWx(replay({request: {method: 'GET', path: '/api/v1/shops/demo/orders/recent-purchases', headers: {}},
    status: 200, headers: {'Content-Type': 'application/json'}, body: {items: [
      {buyer: '张**', product: '大衣', product_id: 5, paid_at: '2026-12-07T09:00:00+00:00'},
      {buyer: '李**', product: '帽子', product_id: 6, paid_at: '2026-12-07T07:00:00+00:00'}]}}))
  const view = renderNodes(node('recent-purchases', {style: 'bar', interval: 2}))
  const ticker = view.querySelector('#node-recent-purchases')
  await ticker.instance.load()
  expect(text(ticker)).toBe('张** 3 分钟前购买了 大衣')
  ticker.instance.show(1)
  expect(text(ticker)).toBe('李** 2 小时前购买了 帽子')
  await tap(ticker.querySelector('.ticker'))
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/product/index?id=6'})
  expect(wx.request.mock.calls[0][0].header.Authorization).toBeUndefined() // no login needed
  view.detach()
})
