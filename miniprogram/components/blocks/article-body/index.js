// article-body: the article page's fixed block — title, author (the shop), date, category,
// views, cover and the body (HTML the server sanitised when the article was saved) through
// the rich-text path. pages/article counts the view and puts the count it gets back into the
// node, so the count shown is the live one, not the cached layout's.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {absoluteUrl} = require('../../../utils/format')
const {prepare} = require('../../../utils/rich-html')

const DEFAULTS = {show_cover: true, show_author: true, show_date: true, show_category: true,
  show_views: true, title_size: 'large'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, article: null, meta: [], showViews: false},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const a = isObject(data) && isObject(data.article) ? data.article : null
      if (!a) return {p, article: null, meta: [], showViews: false}
      const meta = []
      if (p.show_author && data.author) meta.push(String(data.author))
      if (p.show_date && a.day) meta.push(String(a.day))
      if (p.show_category && a.category) meta.push(String(a.category))
      return {
        p,
        meta,
        showViews: p.show_views === true && data.show_views !== false,
        article: {id: a.id, title: String(a.title || ''), views: Number(a.views) || 0,
          cover: p.show_cover ? absoluteUrl(a.cover) : '', body: prepare(a.body_html)},
      }
    },
  },
})
