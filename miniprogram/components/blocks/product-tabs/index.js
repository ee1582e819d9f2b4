// product-tabs: tabs over product lists; the server sends every tab's products (data.tabs).
const block = require('../../../utils/block')
const {withDefaults, listOf, isObject} = require('../../../utils/props')

const DEFAULTS = {tabs: [], limit: 6, layout: 'grid-2', tab_style: 'line', sticky: false,
  show_original_price: true, buy_button: 'cart'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, tabs: [], active: 0},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const loaded = Array.isArray(data.tabs) ? data.tabs.filter(isObject) : []
      const titles = listOf(p.tabs, {title: ''})
      const tabs = loaded.map((tab, i) => ({
        title: tab.title || (titles[i] && titles[i].title) || `${i + 1}`,
        products: Array.isArray(tab.products) ? tab.products : [],
      }))
      return {p, tabs, active: Math.min(this.data.active, Math.max(0, tabs.length - 1))}
    },
    onTab(event) {
      this.setData({active: Number(event.currentTarget.dataset.index) || 0})
    },
  },
})
