// user-card: the member's avatar, nickname, level, points, balance and order shortcuts with
// counts, from the member's own endpoints (utils/member.js), never from the cached layout.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {absoluteUrl, color, yuan} = require('../../../utils/format')
const {summary} = require('../../../utils/member')
const {TABS} = require('../../../utils/orders')

const DEFAULTS = {style: 'banner', background: '', show_assets: true, show_orders: true,
  show_shortcuts: true, login_text: '登录 / 注册'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, background: '', member: null, avatar: '', balance: '', counts: {},
    shortcuts: TABS.slice(1), failed: false},
  lifetimes: {
    attached() {
      this.load()
    },
  },
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      return {p, background: color(p.background)}
    },
    load() {
      return summary(false).then(({me, counts}) => this.setData({
        member: me, counts, failed: false, avatar: absoluteUrl(me.avatar_url),
        balance: yuan(me.wallet ? me.wallet.balance_fen : 0),
      }), () => this.setData({failed: true}))
    },
    onOrders(event) {
      wx.navigateTo({url: `/pages/orders/index?status=${event.currentTarget.dataset.status || 'all'}`})
    },
  },
})
