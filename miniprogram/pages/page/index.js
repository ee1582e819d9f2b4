/**
 * Any layout by slug: /pages/page/index?slug=spring-sale, ?slug=category&group=3, and the
 * category page's `id` (a category). Page parameters go to the server as they came.
 */
const layoutPage = require('../../utils/layout-page')

Component({
  behaviors: [layoutPage],
  methods: {
    onLoad(options) {
      const opts = options || {}
      const slug = opts.slug ? decodeURIComponent(opts.slug) : 'home'
      const params = {}
      if (opts.id) params.id = opts.id
      if (opts.group) params.group = opts.group
      this.slug = slug
      return this.loadLayout(slug, params)
    },
    onPullDownRefresh() {
      return this.reloadLayout().then(() => wx.stopPullDownRefresh())
    },
    onShareAppMessage(res) {
      return this.shareMessage(`/pages/page/index?slug=${this.slug}`, res)
    },
  },
})
