// points-mall-grid: goods exchangeable for points (data.items from the points mall module:
// id, sku_id, title, spec_text, cover, points, cash_fen, price_fen, sold_out). A tap opens
// checkout as a points-mall exchange of that item; "更多" opens the custom page
// data.mall_page. The member's balance is not in the layout (it is the same for everyone).
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color, yuan, absoluteUrl} = require('../../../utils/format')

const DEFAULTS = {title: '积分兑好物', limit: 6, columns: 2, show_more: true, accent: ''}

/** The checkout path of an exchange of one unit of `item`. */
function exchangePath(item) {
  return `/pages/checkout/index?sku=${item.sku_id}&qty=1&activity=pointsmall&activity_id=${item.id}`
}

function card(item) {
  return {
    id: item.id,
    title: typeof item.title === 'string' ? item.title : '',
    spec: typeof item.spec_text === 'string' ? item.spec_text : '',
    cover: absoluteUrl(item.cover),
    points: item.points,
    cash: item.cash_fen > 0 ? yuan(item.cash_fen).slice(1) : '',
    was: yuan(item.price_fen),
    soldOut: item.sold_out === true,
    link: item.sold_out === true ? null : {kind: 'miniprogram', path: exchangePath(item)},
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, items: [], more: null, accentStyle: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const list = (Array.isArray(data.items) ? data.items : [])
        .filter(i => isObject(i) && i.id > 0 && i.sku_id > 0 && typeof i.points === 'number')
      const accent = color(p.accent)
      return {
        p,
        items: list.slice(0, Math.max(1, p.limit)).map(card),
        more: p.show_more && typeof data.mall_page === 'string' && data.mall_page
          ? {kind: 'page', slug: data.mall_page} : null,
        accentStyle: accent ? `--accent: ${accent}` : '',
      }
    },
  },
})
