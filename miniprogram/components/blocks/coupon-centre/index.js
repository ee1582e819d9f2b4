// coupon-centre: every coupon open for claiming, with its value, rule and validity (data.coupons[]
// from the layout: id, title, value_text, rule_text, valid_text, left). The layout is the same
// for everyone: the shopper's claimed state comes from GET /coupons?ids=... (short-cached,
// private); 领取 claims (POST /coupons/<id>/claim), asking a logged-out shopper to log in first.
const block = require('../../../utils/block')
const api = require('../../../utils/api')
const {withDefaults, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')

const DEFAULTS = {title: '领券中心', limit: 20, color: ''}

/** The button's text and whether it claims, as the H5 centre says it. */
function button(claimed, canClaim) {
  if (claimed) return {action: canClaim ? '再领一张' : '已领取', disabled: !canClaim}
  return {action: canClaim ? '领取' : '已抢光', disabled: !canClaim}
}

function card(c) {
  const str = v => (typeof v === 'string' ? v : '')
  return Object.assign({id: c.id, title: str(c.title), value: str(c.value_text), rule: str(c.rule_text),
    valid: str(c.valid_text), claimed: false}, button(false, c.left !== 0))
}

/** Ask to log in; resolves true once logged in, false when the shopper declines. */
function askLogin() {
  return new Promise(resolve => wx.showModal({
    title: '请先登录', content: '登录后即可领取优惠券', confirmText: '登录',
    success: res => resolve(Boolean(res && res.confirm)), fail: () => resolve(false),
  })).then(yes => (yes ? api.login().then(() => true) : false))
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
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const list = (Array.isArray(data.coupons) ? data.coupons : []).filter(c => isObject(c) && typeof c.id === 'number')
      return {p, coupons: list.slice(0, Math.max(1, p.limit)).map(card), tint: color(p.color)}
    },
    /** Mark each coupon with the shopper's state (wx.request keeps no HTTP cache). */
    loadState() {
      const ids = this.data.coupons.map(c => c.id)
      if (!ids.length) return Promise.resolve(null)
      return api.get(`/coupons?ids=${ids.join(',')}`).then(body => {
        const states = {}
        ;(Array.isArray(body.items) ? body.items : []).forEach(s => { if (isObject(s)) states[s.id] = s })
        this.setData({coupons: this.data.coupons.map(c => (states[c.id]
          ? Object.assign({}, c, {claimed: states[c.id].claimed === true},
            button(states[c.id].claimed === true, states[c.id].can_claim !== false)) : c))})
      }, () => null)
    },
    onClaim(event) {
      const id = Number(event.currentTarget.dataset.id)
      const coupon = this.data.coupons.find(c => c.id === id)
      if (this.data.busy || !coupon || coupon.disabled) return Promise.resolve(null)
      const ready = api.storedToken() ? Promise.resolve(true) : askLogin()
      this.setData({busy: true})
      return ready.then(yes => (yes ? api.post(`/coupons/${id}/claim`).then(() => {
        wx.showToast({title: '领取成功', icon: 'none'})
      }, api.showError).then(() => this.loadState()) : null), api.showError)
        .then(() => this.setData({busy: false}))
    },
  },
})
