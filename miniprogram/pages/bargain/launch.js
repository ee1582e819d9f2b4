/**
 * The launch page (`?id=<launch>`, also the share path): the price, a progress bar towards the
 * floor, the countdown to `expire_at`, the helpers list; the launcher shares it
 * (onShareAppMessage: the server's share path and title) and buys it through checkout with
 * activity=bargain; a friend cuts it once (POST /bargain/launches/<id>/help).
 */
const api = require('../../utils/api')
const countdown = require('../../utils/countdown')
const {yuan, absoluteUrl} = require('../../utils/format')
const ticking = require('../../utils/ticking')

function shown(l) {
  const open = (l.status === 'cutting' || l.status === 'floor') && !l.order_id
  const a = l.activity || {}
  return Object.assign({}, l, {
    name: a.product ? a.product.title : a.title,
    cover: a.product ? absoluteUrl(a.product.cover) : '',
    price: yuan(l.price_fen), cut: yuan(l.cut_fen), left: yuan(l.left_fen),
    floor: yuan(l.floor_price_fen), open,
    canBuy: l.mine === true && open && (!a.floor_only || l.status === 'floor'),
    canHelp: l.mine !== true && l.status === 'cutting' && !l.order_id && l.helped !== true,
    helpers: (l.helpers || []).map(h => Object.assign({}, h, {
      who: h.is_launcher ? '发起人自己' : (h.nickname || '好友'), amount: yuan(h.amount_fen)})),
  })
}

Component({
  data: {l: null, error: '', clock: '', busy: false},
  behaviors: [ticking],
  methods: {
    onLoad(options) {
      this.launchId = Number(options && options.id)
      if (!(this.launchId > 0)) {
        this.setData({error: '砍价不存在'})
        return Promise.resolve(null)
      }
      return this.load()
    },
    load() {
      return api.get(`/bargain/launches/${this.launchId}`).then(l => {
        this.setData({l: shown(l)})
        this.tick()
      }, err => this.setData({error: err.message}))
    },
    tick() {
      const l = this.data.l
      if (!l || !l.open) return
      const clock = countdown.hms(Date.parse(l.expire_at) - Date.now())
      if (clock !== this.data.clock) this.setData({clock})
    },
    onHelp() {
      if (this.data.busy || !this.data.l || !this.data.l.canHelp) return Promise.resolve(null)
      this.setData({busy: true})
      return api.post(`/bargain/launches/${this.launchId}/help`).then(cut => {
        wx.showToast({title: `帮砍成功，砍掉${yuan(cut.amount_fen)}`, icon: 'none'})
        this.setData({l: shown(cut.launch)})
      }, api.showError).then(() => this.setData({busy: false}))
    },
    onBuy() {
      const l = this.data.l
      if (!l || !l.canBuy) return
      wx.navigateTo({url: `/pages/checkout/index?sku=${l.sku_id}&qty=1&activity=bargain&activity_id=${l.id}`})
    },
    onMine() {
      const l = this.data.l
      if (l) wx.navigateTo({url: `/pages/bargain/activity?id=${l.activity_id}`})
    },
    onShareAppMessage() {
      const l = this.data.l
      return {
        title: l && l.share && l.share.title ? l.share.title : '帮我砍一刀',
        path: l && l.share ? l.share.path : `/pages/bargain/launch?id=${this.launchId}`,
        imageUrl: l && l.cover ? l.cover : undefined,
      }
    },
  },
})
