/**
 * 售后 (pages/aftersale/index): with order_id and line_id, the form that asks for a refund,
 * a return or an exchange of that line (POST aftersales); with id, one request's progress,
 * the shop's return address, shipping the goods back (carrier, tracking number) and 撤销.
 */
const api = require('../../utils/api')
const {yuan, dateTime} = require('../../utils/format')

const KINDS = [{key: 'refund', label: '仅退款'}, {key: 'return', label: '退货退款'},
  {key: 'exchange', label: '换货'}]
const CANCELLABLE = ['apply', 'seller_agree']

function requestView(a) {
  return {id: a.id, no: a.no, status: a.status, statusLabel: a.status_label, kindLabel: a.kind_label,
    total: yuan(a.total_fen), title: a.line ? a.line.title : '', spec: a.line ? a.line.spec_text : '',
    address: a.return_address, shipment: a.return_shipment, canShip: a.status === 'seller_agree',
    canCancel: CANCELLABLE.indexOf(a.status) >= 0,
    history: (a.history || []).slice().reverse().map((h, i) => ({key: i, text: h.reason || h.event,
      at: dateTime(h.at)}))}
}

Component({
  data: {mode: '', kinds: KINDS, form: null, request: null, carrier: '', trackingNo: '', busy: false,
    error: ''},
  methods: {
    onLoad(options) {
      if (options && options.id) {
        this.aftersaleId = Number(options.id)
        this.setData({mode: 'detail'})
        return this.load()
      }
      this.setData({mode: 'apply'})
      return this.loadLine(Number(options && options.order_id), Number(options && options.line_id))
    },
    loadLine(orderId, lineId) {
      return api.get(`/orders/${orderId}`).then(order => {
        const line = order.lines.filter(l => l.id === lineId)[0] || order.lines[0]
        const done = ((order.aftersale_lines || {})[String(line.id)] || {}).refunded_fen || 0
        const left = line.payable_fen - done
        const kinds = order.status === 'paid' ? KINDS.slice(0, 1) : KINDS
        this.setData({kinds, form: {orderId: order.id, lineId: line.id, title: line.title,
          spec: line.spec_text, kind: 0, left, leftText: yuan(left), amount: (left / 100).toFixed(2),
          reason: '', description: ''}})
      }, err => {
        this.setData({error: err.message})
        api.showError(err)
      })
    },
    load() {
      return api.get(`/aftersales/${this.aftersaleId}`).then(a => this.setData({request: requestView(a)}),
        err => {
          this.setData({error: err.message})
          api.showError(err)
        })
    },
    onKind(event) {
      this.setData({'form.kind': Number(event.detail.value)})
    },
    onField(event) {
      this.setData({[`form.${event.currentTarget.dataset.field}`]: event.detail.value})
    },
    onSubmit() {
      const form = this.data.form
      if (this.data.busy || !form) return Promise.resolve(null)
      const kind = this.data.kinds[form.kind].key
      const body = {order_id: form.orderId, line_id: form.lineId, kind, reason: form.reason,
        description: form.description, images: [],
        amount_fen: kind === 'exchange' ? 0 : Math.round(Number(form.amount) * 100)}
      this.setData({busy: true, error: ''})
      return api.post('/aftersales', body).then(made => {
        wx.redirectTo({url: `/pages/aftersale/index?id=${made.id}`})
        return made
      }, err => {
        this.setData({error: err.message})
        api.showError(err)
      }).then(result => {
        this.setData({busy: false})
        return result
      })
    },
    onShipField(event) {
      this.setData({[event.currentTarget.dataset.field]: event.detail.value})
    },
    onShip() {
      const body = {carrier: this.data.carrier, tracking_no: this.data.trackingNo}
      return api.post(`/aftersales/${this.aftersaleId}/return-shipment`, body)
        .then(a => this.setData({request: requestView(a)}), api.showError)
    },
    onCancel() {
      return new Promise(resolve => {
        wx.showModal({title: '确定撤销售后申请吗？', success: res => resolve(res && res.confirm),
          fail: () => resolve(false)})
      }).then(ok => (ok ? api.post(`/aftersales/${this.aftersaleId}/cancel`)
        .then(a => this.setData({request: requestView(a)}), api.showError) : null))
    },
  },
})
