/**
 * 文章 (pages/article/index?id=<id>): one published article — title, category, date, views,
 * cover and the body (HTML the server sanitised when it was saved) in a rich-text node, with
 * its images made absolute and fitted to the screen. Without an id (?category=<id> optional):
 * the published articles, a page at a time, by category tab.
 */
const api = require('../../utils/api')
const {absoluteUrl} = require('../../utils/format')

/** The sanitised body made ready for rich-text: server paths absolute, images screen-wide. */
function richBody(html) {
  if (typeof html !== 'string') return ''
  return html
    .replace(/(<(?:img|a)\b[^>]*?\s(?:src|href)=")(\/[^"]*)"/g, (all, head, path) => `${head}${absoluteUrl(path)}"`)
    .replace(/<img\b/g, '<img style="max-width:100%;height:auto;display:block"')
}

function day(iso) {
  return typeof iso === 'string' ? iso.slice(0, 10) : ''
}

Component({
  data: {article: null, items: [], categories: [], category: 0, page: 1, more: false, loaded: false, error: ''},
  methods: {
    onLoad(options) {
      const id = Number(options && options.id)
      if (id > 0) return this.loadArticle(id)
      this.setData({category: Number(options && options.category) || 0})
      return Promise.all([this.loadCategories(), this.loadPage(1)])
    },
    loadArticle(id) {
      return api.get(`/articles/${id}`, {auth: false}).then(a => {
        this.setData({loaded: true, article: {title: a.title, category: a.category || '', date: day(a.published_at),
          views: a.views, cover: absoluteUrl(a.cover), body: richBody(a.body_html)}})
        if (typeof wx.setNavigationBarTitle === 'function') wx.setNavigationBarTitle({title: a.title})
      }, err => this.failed(err))
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
      if (this.data.more && !this.data.article) return this.loadPage(this.data.page + 1)
      return undefined
    },
    onArticle(event) {
      wx.navigateTo({url: `/pages/article/index?id=${event.currentTarget.dataset.id}`})
    },
  },
})
