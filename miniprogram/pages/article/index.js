/**
 * 文章 (pages/article/index?id=<id>): the shop's decorated `article` page for that article
 * (layouts/article?id=<id>: the fixed article-body block with the merchant's blocks around
 * it), one view counted (POST articles/<id>/views) and the count it answers shown in the
 * article-body node. Without an id (?category=<id> optional): the published articles, a page
 * at a time, by category tab.
 */
const api = require('../../utils/api')
const layoutPage = require('../../utils/layout-page')
const {absoluteUrl} = require('../../utils/format')

function day(iso) {
  return typeof iso === 'string' ? iso.slice(0, 10) : ''
}

/** The layout with the article-body node's view count replaced (a new document). */
function withViews(layout, views) {
  if (!layout || !Array.isArray(layout.nodes)) return layout
  const nodes = layout.nodes.map(node => {
    if (!node || node.type !== 'article-body' || !node.data || !node.data.article) return node
    return Object.assign({}, node, {data: Object.assign({}, node.data, {
      article: Object.assign({}, node.data.article, {views})})})
  })
  return Object.assign({}, layout, {nodes})
}

Component({
  behaviors: [layoutPage],
  data: {articleId: 0, items: [], categories: [], category: 0, page: 1, more: false, loaded: false, error: ''},
  methods: {
    onLoad(options) {
      const id = Number(options && options.id)
      if (id > 0) return this.loadArticle(id)
      this.setData({category: Number(options && options.category) || 0})
      return Promise.all([this.loadCategories(), this.loadPage(1)])
    },
    loadArticle(id) {
      this.setData({articleId: id})
      const shown = this.loadLayout('article', {id})
      const counted = api.post(`/articles/${id}/views`, {}, {auth: false}).then(body => body, () => null)
      return Promise.all([shown, counted]).then(([res, body]) => {
        if (res && body && typeof body.views === 'number') {
          this.setData({layout: withViews(this.data.layout, body.views)})
        }
        return res
      })
    },
    loadCategories() {
      return api.get('/article-categories', {auth: false}).then(body => {
        this.setData({categories: (body.items || []).map(c => ({id: c.id, name: c.name}))})
      }, err => this.failed(err))
    },
    loadPage(page) {
      const params = this.data.category ? `?category=${this.data.category}&page=${page}` : `?page=${page}`
      return api.get(`/articles${params}`, {auth: false}).then(body => {
        const items = (body.items || []).map(a => ({id: a.id, title: a.title, summary: a.summary || '',
          cover: absoluteUrl(a.cover), date: day(a.published_at)}))
        this.setData({loaded: true, page, items: page === 1 ? items : this.data.items.concat(items),
          more: page * body.per_page < body.total})
      }, err => this.failed(err))
    },
    failed(err) {
      this.setData({loaded: true, error: err.message})
      api.showError(err)
    },
    onCategory(event) {
      this.setData({category: Number(event.currentTarget.dataset.id) || 0})
      return this.loadPage(1)
    },
    onReachBottom() {
      if (this.data.more && !this.data.articleId) return this.loadPage(this.data.page + 1)
      return undefined
    },
    onPullDownRefresh() {
      return this.reloadLayout().then(() => wx.stopPullDownRefresh())
    },
    onArticle(event) {
      wx.navigateTo({url: `/pages/article/index?id=${event.currentTarget.dataset.id}`})
    },
    onShareAppMessage(res) {
      if (!this.data.articleId) return {title: '文章', path: '/pages/article/index'}
      return this.shareMessage(`/pages/article/index?id=${this.data.articleId}`, res)
    },
  },
})
