/**
 * The user tab: the member (GET me: level, points, balance), order shortcuts with counts, and
 * the shop's `user` layout below them. When the layout has a user-card block, that block shows
 * the member instead (both read utils/member.js, so the screen asks once).
 */
const layoutPage = require('../../utils/layout-page')
const {yuan, absoluteUrl} = require('../../utils/format')
const {TABS} = require('../../utils/orders')
const {summary} = require('../../utils/member')
const navigation = require('../../utils/navigation')

Component({
  behaviors: [layoutPage],
  data: {member: null, avatar: '', balance: '', counts: {}, shortcuts: TABS.slice(1), error: '',
    hasCard: false},
  observers: {
    layout(layout) {
      const nodes = layout && Array.isArray(layout.nodes) ? layout.nodes : []
      this.setData({hasCard: nodes.some(node => node && node.type === 'user-card')})
    },
  },
  methods: {
    onLoad() {
      this.layoutSetsTitle = false
      return this.loadLayout('user')
    },
    onShow() {
      navigation.showTab(this, '/pages/user/index')
      return this.loadMember()
    },
    onPullDownRefresh() {
      return Promise.all([this.loadMember(), this.reloadLayout()]).then(() => wx.stopPullDownRefresh())
    },
    loadMember() {
      return summary(true).then(({me: member, counts}) => this.setData({
        member,
        counts,
        error: '',
        avatar: absoluteUrl(member.avatar_url),
        balance: yuan(member.wallet ? member.wallet.balance_fen : 0),
      }), err => this.setData({error: err.message}))
    },
    onOrders(event) {
      wx.navigateTo({url: `/pages/orders/index?status=${event.currentTarget.dataset.status || 'all'}`})
    },
  },
})
