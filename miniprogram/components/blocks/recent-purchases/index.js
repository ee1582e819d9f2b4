// recent-purchases: this week's real purchases in turn ("张** 3 分钟前购买了 …"), read from
// GET /orders/recent-purchases (anonymised, cached a minute by the server), never the layout.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const api = require('../../../utils/api')
const {open} = require('../../../utils/links')

const DEFAULTS = {style: 'bar', interval: 4, background: '', color: ''}

function ago(iso, now) {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60000))
  if (minutes < 1) return '刚刚'
  if (minutes < 60) return `${minutes} 分钟前`
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} 小时前`
  return `${Math.floor(minutes / 1440)} 天前`
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, style: '', items: [], index: 0, text: ''},
  lifetimes: {
    attached() {
      return this.load()
    },
    detached() {
      if (this.timer) clearInterval(this.timer)
    },
  },
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const style = []
      if (color(p.background)) style.push(`background: ${p.background}`)
      if (color(p.color)) style.push(`color: ${p.color}`)
      return {p, style: style.join('; ')}
    },
    load() {
      return api.get('/orders/recent-purchases', {auth: false}).then(body => {
        const items = (body && Array.isArray(body.items) ? body.items : [])
          .filter(item => item && typeof item.buyer === 'string' && typeof item.product === 'string')
        this.setData({items})
        this.show(0)
        if (items.length > 1 && !this.timer) {
          const seconds = Math.min(10, Math.max(2, Number(this.data.p.interval) || 4))
          this.timer = setInterval(() => this.show(this.data.index + 1), seconds * 1000)
        }
      }, () => this.setData({items: []}))
    },
    show(index) {
      const items = this.data.items
      if (!items.length) return
      const item = items[index % items.length]
      this.setData({index: index % items.length, text: `${item.buyer} ${ago(item.paid_at, Date.now())}购买了 ${item.product}`})
    },
    onTap() {
      const item = this.data.items[this.data.index]
      if (item && typeof item.product_id === 'number') open(`/pages/product/index?id=${item.product_id}`)
    },
  },
})
