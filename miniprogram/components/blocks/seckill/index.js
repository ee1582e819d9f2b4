/**
 * seckill: slot tabs, a countdown by the server's time and each product's sold progress.
 * The layout brings what stays put (slots, activities, products, prices); state, window and
 * stock come from GET /seckill/live (cached two seconds), whose `now` is the server's clock:
 * the countdown runs from the offset between it and the device's clock.
 */
const block = require('../../../utils/block')
const {withDefaults, listOf, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const api = require('../../../utils/api')
const countdown = require('../../../utils/countdown')

const DEFAULTS = {title: '限时秒杀', max_items: 6, show_progress: true, accent: ''}

/** The products of every activity, each with its live figures (sold %, left) when known. */
function itemsView(activities, live, chosenSlot, max) {
  const byId = {}
  listOf(live && live.items, {activity_id: 0, skus: []}).forEach(a => { byId[a.activity_id] = a })
  const items = []
  activities.forEach(a => {
    if (chosenSlot && a.slot_ids.indexOf(chosenSlot) < 0) return
    const state = byId[a.id]
    listOf(a.items, {sku_id: 0, product_id: 0, title: '', image_url: '', price_fen: 0,
      seckill_price_fen: 0}).slice(0, max).forEach(item => {
      const sku = state ? (state.skus || []).filter(s => s.sku_id === item.sku_id)[0] : null
      items.push(Object.assign({}, item, {
        key: `${a.id}-${item.sku_id}`,
        price: (item.seckill_price_fen / 100).toFixed(2),
        was: (item.price_fen / 100).toFixed(2),
        percent: sku ? sku.percent : 0,
        soldOut: !!(sku && sku.left <= 0),
        link: {kind: 'product', product_id: item.product_id, seckill: a.id, sku_id: item.sku_id},
      }))
    })
  })
  return items
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, accentStyle: '', slots: [], activities: [], items: [], chosen: 0,
    clock: '', live: null, offset: 0},
  lifetimes: {
    attached() {
      this.load()
      this.timer = setInterval(() => this.tick(), 1000)
    },
    detached() {
      clearInterval(this.timer)
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const accent = color(p.accent)
      const activities = listOf(data.activities, {id: 0, title: '', slot_ids: [], items: []})
      return {
        p,
        accentStyle: accent ? `--accent: ${accent}` : '',
        slots: listOf(data.slots, {id: 0, name: '', start: '', end: ''}),
        activities,
        items: itemsView(activities, this.data.live, this.data.chosen, p.max_items),
      }
    },
    load() {
      return api.get('/seckill/live', {auth: false}).then(live => {
        if (!isObject(live)) return
        const offset = countdown.offset(live.now, Date.now())
        this.setData({live, offset, items: itemsView(this.data.activities, live, this.data.chosen,
          this.data.p.max_items)})
        this.tick()
      }, () => null)
    },
    tick() {
      const live = this.data.live
      if (!live) return
      const shown = listOf(live.items, {activity_id: 0, state: '', slot_id: 0, starts_at: '',
        ends_at: ''})
        .filter(a => !this.data.chosen || a.slot_id === this.data.chosen)[0]
      const clock = shown ? countdown.label(shown, Date.now() + this.data.offset) : ''
      const chosen = this.data.chosen || (shown && shown.slot_id) || 0
      if (clock !== this.data.clock || chosen !== this.data.chosen) this.setData({clock, chosen})
    },
    onSlot(event) {
      const chosen = Number(event.currentTarget.dataset.slot)
      this.setData({chosen, items: itemsView(this.data.activities, this.data.live, chosen,
        this.data.p.max_items)})
      this.tick()
    },
  },
})
