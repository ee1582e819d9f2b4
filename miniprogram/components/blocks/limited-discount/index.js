/**
 * limited-discount: each running or announced limited-time discount (data.discounts[] with the
 * layout: id, name, tag, status "active"|"scheduled", starts_at, ends_at, products[]: id, title,
 * cover, price_fen, discount_price_fen) with its products at the discount price, the price
 * struck through, and a countdown to its end (or start). The countdown runs by the server's
 * clock: GET /promotions/discounts says `now`, and the offset to the device's clock is kept.
 */
const block = require('../../../utils/block')
const api = require('../../../utils/api')
const countdown = require('../../../utils/countdown')
const {withDefaults, isObject} = require('../../../utils/props')
const {absoluteUrl, yuan} = require('../../../utils/format')

const DEFAULTS = {title: '限时折扣', max_products: 6, show_countdown: true}
const STATES = {active: 'running', scheduled: 'not_started'}

function product(p) {
  return {id: p.id, title: typeof p.title === 'string' ? p.title : '', image_url: absoluteUrl(p.cover),
    price: yuan(p.discount_price_fen), was: yuan(p.price_fen), link: {kind: 'product', product_id: p.id}}
}

function discount(d) {
  const products = (Array.isArray(d.products) ? d.products : [])
    .filter(p => isObject(p) && typeof p.id === 'number' && typeof p.discount_price_fen === 'number')
  return {id: d.id, tag: typeof d.tag === 'string' ? d.tag : '', state: STATES[d.status] || 'ended',
    starts_at: d.starts_at, ends_at: d.ends_at, clock: '', products: products.map(product)}
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, discounts: [], offset: 0},
  lifetimes: {
    attached() {
      if (!this.data.p.show_countdown || !this.data.discounts.length) return
      this.timer = setInterval(() => this.tick(), 1000)
      this.loadClock()
    },
    detached() {
      clearInterval(this.timer)
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const discounts = (Array.isArray(data.discounts) ? data.discounts : [])
        .filter(isObject).map(discount).filter(d => d.products.length)
      return {p, discounts: this.clocked(discounts, this.data.offset)}
    },
    /** The discounts with their countdown at the server's time (device time + `offset`). */
    clocked(discounts, offset) {
      const now = Date.now() + offset
      return discounts.map(d => Object.assign({}, d, {clock: this.data.p.show_countdown ? countdown.label(d, now) : ''}))
    },
    /** The server's `now` from the discounts endpoint; the device's clock when it fails. */
    loadClock() {
      return api.get('/promotions/discounts', {auth: false}).then(body => {
        const offset = countdown.offset(body.now, Date.now())
        this.setData({offset, discounts: this.clocked(this.data.discounts, offset)})
      }, () => null)
    },
    tick() {
      this.setData({discounts: this.clocked(this.data.discounts, this.data.offset)})
    },
  },
})
