/**
 * Mini-program 1.3.0: the article-list block (from the demo's home layout and with each
 * layout) and pages/article — one article's sanitised body in a rich-text node, and the
 * article list by category — replaying the exchanges captured from the demo shop.
 */
const {fixture, installWx, replay} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')
const config = require('../config')

const home = fixture('layout-home').body
const article = fixture('article').body
const articles = fixture('articles').body

function renderNodes(...nodes) {
  return render('components/layout-renderer/index', {layout: {protocol: 1, page: {}, theme: {}, nodes}})
}

beforeEach(() => {
  installWx(null)
})

test('the demo home sends its article list, and the block draws each article', async () => {
  const node = home.nodes.find(n => n.type === 'article-list')
  expect(node.data.items.length).toBeGreaterThan(0)
  const view = renderNodes(node)
  const block = view.querySelector(`#node-${node.id}`)
  const items = block.querySelectorAll('.articles__item')
  expect(block.querySelectorAll('.articles__name').map(text)).toEqual(node.data.items.map(a => a.title))
  expect(block.data.items[0].cover).toMatch(/^http:\/\/127.0.0.1:5000\/media\//)
  await tap(items[0])
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/article/index?id=${node.data.items[0].id}`})
  await tap(block.querySelector('.articles__more'))
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/article/index'})
})

test('cards, no summary, a category and nothing published yet', async () => {
  const view = renderNodes(
    {id: 'cards', type: 'article-list', v: 1, children: [],
      props: {title: '精选文章', layout: 'cards', show_summary: false, show_more: true},
      data: {category_id: 7, items: [{id: 3, title: '新品上市指南', summary: '怎么选', cover: null}], more: '/s/demo/articles?category=7'}},
    {id: 'empty', type: 'article-list', v: 1, children: [], props: {title: '', show_more: false}, data: {items: []}})
  const cards = view.querySelector('#node-cards')
  expect(cards.querySelector('.articles').dom.className).toContain('articles--cards')
  expect(cards.querySelector('.articles__summary')).toBeFalsy()
  await tap(cards.querySelector('.articles__more'))
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: '/pages/article/index?category=7'})
  const empty = view.querySelector('#node-empty')
  expect(text(empty)).toBe('暂无文章')
  expect(empty.querySelector('.articles__head')).toBeFalsy()
})

test('an article: title, meta, cover and the sanitised body in rich-text', async () => {
  const {requests} = installWx(replay('article'))
  const view = render('pages/article/index')
  await view.instance.onLoad({id: String(article.id)})
  expect(requests[0].url).toMatch(new RegExp(`/articles/${article.id}$`))
  expect(requests[0].header.Authorization).toBeUndefined()
  expect(text(view.querySelector('.article__title'))).toBe('会员权益说明')
  expect(text(view.querySelector('.article__meta'))).toContain(`${article.views} 次阅读`)
  expect(text(view.querySelector('.article__meta'))).toContain('会员指南')
  const body = view.instance.data.article.body
  expect(body).toContain('<table>')
  expect(body).toContain('<h2>会员等级</h2>')
  expect(view.querySelector('.article__body').dom.tagName.toLowerCase()).toBe('wx-rich-text')
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({title: '会员权益说明'})
})

test('server paths in a body become absolute and images fit the screen', async () => {
  installWx(() => ({statusCode: 200, header: {}, data: {
    id: 9, title: 'x', category: null, published_at: null, views: 1, cover: null,
    body_html: '<p><img src="/media/1/ab/c.png" alt=""><a href="/s/demo/" rel="noopener">店</a><img src="https://cdn.example.com/d.png"></p>'}}))
  const view = render('pages/article/index')
  await view.instance.onLoad({id: '9'})
  const base = config.baseUrl.replace(/\/+$/, '')
  expect(view.instance.data.article.body).toBe(
    `<p><img style="max-width:100%;height:auto;display:block" src="${base}/media/1/ab/c.png" alt="">` +
    `<a href="${base}/s/demo/" rel="noopener">店</a>` +
    '<img style="max-width:100%;height:auto;display:block" src="https://cdn.example.com/d.png"></p>')
})

test('the article list: category tabs and the published articles', async () => {
  installWx(replay('articles', 'article-categories'))
  const view = render('pages/article/index')
  await view.instance.onLoad({})
  expect(view.querySelectorAll('.list__tab').map(text)).toEqual(
    ['全部'].concat(fixture('article-categories').body.items.map(c => c.name)))
  expect(view.querySelectorAll('.list__name').map(text)).toEqual(articles.items.map(a => a.title))
  await tap(view.querySelectorAll('.list__item')[0])
  expect(wx.navigateTo).toHaveBeenLastCalledWith({url: `/pages/article/index?id=${articles.items[0].id}`})
})

test('an article that is gone shows the error', async () => {
  installWx(() => ({statusCode: 404, header: {'Content-Type': 'application/problem+json'},
    data: {status: 404, code: 'article_not_found', title: 'Not found', detail: 'no article 5'}}))
  const view = render('pages/article/index')
  await view.instance.onLoad({id: '5'})
  expect(view.instance.data.article).toBe(null)
  expect(view.querySelector('.error')).toBeTruthy()
})
