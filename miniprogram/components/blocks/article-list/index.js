// article-list: the shop's latest published articles (all, or one category) as a list (small
// cover right) or cards (large cover above); tapping one opens pages/article, 查看更多 opens the
// article list of that category.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {absoluteUrl} = require('../../../utils/format')
const {open} = require('../../../utils/links')

const DEFAULTS = {title: '文章资讯', category: '', count: 4, layout: 'list', show_summary: true, show_more: true}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, items: [], categoryId: 0},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const found = isObject(data) && Array.isArray(data.items) ? data.items : []
      const items = found.filter(item => isObject(item) && typeof item.id === 'number').map(item => ({
        id: item.id, title: String(item.title || ''), summary: String(item.summary || ''),
        cover: absoluteUrl(item.cover),
      }))
      const categoryId = isObject(data) && typeof data.category_id === 'number' ? data.category_id : 0
      return {p: {...p, layout: p.layout === 'cards' ? 'cards' : 'list'}, items, categoryId}
    },
    onArticle(event) {
      open(`/pages/article/index?id=${event.currentTarget.dataset.id}`)
    },
    onMore() {
      open(this.data.categoryId ? `/pages/article/index?category=${this.data.categoryId}` : '/pages/article/index')
    },
  },
})
