/**
 * 会员卡 (pages/cards/index): the member's running paid card (GET me), the cards on sale
 * (GET cards) with price, the level's benefits (GET levels) and days; 开通 buys one with the
 * balance (POST me/cards, one Idempotency-Key per plan until it is bought, so a retry never
 * pays twice); a refusal (余额不足) is shown with the way to top up.
 */
const api = require('../../utils/api')
const {yuan} = require('../../utils/format')
const {summary} = require('../../utils/member')

/** 金卡权益 · 9.5折 · 包邮 · 1.5倍积分 */
function benefitText(level) {
  if (!level) return ''
  const parts = [`${level.name}权益`]
  if (level.discount_percent < 100) parts.push(`${level.discount_percent / 10}折`)
  if (level.free_shipping) parts.push('包邮')
  if (Number(level.points_multiplier) > 1) parts.push(`${level.points_multiplier}倍积分`)
  return parts.join(' · ')
}

Component({
  data: {mine: null, balance: '', plans: [], loaded: false, error: '', buying: false},
  methods: {
    onLoad() {
      this.keys = {}
      return this.load()
    },
    load() {
      return Promise.all([api.get('/me'), api.get('/cards'), api.get('/levels')])
        .then(([me, cards, levels]) => {
          const byId = {}
          levels.levels.forEach(lv => { byId[lv.id] = lv })
          this.setData({
            loaded: true,
            mine: me.card ? {name: me.card.name, until: me.card.expires_at.slice(0, 10)} : null,
            balance: yuan(me.wallet ? me.wallet.balance_fen : 0),
            plans: cards.plans.map(p => ({id: p.id, name: p.name, price: yuan(p.price_fen),
              days: p.days, benefits: benefitText(byId[p.level_id])})),
          })
        }, err => this.setData({loaded: true, error: err.message}))
    },
    onBuy(event) {
      const plan = event.currentTarget.dataset.plan
      if (this.data.buying) return Promise.resolve(null)
      this.keys[plan] = this.keys[plan] || api.idempotencyKey()
      this.setData({buying: true, error: ''})
      return api.post('/me/cards', {plan_id: plan}, {header: {'Idempotency-Key': this.keys[plan]}})
        .then(card => {
          delete this.keys[plan]
          wx.showToast({title: '开通成功', icon: 'success'})
          this.setData({buying: false})
          summary(true)
          return this.load().then(() => card)
        }, err => {
          this.setData({buying: false, error: err.message})
          return null
        })
    },
  },
})
