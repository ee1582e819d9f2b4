/**
 * The seckill page of one activity SKU (`?id=<activity>&sku=<sku>`): the product at its
 * seckill price beside the usual price, the countdown by the server's clock (the activity's
 * `now`), the sold progress, and 马上抢: the order token (only once the slot opens), then
 * POST /seckill/orders (202 + ticket) and the ticket polled until the order exists, which
 * opens it to pay. Shared with the same path.
 */
const api = require('../../utils/api')
const countdown = require('../../utils/countdown')
const {absoluteUrl} = require('../../utils/format')
const ticking = require('../../utils/ticking')

const POLL_MS = 500
const POLL_TRIES = 40

function yuanText(fen) {
  return (Number(fen || 0) / 100).toFixed(2)
}

Component({
  data: {activity: null, sku: null, error: '', clock: '', state: '', busy: false, percent: 0},
  behaviors: [ticking],
  methods: {
    onLoad(options) {
      this.activityId = Number(options && options.id)
      this.skuId = Number(options && options.sku)
      if (!(this.activityId > 0)) {
        this.setData({error: '活动不存在'})
        return Promise.resolve(null)
      }
      return this.load()
    },
    load() {
      return api.get(`/seckill/activities/${this.activityId}`, {auth: false}).then(a => {
        const sku = (a.skus || []).find(s => s.sku_id === this.skuId) || (a.skus || [])[0] || null
        this.offset = countdown.offset(a.now, Date.now())
        wx.setNavigationBarTitle({title: a.title})
        this.setData({
          activity: a,
          state: a.state,
          sku: sku && Object.assign({}, sku, {price: yuanText(sku.seckill_price_fen),
            was: yuanText(sku.price_fen)}),
          percent: sku && sku.stock ? Math.floor((sku.sold * 100) / sku.stock) : 0,
        })
        this.tick()
      }, err => this.setData({error: err.message}))
    },
    tick() {
      const a = this.data.activity
      if (!a) return
      const clock = countdown.label(a, Date.now() + (this.offset || 0))
      if (clock !== this.data.clock) this.setData({clock})
    },
    onBuy() {
      const sku = this.data.sku
      if (this.data.busy || !sku || this.data.state !== 'running') return Promise.resolve(null)
      this.setData({busy: true})
      return api.get(`/seckill/activities/${this.activityId}/token`)
        .then(t => api.post('/seckill/orders', {activity_id: this.activityId, sku_id: sku.sku_id,
          qty: 1, token: t.token}))
        .then(ticket => this.waitFor(ticket.ticket, 0))
        .then(done => {
          if (done && done.status === 'created') {
            wx.navigateTo({url: `/pages/order/index?id=${done.order_id}`})
          } else if (done) {
            wx.showToast({title: '没抢到，请稍后再试', icon: 'none'})
          }
        }, api.showError)
        .then(() => this.setData({busy: false}))
    },
    waitFor(ticket, tries) {
      return api.get(`/seckill/tickets/${ticket}`).then(t => {
        if (t.status !== 'queued' || tries >= POLL_TRIES) return t
        return new Promise(resolve => setTimeout(resolve, POLL_MS))
          .then(() => this.waitFor(ticket, tries + 1))
      })
    },
    onShareAppMessage() {
      const a = this.data.activity
      const sku = this.data.sku
      return {
        title: a && sku ? `¥${sku.price} 秒杀 ${sku.title}` : '限时秒杀',
        path: `/pages/seckill/index?id=${this.activityId}&sku=${this.skuId}`,
        imageUrl: sku && sku.image_url ? absoluteUrl(sku.image_url) : undefined,
      }
    },
  },
})
