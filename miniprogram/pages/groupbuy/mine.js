/**
 * 我的拼团 (pages/groupbuy/mine): the shopper's group buys, newest first (GET /groupbuy/mine):
 * the product, the price paid, 团长 or not, the state (待付款 / 拼团中 / 拼团成功 / 拼团失败 ...)
 * and, for a group still open, its seats left and countdown by the server's clock. An entry
 * opens its group's page, or the order while it has no group yet (unpaid).
 */
const api = require('../../utils/api')
const {yuan} = require('../../utils/format')
const countdown = require('../../utils/countdown')
const gb = require('../../utils/groupbuy')
const ticking = require('../../utils/ticking')

Component({
  data: {rows: [], items: [], loaded: false, error: ''},
  behaviors: [ticking],
  methods: {
    onLoad() {
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    load() {
      return api.get('/groupbuy/mine').then(body => {
        this.offset = countdown.offset(body.now, Date.now())
        this.setData({loaded: true, rows: body.items || []})
        this.tick()
      }, err => this.setData({loaded: true, error: err.message}))
    },
    tick() {
      const now = Date.now() + (this.offset || 0)
      this.setData({items: this.data.rows.map(r => {
        const view = r.activity ? gb.activityView(r.activity) : {title: '', badge: '', cover: ''}
        return {key: r.order_id, title: view.title, badge: view.badge, cover: view.cover,
          status: r.status_text, leader: r.is_leader, price: yuan(r.unit_price_fen), qty: r.qty,
          seats: r.group ? gb.seats(r.group) : [], left: gb.leftText(r.group, now),
          url: r.group ? gb.groupPath(r.group.id) : `/pages/order/index?id=${r.order_id}`}
      })})
    },
    onOpen(event) {
      wx.navigateTo({url: event.currentTarget.dataset.url})
    },
  },
})
