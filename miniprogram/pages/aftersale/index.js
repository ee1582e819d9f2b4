/**
 * 售后 (pages/aftersale/index): with order_id and line_id, the form that asks for a refund,
 * a return or an exchange of that line (POST aftersales; return and exchange only for a line
 * that shipped), with up to 9 photos (wx.chooseMedia, each through wx.uploadFile to
 * aftersales/photos, shown as thumbnails, removed with ×); with id, one request's progress,
 * the shop's return address, shipping the goods back (carrier, tracking number) and 撤销.
 */
const api = require('../../utils/api')
const {absoluteUrl, yuan, dateTime} = require('../../utils/format')

const KINDS = [{key: 'refund', label: '仅退款'}, {key: 'return', label: '退货退款'},
  {key: 'exchange', label: '换货'}]
const CANCELLABLE = ['apply', 'seller_agree']
const MAX_PHOTOS = 9

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
        const kinds = line.shipped_qty > 0 ? KINDS : KINDS.slice(0, 1)
        this.setData({kinds, form: {orderId: order.id, lineId: line.id, title: line.title,
          spec: line.spec_text, kind: 0, left, leftText: yuan(left), amount: (left / 100).toFixed(2),
          reason: '', description: '', photos: []}})
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
    onAddPhoto() {
      const form = this.data.form
      const left = form ? MAX_PHOTOS - form.photos.length : 0
      if (left <= 0) return Promise.resolve(null)
      return new Promise(resolve => {
        wx.chooseMedia({count: left, mediaType: ['image'], sourceType: ['album', 'camera'],
          success: res => resolve((res.tempFiles || []).map(f => f.tempFilePath)), fail: () => resolve([])})
      }).then(paths => paths.reduce((chain, path) => chain.then(() => api.upload('/aftersales/photos', path, 'file')
        .then(photo => {
          const photos = this.data.form.photos.concat([{media_id: photo.media_id, url: absoluteUrl(photo.url)}])
          this.setData({'form.photos': photos.slice(0, MAX_PHOTOS)})
        })), Promise.resolve()).catch(api.showError))
    },
    onRemovePhoto(event) {
      const index = Number(event.currentTarget.dataset.photo)
      this.setData({'form.photos': this.data.form.photos.filter((_, i) => i !== index)})
    },
    onSubmit() {
      const form = this.data.form
      if (this.data.busy || !form) return Promise.resolve(null)
      const kind = this.data.kinds[form.kind].key
      const body = {order_id: form.orderId, line_id: form.lineId, kind, reason: form.reason,
        description: form.description, images: form.photos.map(p => ({media_id: p.media_id})),
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
