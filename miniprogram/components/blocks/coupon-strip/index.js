// coupon-strip: a swipe row of the shop's coupons. Shown only while the coupons module is on;
// data.coupons[] comes from that module (id, title, kind "amount"|"discount", value_fen or
// discount_percent, threshold_fen, valid_text), as the H5 block reads it. The layout is the
// same for everyone: a logged-in member's claimed state comes from GET /coupons?ids=..., and
// a tap on 领取 claims (POST /coupons/<id>/claim).
const block = require('../../../utils/block')
const api = require('../../../utils/api')
const {withDefaults, isObject} = require('../../../utils/props')
const {color, yuan} = require('../../../utils/format')

const DEFAULTS = {source: 'available', coupon_ids: [], limit: 6, style: 'ticket', color: ''}

function coupon(c) {
  const discount = c.kind === 'discount' && typeof c.discount_percent === 'number'
  return {
    id: c.id,
    title: typeof c.title === 'string' ? c.title : '',
    amount: discount ? `${c.discount_percent / 10}` : yuan(c.value_fen).replace(/\.00$/, '').replace('¥', ''),
    unit: discount ? '折' : '¥',
    discount,
    rule: typeof c.threshold_fen === 'number' && c.threshold_fen > 0 ? `满 ${yuan(c.threshold_fen).slice(1)} 可用` : '无门槛',
    valid: typeof c.valid_text === 'string' ? c.valid_text : '',
    claimed: c.claimed === true,
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, coupons: [], tint: '', busy: false},
  lifetimes: {
    attached() {
      if (api.storedToken()) this.loadState()
    },
  },
  methods: {
    mark(items) {
      const states = {}
      ;(Array.isArray(items) ? items : []).forEach(c => { if (isObject(c)) states[c.id] = c })
      this.setData({coupons: this.data.coupons.map(c => states[c.id]
        ? Object.assign({}, c, {claimed: states[c.id].claimed === true,
                                canClaim: states[c.id].can_claim !== false}) : c)})
    },
    loadState() {
      const ids = this.data.coupons.map(c => c.id).filter(id => typeof id === 'number')
      if (!ids.length) return Promise.resolve(null)
      return api.get(`/coupons?ids=${ids.join(',')}`).then(body => this.mark(body.items), () => null)
    },
    onClaim(event) {
      const id = Number(event.currentTarget.dataset.id)
      const coupon = this.data.coupons.find(c => c.id === id)
      if (this.data.busy || !coupon || coupon.canClaim === false) return Promise.resolve(null)
      this.setData({busy: true})
      return api.post(`/coupons/${id}/claim`).then(() => {
        wx.showToast({title: '领取成功', icon: 'none'})
        return this.loadState()
      }, api.showError).then(() => this.setData({busy: false}))
    },
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const list = (Array.isArray(data.coupons) ? data.coupons : [])
        .filter(c => isObject(c) && (typeof c.value_fen === 'number' || typeof c.discount_percent === 'number'))
      return {p, coupons: list.slice(0, Math.max(1, p.limit)).map(coupon), tint: color(p.color)}
    },
  },
})
