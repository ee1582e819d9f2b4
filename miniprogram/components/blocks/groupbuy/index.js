/**
 * groupbuy: live group buys — product, N人团 badge, group price (and 团长价), single price —
 * from the layout; the open groups one can join (seats left) from GET /groupbuy/activities,
 * cached a few seconds, never from the cached layout. An item opens the activity page, a
 * group the group's page.
 */
const block = require('../../../utils/block')
const {withDefaults, listOf, isObject} = require('../../../utils/props')
const api = require('../../../utils/api')
const gb = require('../../../utils/groupbuy')

const DEFAULTS = {title: '超值拼团', count: 4, show_open_groups: true}

function itemsView(items, live, p) {
  const open = {}
  listOf(live && live.items, {id: 0, open_groups: []}).forEach(a => { open[a.id] = a.open_groups || [] })
  return listOf(items, {id: 0, title: '', badge: '', group_price_fen: 0, leader_price_fen: null,
    product: null, group_size: 0}).slice(0, p.count).map(a => Object.assign(gb.activityView(a), {
    link: {kind: 'miniprogram', path: gb.activityPath(a.id)},
    groups: p.show_open_groups ? (open[a.id] || []).map(g => ({id: g.id, seats_left: g.seats_left,
      link: {kind: 'miniprogram', path: gb.groupPath(g.id)}})) : [],
  }))
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, raw: [], items: [], live: null},
  lifetimes: {
    attached() {
      this.load()
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const raw = isObject(data) ? data.items : []
      return {p, raw, items: itemsView(raw, this.data.live, p)}
    },
    load() {
      if (!this.data.p.show_open_groups) return Promise.resolve(null)
      return api.get('/groupbuy/activities', {auth: false}).then(live => {
        if (isObject(live)) this.setData({live, items: itemsView(this.data.raw, live, this.data.p)})
      }, () => null)
    },
  },
})
