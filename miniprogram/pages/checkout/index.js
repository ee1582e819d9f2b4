/**
 * Checkout: what the shop offers (GET checkout/options), the address (saved ones, WeChat's
 * address book or a form), fulfilment, points / balance, remark -> POST checkout/quote, shown
 * as an itemised breakdown with any quote errors; submit -> POST orders (Idempotency-Key, one
 * per quote) -> pay with the chosen method (wx.requestPayment for WeChat Pay) -> the order.
 * `?sku=<id>&qty=<n>` is "buy now" (a quote of those items instead of the cart); with
 * `&activity=<kind>&activity_id=<id>` it is an activity order (a points-mall exchange ...),
 * which uses no points deduction and, when nothing is due, is paid the moment it is created;
 * a group buy's `&group_id=<id>` joins that group (without: the payment opens a new one).
 */
const api = require('../../utils/api')
const {yuan} = require('../../utils/format')
const {lineImage} = require('../../utils/orders')
const {payOrder, METHOD_LABELS} = require('../../utils/pay')

const FULFILMENT_LABELS = {express: '快递发货', pickup: '到店自提', local: '同城配送'}
const ADDRESS_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'detail']

/** The coupon picker: "none" and the usable coupons (the chosen one selected), and why the
 * others cannot be used; ``coupons`` is the quote's extras.coupons (absent: module off). */
function couponView(coupons, chosen) {
  if (!coupons) return {couponChoices: [], couponIndex: 0, couponNote: ''}
  const usable = (coupons.usable || []).map(c => ({id: c.id, label: `${c.name} -${yuan(c.discount_fen)}`}))
  const choices = [{id: null, label: usable.length ? '不使用优惠券' : '暂无可用优惠券'}].concat(usable)
  const index = Math.max(0, choices.findIndex(c => c.id === chosen))
  const unusable = coupons.unusable || []
  return {couponChoices: choices, couponIndex: index,
          couponNote: unusable.length ? `${unusable.length} 张不可用：${unusable[0].name}（${unusable[0].reason}）` : ''}
}

function breakdown(quote) {
  const rows = [{label: '商品金额', amount: yuan(quote.goods_total_fen)}]
  ;(quote.adjustments || []).forEach(a => rows.push({label: a.label || a.source, amount: `-${yuan(a.amount_fen)}`, discount: true}))
  rows.push({label: '运费', amount: quote.shipping_fen ? yuan(quote.shipping_fen) : '免运费'})
  if (quote.balance_fen) rows.push({label: '余额抵扣', amount: `-${yuan(quote.balance_fen)}`, discount: true})
  return rows
}

Component({
  data: {
    items: null, activity: null, options: null, addresses: [], addressId: null, fulfilment: 'express', fulfilments: [],
    pickupIndex: 0, usePoints: false, useBalance: false, remark: '', payMethod: 'wechatpay', methods: [],
    quote: null, rows: [], lines: [], quoteErrors: [], payable: '', cashDue: '', balanceHint: '',
    showForm: false, form: {}, formErrors: {}, submitting: false, loading: true,
    couponId: undefined, couponChoices: [], couponIndex: 0, couponNote: '',
  },
  methods: {
    onLoad(options) {
      const sku = Number(options && options.sku)
      if (sku > 0) this.setData({items: [{sku_id: sku, qty: Math.max(1, Number(options.qty) || 1)}]})
      const activityId = Number(options && options.activity_id)
      if (sku > 0 && options.activity && activityId > 0) {
        const activity = {kind: String(options.activity), id: activityId}
        const groupId = Number(options.group_id)
        if (groupId > 0) activity.group_id = groupId // a group buy's group to join
        this.setData({activity})
      }
      return Promise.all([api.get('/checkout/options'), api.get('/addresses')]).then(([opts, book]) => {
        const addresses = book.items || []
        const fallback = addresses.find(a => a.is_default) || addresses[0]
        const fulfilments = (opts.fulfilment || []).map(key => ({key, label: FULFILMENT_LABELS[key] || key}))
        const methods = (opts.payment_methods || []).map(key => ({key, label: METHOD_LABELS[key] || key}))
        this.setData({
          options: opts,
          addresses,
          addressId: fallback ? fallback.id : null,
          fulfilments,
          fulfilment: fulfilments.length && !fulfilments.some(f => f.key === 'express') ? fulfilments[0].key : 'express',
          methods,
          payMethod: methods.length ? methods[0].key : 'wechatpay',
          showForm: addresses.length === 0,
        })
        return this.requote()
      }, err => {
        this.setData({loading: false})
        api.showError(err)
      })
    },
    quoteRequest() {
      const d = this.data
      const body = {fulfilment: d.fulfilment, use_points: d.usePoints, use_balance: d.useBalance, remark: d.remark}
      if (d.couponId) body.coupon_id = d.couponId
      if (d.items) Object.assign(body, {source: 'items', items: d.items})
      if (d.activity) body.activity = d.activity
      if (d.fulfilment === 'pickup') {
        const point = (d.options.pickup_points || [])[d.pickupIndex]
        if (point) body.pickup_point_id = point.id
      } else if (d.addressId) {
        body.address_id = d.addressId
      }
      return body
    },
    requote() {
      this.setData({loading: true})
      return api.post('/checkout/quote', this.quoteRequest()).then(quote => {
        const coupons = (quote.extras && quote.extras.coupons) || null
        if (this.data.couponId === undefined) {
          const best = coupons && coupons.best
          this.setData({couponId: best ? best.id : null})
          if (best) return this.requote()
        }
        if (!this.quoteKey || this.quoteKey.quoteId !== quote.quote_id) {
          this.quoteKey = {quoteId: quote.quote_id, key: api.idempotencyKey()}
        }
        this.setData(Object.assign({
          quote,
          loading: false,
          rows: breakdown(quote),
          lines: (quote.lines || []).map(l => ({key: l.key, title: l.title, spec: l.spec_text, qty: l.qty,
            price: yuan(l.unit_price_fen), image: lineImage(l, 140)})),
          quoteErrors: (quote.errors || []).map(e => e.message),
          payable: yuan(quote.payable_fen),
          balanceHint: typeof quote.balance_available_fen === 'number' ? `（可用 ${yuan(quote.balance_available_fen)}）` : '',
          cashDue: yuan(quote.cash_due_fen),
        }, couponView(coupons, this.data.couponId)))
        return quote
      }, err => {
        this.setData({loading: false, quote: null, rows: [], quoteErrors: [err.message]})
        return null
      })
    },
    onAddress(event) {
      this.setData({addressId: Number(event.currentTarget.dataset.id), showForm: false})
      return this.requote()
    },
    onFulfilment(event) {
      this.setData({fulfilment: event.currentTarget.dataset.key})
      return this.requote()
    },
    onPickup(event) {
      this.setData({pickupIndex: Number(event.detail.value) || 0})
      return this.requote()
    },
    onCoupon(event) {
      const choice = this.data.couponChoices[Number(event.detail.value) || 0]
      this.setData({couponId: choice ? choice.id : null})
      return this.requote()
    },
    onPoints(event) {
      this.setData({usePoints: event.detail.value === true})
      return this.requote()
    },
    onBalance(event) {
      this.setData({useBalance: event.detail.value === true})
      return this.requote()
    },
    onRemark(event) {
      this.setData({remark: event.detail.value})
    },
    onRemarkDone() {
      return this.requote()
    },
    onMethod(event) {
      this.setData({payMethod: event.currentTarget.dataset.key})
    },
    toggleForm() {
      this.setData({showForm: !this.data.showForm, formErrors: {}})
    },
    onField(event) {
      this.setData({[`form.${event.currentTarget.dataset.field}`]: event.detail.value})
    },
    saveAddress(address) {
      return api.post('/addresses', address).then(saved => {
        this.setData({addresses: this.data.addresses.concat([saved]), addressId: saved.id, showForm: false, form: {}, formErrors: {}})
        return this.requote()
      }, err => {
        const fields = err.fieldErrors()
        this.setData({formErrors: fields})
        if (!ADDRESS_FIELDS.some(f => fields[f])) api.showError(err)
        return null
      })
    },
    onSaveForm() {
      const form = this.data.form
      const address = {}
      ADDRESS_FIELDS.forEach(f => { address[f] = (form[f] || '').trim() })
      return this.saveAddress(address)
    },
    onWechatAddress() {
      return new Promise(resolve => {
        wx.chooseAddress({success: resolve, fail: () => resolve(null)})
      }).then(a => (a ? this.saveAddress({
        name: a.userName, phone: a.telNumber, province: a.provinceName, city: a.cityName,
        district: a.countyName, detail: a.detailInfo, postal_code: a.postalCode || '',
      }) : null))
    },
    onSubmit() {
      const quote = this.data.quote
      if (!quote || this.data.quoteErrors.length || this.data.submitting) return Promise.resolve(null)
      this.setData({submitting: true})
      const header = {'Idempotency-Key': this.quoteKey.key}
      return api.post('/orders', {quote_id: quote.quote_id}, {header}).then(order => {
        if (order.status === 'paid') {
          wx.showToast({title: '兑换成功', icon: 'success'})
          this.setData({submitting: false})
          wx.redirectTo({url: `/pages/order/index?id=${order.id}`})
          return {order, result: {paid: true}}
        }
        const method = this.data.useBalance && quote.cash_due_fen === 0 ? 'wallet' : this.data.payMethod
        return payOrder(order, method).then(result => {
          if (result.paid) wx.showToast({title: '支付成功', icon: 'success'})
          return result
        }, err => {
          api.showError(err)
          return null
        }).then(result => {
          this.setData({submitting: false})
          wx.redirectTo({url: `/pages/order/index?id=${order.id}`})
          return {order, result}
        })
      }, err => {
        this.setData({submitting: false})
        api.showError(err)
        if (err.code === 'quote_changed' || err.code === 'quote_expired' || err.status === 404) return this.requote()
        return null
      })
    },
  },
})
