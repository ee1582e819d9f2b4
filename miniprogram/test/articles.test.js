/**
 * Mini-program 1.3.0: the article-list block (from the demo's home layout and with each
 * layout), the article-body block, and pages/article — the demo's decorated article page
 * (its layout around article-body, the body in a rich-text node, the view counted), and the
 * article list by category — replaying the exchanges captured from the demo shop.
 */
const {fixture, installWx, replay} = require('./helpers/wx')
const {render, text, tap} = require('./helpers/render')
const config = require('../config')

const home = fixture('layout-home').body
const article = fixture('article').body
const articles = fixture('articles').body
const articleLayout = fixture('layout-article').body

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

test('an article: the decorated layout around article-body, the body in rich-text, one view counted', async () => {
  const {requests} = installWx(replay('layout-article', 'article-views'))
  const view = render('pages/article/index')
  await view.instance.onLoad({id: String(article.id)})
  expect(requests.map(r => `${r.method || 'GET'} ${r.url.split('/shops/demo')[1]}`)).toEqual([
    `GET /layouts/article?id=${article.id}`, `POST /articles/${article.id}/views`])
  expect(requests.every(r => r.header.Authorization === undefined)).toBe(true)
  const types = articleLayout.nodes.map(n => n.type)
  expect(types.indexOf('notice-bar')).toBeLessThan(types.indexOf('article-body'))
  expect(types).toContain('article-list')
  const node = articleLayout.nodes.find(n => n.type === 'article-body')
  const layout = view.querySelector('#layout')
  const body = layout.querySelector(`#node-${node.id}`)
  expect(text(body.querySelector('.article__title'))).toBe('会员权益说明')
  const meta = text(body.querySelector('.article__meta'))
  expect(meta).toContain('会员指南')
  expect(meta).toContain(`${fixture('article-views').body.views} 次阅读`)
  expect(body.data.article.body).toContain('<table>')
  expect(body.data.article.body).toContain('<h2>会员等级</h2>')
  expect(body.querySelector('.article__body').dom.tagName.toLowerCase()).toBe('wx-rich-text')
  expect(layout.querySelectorAll('.node').length).toBe(articleLayout.nodes.length)
  expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({title: articleLayout.page.title})
})

test('article-body settings: no cover, author or views; server image paths made absolute', () => {
  const view = renderNodes({id: 'ab', type: 'article-body', v: 1, children: [],
    props: {show_cover: false, show_author: false, show_views: false, title_size: 'medium'},
    data: {author: '演示店', show_views: true, article: {id: 9, title: 'x', day: '2026-11-25', category: null,
      views: 3, cover: '/media/1/ab/c.png', body_html: '<p><img src="/media/1/ab/d.png" alt=""></p>'}}},
  {id: 'empty', type: 'article-body', v: 1, children: [], props: {}, data: {article: null, preview: true}})
  const block = view.querySelector('#node-ab')
  expect(text(block.querySelector('.article__meta'))).toBe('2026-11-25')
  expect(block.querySelector('.article__cover')).toBeFalsy()
  expect(block.querySelector('.article').dom.className).toContain('article--medium')
  const base = config.baseUrl.replace(/\/+$/, '')
  expect(block.data.article.body).toBe(`<p><img style="max-width:100%;height:auto" src="${base}/media/1/ab/d.png" alt=""></p>`)
  expect(text(view.querySelector('#node-empty'))).toContain('发布文章后')
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

test('an article that is not published shows the 404', async () => {
  installWx(replay('layout-article-missing'))
  const view = render('pages/article/index')
  await view.instance.onLoad({id: '987654'})
  expect(view.instance.data.layout).toBe(null)
  expect(view.querySelector('.error')).toBeTruthy()
  expect(fixture('layout-article-missing').body.errors[0].pointer).toBe('/id')
})
