/**
 * product-list: product cards (as the product-grid / product-tabs blocks send them in `data`)
 * in a grid, a list or a swipe row. Prices come in fen and show as ¥; a tap opens the product,
 * the buy button opens it with the SKU picker.
 */
const {isObject} = require('../../utils/props')
const {absoluteUrl, priceText, yuan} = require('../../utils/format')
const {navigate, open} = require('../../utils/links')

const RATIOS = {'1:1': 100, '3:4': 133.33, '4:3': 75}
const LAYOUTS = ['grid-2', 'grid-3', 'grid-1', 'list', 'scroll']

function card(product, opts) {
  const id = product.id
  const price = product.price_fen
  const original = product.original_price_fen
  const cover = opts.layout === 'grid-1' ? (product.cover_large || product.cover) : product.cover
  return {
    id,
    title: typeof product.title === 'string' ? product.title : '',
    subtitle: opts.showSubtitle && typeof product.subtitle === 'string' ? product.subtitle : '',
    cover: absoluteUrl(cover),
    price: priceText(price, product.max_price_fen),
    original: opts.showOriginalPrice && typeof original === 'number' && original > price ? yuan(original) : '',
    sales: opts.showSales && typeof product.sales === 'number' ? `已售 ${product.sales}` : '',
    unit: typeof product.unit === 'string' ? product.unit : '',
    soldOut: product.sold_out === true,
    link: isObject(product.link) ? product.link : {kind: 'product', product_id: id},
  }
}

Component({
  properties: {
    products: {type: Array, value: []},
    layout: {type: String, value: 'grid-2'},
    cardStyle: {type: String, value: 'card'},
    imageRatio: {type: String, value: '1:1'},
    showSubtitle: {type: Boolean, value: true},
    showOriginalPrice: {type: Boolean, value: true},
    showSales: {type: Boolean, value: false},
    buyButton: {type: String, value: 'cart'},
    buyText: {type: String, value: '马上抢'},
    badge: {type: String, value: ''},
  },
  data: {cards: [], mode: 'grid-2', imagePad: 100},
  observers: {
    'products, layout, cardStyle, imageRatio, showSubtitle, showOriginalPrice, showSales'() {
      this.build()
    },
  },
  lifetimes: {
    attached() {
      this.build()
    },
  },
  methods: {
    build() {
      const d = this.data
      const opts = {layout: d.layout, showSubtitle: d.showSubtitle, showOriginalPrice: d.showOriginalPrice,
        showSales: d.showSales}
      const cards = (Array.isArray(d.products) ? d.products : [])
        .filter(p => isObject(p) && typeof p.id === 'number')
        .map(p => card(p, opts))
      this.setData({
        cards,
        mode: LAYOUTS.indexOf(d.layout) >= 0 ? d.layout : 'grid-2',
        imagePad: RATIOS[d.imageRatio] || 100,
      })
    },
    onOpen(event) {
      navigate(event.currentTarget.dataset.link)
    },
    onBuy(event) {
      open(`/pages/product/index?id=${event.currentTarget.dataset.id}&buy=1`)
    },
  },
})
