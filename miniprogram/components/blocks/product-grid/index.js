// product-grid: the products the server loaded for the block (data.products) as cards.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')

const DEFAULTS = {layout: 'grid-2', card_style: 'card', image_ratio: '1:1', show_subtitle: true,
  show_original_price: true, show_sales: false, buy_button: 'cart', buy_text: '马上抢', badge: ''}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, products: []},
  methods: {
    view({props, data}) {
      return {p: withDefaults(props, DEFAULTS), products: Array.isArray(data.products) ? data.products : []}
    },
  },
})
