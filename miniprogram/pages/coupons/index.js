/**
 * 我的优惠券 (pages/coupons/index): the member's coupons by tab — 可使用 / 已使用 / 已过期
 * (GET me/coupons?status=) — each with its value, rule and validity; a usable one's 去使用
 * opens the one product it is for, or the home page.
 */
const api = require('../../utils/api')

const TABS = [{key: 'unused', label: '可使用'}, {key: 'used', label: '已使用'},
  {key: 'expired', label: '已过期'}]
const STATES = {used: '已使用', expired: '已过期', revoked: '已作废'}

/** Where 去使用 goes. */
function usePath(coupon) {
  if (coupon.scope === 'products' && coupon.product_ids.length === 1) {
    return `/pages/product/index?id=${coupon.product_ids[0]}`
  }
  return '/pages/index/index'
}

Component({
  data: {tabs: TABS, status: 'unused', items: [], loaded: false, error: ''},
  methods: {
    onLoad(query) {
      const status = TABS.some(t => t.key === (query && query.status)) ? query.status : 'unused'
      this.setData({status})
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    load() {
      return api.get(`/me/coupons?status=${this.data.status}`).then(body => this.setData({
        loaded: true, error: '',
        items: body.items.map(c => ({id: c.id, value: c.value_text, rule: c.rule_text, title: c.title,
          valid: c.valid_text, usable: c.status === 'unused' && c.usable_now,
          state: c.status === 'unused' ? (c.usable_now ? '' : '未到使用时间') : (STATES[c.status] || c.status),
          path: usePath(c)})),
      }), err => this.setData({loaded: true, items: [], error: err.message}))
    },
    onTab(event) {
      const status = event.currentTarget.dataset.status
      if (status === this.data.status) return Promise.resolve()
      this.setData({status, loaded: false})
      return this.load()
    },
    onUse(event) {
      const path = event.currentTarget.dataset.path
      if (path === '/pages/index/index') wx.switchTab({url: path})
      else wx.navigateTo({url: path})
    },
  },
})
