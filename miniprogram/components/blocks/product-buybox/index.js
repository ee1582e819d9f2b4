// product-buybox: the product page's fixed buy box. The product page draws its own (images,
// price, SKU picker) where this node sits and lays the other blocks around it; anywhere else
// this shows the product's picture, price and title, and a tap opens the product page.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {absoluteUrl, priceText, yuan} = require('../../../utils/format')

const DEFAULTS = {show_sales: true, show_stock: true, show_share: true, show_description: true,
  cart_text: '加入购物车', buy_text: '立即购买'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, product: null, image: '', price: '', original: '', link: null},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const product = isObject(data) && isObject(data.product) ? data.product : null
      if (!product) return {p, product: null, image: '', price: '', original: '', link: null}
      const images = Array.isArray(product.images) ? product.images : []
      return {
        p,
        product,
        image: images.length ? absoluteUrl(images[0]) : '',
        price: priceText(product.price_fen, product.max_price_fen),
        original: product.original_price_fen > product.price_fen ? yuan(product.original_price_fen) : '',
        link: {kind: 'product', product_id: product.id},
      }
    },
  },
})
