// The home tab: the shop's `home` layout (built with Component so tests can load it).
const layoutPage = require('../../utils/layout-page')
const navigation = require('../../utils/navigation')

Component({
  behaviors: [layoutPage],
  methods: {
    onLoad() {
      return this.loadLayout('home')
    },
    onShow() {
      return navigation.showTab(this, '/pages/index/index')
    },
    onPullDownRefresh() {
      return this.reloadLayout().then(() => wx.stopPullDownRefresh())
    },
    onShareAppMessage(res) {
      return this.shareMessage('/pages/index/index', res)
    },
  },
})
