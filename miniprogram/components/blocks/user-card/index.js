// user-card: the member's avatar, nickname, level, paid card (or 开通会员卡 when the shop sells
// cards), points, balance, usable coupons (while the shop has coupons on) and order shortcuts
// with counts, from the member's own endpoints (utils/member.js), never from the cached layout.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {absoluteUrl, color, yuan} = require('../../../utils/format')
const {summary} = require('../../../utils/member')
const {TABS} = require('../../../utils/orders')

/** 金卡月卡 · 2026/12/25到期, 开通会员卡 while the shop sells cards, else nothing. */
function cardText(me) {
  if (me.card) return `${me.card.name} · ${me.card.expires_at.slice(0, 10).replace(/-/g, '/')}到期`
  return me.cards_on_sale ? '开通会员卡' : ''
}

const DEFAULTS = {style: 'banner', background: '', show_assets: true, show_orders: true,
  show_shortcuts: true, login_text: '登录 / 注册'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, background: '', member: null, avatar: '', balance: '', card: '', counts: {},
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
        balance: yuan(me.wallet ? me.wallet.balance_fen : 0), card: cardText(me),
      }), () => this.setData({failed: true}))
    },
    onCoupons() {
      wx.navigateTo({url: '/pages/coupons/index'})
    },
    onCard() {
      wx.navigateTo({url: '/pages/cards/index'})
    },
    onOrders(event) {
      wx.navigateTo({url: `/pages/orders/index?status=${event.currentTarget.dataset.status || 'all'}`})
    },
  },
})
