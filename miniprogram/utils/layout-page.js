/**
 * For pages that show a layout: `loadLayout(slug, params)` shows the stored copy at once (if
 * any), then revalidates with If-None-Match and shows the new layout only when it changed.
 * Data: `layout` (the document), `layoutError` (a message when nothing can be shown).
 */
const api = require('./api')
const navigation = require('./navigation')
const {color, imageUrl} = require('./format')
const referral = require('./referral')

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
      const page = (layout && layout.page) || {}
      if (page.title && this.layoutSetsTitle !== false) wx.setNavigationBarTitle({title: page.title})
      // WeChat fixes a page's navigationStyle in its JSON: an immersive page gets a title bar
      // in the theme's colour, so the header combo below runs on from it.
      const tokens = (layout && layout.theme && layout.theme.tokens) || {}
      if (page.nav_style === 'immersive' && color(tokens.color_primary)) {
        wx.setNavigationBarColor({frontColor: '#ffffff', backgroundColor: tokens.color_primary})
      }
    },
    /** onShareAppMessage's answer for this layout: the page's share title and image, the path
     * with `from=<my code>` when the shopper is a distributor — or, shared from the invite
     * block's button (`res.target.dataset.sharePath`), the invite's own title and path. */
    shareMessage(path, res) {
      const page = (this.data.layout && this.data.layout.page) || {}
      const share = page.share || {}
      const dataset = (res && res.from === 'button' && res.target && res.target.dataset) || {}
      const message = dataset.sharePath
        ? {title: dataset.shareTitle || page.title || '', path: dataset.sharePath}
        : {title: share.title || page.title || '', path: referral.withFrom(path)}
      const image = imageUrl(share.image, 500)
      if (image) message.imageUrl = image
      return message
    },
  },
})
