/**
 * The user tab: the member (GET me: level, points, balance), order shortcuts with counts, and
 * the shop's `user` layout below them.
 */
const api = require('../../utils/api')
const layoutPage = require('../../utils/layout-page')
const {yuan, absoluteUrl} = require('../../utils/format')
const {TABS} = require('../../utils/orders')

Component({
  behaviors: [layoutPage],
  data: {member: null, avatar: '', balance: '', counts: {}, shortcuts: TABS.slice(1), error: ''},
  methods: {
    onLoad() {
      this.layoutSetsTitle = false
      return this.loadLayout('user')
    },
    onShow() {
      return this.loadMember()
    },
    onPullDownRefresh() {
      return Promise.all([this.loadMember(), this.reloadLayout()]).then(() => wx.stopPullDownRefresh())
    },
    loadMember() {
      const counts = api.get('/orders/counts').then(c => this.setData({counts: c}), () => null)
      const me = api.get('/me').then(member => this.setData({
        member,
        error: '',
        avatar: absoluteUrl(member.avatar_url),
        balance: yuan(member.wallet ? member.wallet.balance_fen : 0),
      }), err => this.setData({error: err.message}))
      return Promise.all([me, counts])
    },
    onOrders(event) {
      wx.navigateTo({url: `/pages/orders/index?status=${event.currentTarget.dataset.status || 'all'}`})
    },
  },
})
