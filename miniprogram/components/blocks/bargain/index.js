// bargain: the live bargains (data.items from the bargain module: id, title, cover,
// start_price_fen, floor_price_fen, helpers_needed, sold_out). A tap opens the activity page
// pages/bargain/activity, where the shopper launches a bargain; their own launches are not in
// the layout (it is the same for everyone).
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color, yuan, absoluteUrl} = require('../../../utils/format')

const DEFAULTS = {title: '砍价免费拿', limit: 4, accent: ''}

function card(item) {
  return {
    id: item.id,
    title: typeof item.title === 'string' ? item.title : '',
    cover: absoluteUrl(item.cover),
    floor: yuan(item.floor_price_fen),
    was: yuan(item.start_price_fen),
    cuts: `${Number(item.helpers_needed) || 0} 刀砍到底`,
    soldOut: item.sold_out === true,
    link: item.sold_out === true ? null
      : {kind: 'miniprogram', path: `/pages/bargain/activity?id=${item.id}`},
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, items: [], accentStyle: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const list = (Array.isArray(data.items) ? data.items : [])
        .filter(i => isObject(i) && i.id > 0 && typeof i.floor_price_fen === 'number')
      const accent = color(p.accent)
      return {
        p,
        items: list.slice(0, Math.max(1, p.limit)).map(card),
        accentStyle: accent ? `--accent: ${accent}` : '',
      }
    },
  },
})
