/**
 * One of my orders (GET orders/<id>): status, address or pickup point, lines, the price
 * breakdown, shipments and the timeline; pay (wx.requestPayment), cancel, confirm receipt and
 * the pickup code (with its QR code) when they apply; 去评价 when a completed order has lines
 * still to review (the reviews module's `review` part of the order); a group-buy order's
 * group state (拼团中，还差 N 人) opens its group's page.
 */
const api = require('../../utils/api')
const {orderCard, orderBreakdown} = require('../../utils/orders')
const {dateTime} = require('../../utils/format')
const {payOrder, METHOD_LABELS} = require('../../utils/pay')

const EVENTS = {created: '提交订单', paid: '支付成功', shipped: '已发货', completed: '已完成', closed: '已关闭',
  cancelled: '已取消'}

const AFTERSALE_ORDER = ['paid', 'shipped', 'completed']

/** Per line id: its open after-sale (follow it) or 申请售后 while the order allows one. */
function aftersaleOf(order) {
  const states = order.aftersale_lines || {}
  const shown = {}
  ;(order.lines || []).forEach(line => {
    const state = states[String(line.id)] || {}
    if (state.open_aftersale_id) shown[line.id] = {id: state.open_aftersale_id, label: `售后：${state.status_label}`}
    else if (AFTERSALE_ORDER.indexOf(order.status) >= 0) shown[line.id] = {id: 0, label: '申请售后'}
  })
  return shown
}

Component({
  data: {order: null, toReview: false, aftersale: {}, card: null, rows: [], timeline: [], methods: [], pickup: null, busy: false, error: ''},
  methods: {
    onLoad(options) {
      this.orderId = Number(options && options.id)
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    load() {
      return api.get(`/orders/${this.orderId}`).then(order => this.show(order), err => {
        this.setData({error: err.message})
        api.showError(err)
      })
    },
    show(order) {
      this.setData({
        order,
        toReview: Boolean(order.review && order.review.to_review > 0),
        aftersale: aftersaleOf(order),
        card: orderCard(order),
        rows: orderBreakdown(order),
        deadline: order.status === 'pending_payment' ? dateTime(order.pay_deadline_at) : '',
        timeline: (order.timeline || []).slice().reverse().map((t, i) => ({
          key: i, text: t.message || EVENTS[t.event] || t.event, at: dateTime(t.at)})),
      })
      if (order.status === 'pending_payment' && !this.data.methods.length) {
        api.get('/checkout/options').then(opts => this.setData({
          methods: (opts.payment_methods || []).map(key => ({key, label: METHOD_LABELS[key] || key})),
        }), () => this.setData({methods: [{key: 'wechatpay', label: METHOD_LABELS.wechatpay}]}))
      }
      if (order.fulfilment === 'pickup' && ['paid', 'completed'].indexOf(order.status) >= 0) {
        api.get(`/orders/${order.id}/pickup-code`).then(code => this.setData({pickup: {
          code: code.code,
          verified: !!code.verified_at,
          qr: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.qr_svg || '')}`,
        }}), () => null)
      }
      return order
    },
    onPay(event) {
      if (this.data.busy) return Promise.resolve(null)
      this.setData({busy: true})
      return payOrder(this.data.order, event.currentTarget.dataset.method || 'wechatpay').then(result => {
        if (result.paid) wx.showToast({title: '支付成功', icon: 'success'})
        return this.load()
      }, api.showError).then(() => this.setData({busy: false}))
    },
    act(path, question) {
      return new Promise(resolve => {
        wx.showModal({title: question, success: res => resolve(res && res.confirm), fail: () => resolve(false)})
      }).then(ok => (ok ? api.post(`/orders/${this.orderId}/${path}`).then(order => this.show(order), api.showError) : null))
    },
    onCancel() {
      return this.act('cancel', '确定取消这个订单吗？')
    },
    onConfirm() {
      return this.act('confirm-receipt', '确认已收到商品？')
    },
    onReview() {
      wx.navigateTo({url: `/pages/review/index?order_id=${this.orderId}`})
    },
    onAftersale(event) {
      const {line, id} = event.currentTarget.dataset
      wx.navigateTo({url: Number(id) ? `/pages/aftersale/index?id=${id}`
        : `/pages/aftersale/index?order_id=${this.orderId}&line_id=${line}`})
    },
    onGroup() {
      wx.navigateTo({url: `/pages/groupbuy/group?id=${this.data.order.groupbuy.group_id}`})
    },
    onOpenProduct(event) {
      wx.navigateTo({url: `/pages/product/index?id=${event.currentTarget.dataset.id}`})
    },
  },
})
