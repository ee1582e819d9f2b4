// product-ranking: the best sellers the server counted from paid orders, numbered, with price
// and pieces sold; tapping one opens it.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {priceText, absoluteUrl} = require('../../../utils/format')
const {navigate} = require('../../../utils/links')

const DEFAULTS = {title: '热销榜', period: 'week', limit: 5, show_sold: true}
const PERIODS = {day: '近 24 小时', week: '近 7 天', month: '近 30 天', all: '累计'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, products: [], period: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const found = isObject(data) && Array.isArray(data.products) ? data.products : []
      const products = found.filter(item => isObject(item) && typeof item.id === 'number').map((item, i) => ({
        key: String(item.id), rank: i + 1, title: String(item.title || ''), cover: absoluteUrl(item.cover),
        price: priceText(item.price_fen, item.max_price_fen), sold: Number(item.sold) || 0, link: item.link || null,
      }))
      return {p, products, period: PERIODS[p.period] || ''}
    },
    onProduct(event) {
      navigate(event.currentTarget.dataset.link)
    },
  },
})
