/**
 * For pages that show a layout: `loadLayout(slug, params)` shows the stored copy at once (if
 * any), then revalidates with If-None-Match and shows the new layout only when it changed.
 * Data: `layout` (the document), `layoutError` (a message when nothing can be shown).
 */
const api = require('./api')
const navigation = require('./navigation')

module.exports = Behavior({
  data: {layout: null, layoutError: '', layoutLoading: false},
  methods: {
    loadLayout(slug, params) {
      this.layoutArgs = [slug, params]
      const cached = api.cachedLayout(slug, params)
      if (cached) this.showLayout(cached.body)
      this.setData({layoutLoading: !cached})
      return api.layout(slug, params).then(res => {
        if (!cached || !res.fromCache) this.showLayout(res.layout)
        this.setData({layoutLoading: false, layoutError: ''})
        return res
      }, err => {
        // A stored copy stays on screen when the network fails; otherwise say what happened.
        this.setData({layoutLoading: false, layoutError: cached ? '' : err.message})
        return null
      })
    },
    reloadLayout() {
      return this.layoutArgs ? this.loadLayout(this.layoutArgs[0], this.layoutArgs[1]) : Promise.resolve(null)
    },
    showLayout(layout) {
      this.setData({layout})
      if (layout && layout.navigation) navigation.remember(layout.navigation)
      const title = layout && layout.page && layout.page.title
      if (title && this.layoutSetsTitle !== false) wx.setNavigationBarTitle({title})
    },
  },
})
