/**
 * 拼团 (pages/groupbuy/index?id=<activity>): one group buy — the product with the N人团 badge,
 * the group price, the leader's price (团长价) and the single price, the SKUs, the open groups
 * to join with their seats and countdown (by the server's `now`), 去开团 / 去参团 (checkout with
 * `activity=groupbuy`, and `group_id` to join) and 单独购买 when the activity allows it.
 * `&group=<id>` (from a group's page): the chosen SKU joins that group instead of opening one.
 * Without an id: the live group buys. Shared with the same path.
 */
const api = require('../../utils/api')
const {yuan} = require('../../utils/format')
const countdown = require('../../utils/countdown')
const gb = require('../../utils/groupbuy')
const ticking = require('../../utils/ticking')

const STATE_TEXT = {not_started: '活动未开始', ended: '活动已结束'}

Component({
  data: {activity: null, view: null, items: [], skus: [], chosen: 0, groups: [], note: '', error: '',
    loaded: false, joining: 0},
  behaviors: [ticking],
  methods: {
    onLoad(options) {
      this.activityId = Number(options && options.id)
      this.setData({joining: Number(options && options.group) || 0})
      if (this.activityId > 0) return this.loadActivity()
      return api.get('/groupbuy/activities', {auth: false}).then(body => this.setData({
        loaded: true, items: (body.items || []).map(a => Object.assign(gb.activityView(a), {
          url: gb.activityPath(a.id), joinable: (a.open_groups || []).length})),
      }), err => this.setData({loaded: true, error: err.message}))
    },
    loadActivity() {
      return api.get(`/groupbuy/activities/${this.activityId}`, {auth: false}).then(a => {
        this.offset = countdown.offset(a.now, Date.now())
        const skus = (a.skus || []).map(s => ({id: s.sku_id, stock: s.stock,
          spec: (s.spec_values || []).join(' / ') || '默认', group: yuan(s.group_price_fen),
          leader: s.leader_price_fen ? yuan(s.leader_price_fen) : ''}))
        const first = skus.find(s => s.stock > 0) || skus[0]
        wx.setNavigationBarTitle({title: a.title})
        this.setData({activity: a, view: gb.activityView(a), skus, chosen: first ? first.id : 0,
          note: STATE_TEXT[a.state] || '', loaded: true})
        this.tick()
        return a
      }, err => this.setData({loaded: true, error: err.message}))
    },
    tick() {
      const a = this.data.activity
      if (!a) return
      const now = Date.now() + (this.offset || 0)
      const chosen = this.data.chosen
      this.setData({groups: (a.open_groups || []).map(g => ({id: g.id, seats: gb.seats(g),
        status: gb.statusText(g), left: gb.leftText(g, now),
        join: chosen ? gb.checkoutPath(a.id, chosen, g.id) : gb.groupPath(g.id)}))})
    },
    onSku(event) {
      this.setData({chosen: Number(event.currentTarget.dataset.id)})
      this.tick()
    },
    go(url) {
      wx.navigateTo({url})
    },
    onOpen() {
      const a = this.data.activity
      const sku = this.data.skus.find(s => s.id === this.data.chosen)
      if (!a || a.state !== 'live' || !sku || sku.stock <= 0) return
      this.go(gb.checkoutPath(a.id, sku.id, this.data.joining))
    },
    onJoin(event) {
      this.go(event.currentTarget.dataset.url)
    },
    onSingle() {
      const a = this.data.activity
      if (a && a.product) this.go(`/pages/product/index?id=${a.product.id}`)
    },
    onMine() {
      this.go('/pages/groupbuy/mine')
    },
    onShareAppMessage() {
      const v = this.data.view
      return {
        title: v ? `${v.group} ${v.badge} ${v.title}` : '超值拼团',
        path: this.activityId > 0 ? gb.activityPath(this.activityId) : '/pages/groupbuy/index',
        imageUrl: v && v.cover ? v.cover : undefined,
      }
    },
  },
})
