// header-combo: a coloured page header — logo and title, a search field (opens the search page),
// the top tabs the server listed (the current one marked) and a swiper of slides.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color, imageUrl} = require('../../../utils/format')
const {navigate, open} = require('../../../utils/links')

const DEFAULTS = {title: '', logo: null, placeholder: '搜索商品', tab_source: 'categories', slides: [],
  background: '', text_color: '#ffffff'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, tabs: [], slides: [], logo: '', style: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const found = isObject(data) && Array.isArray(data.tabs) ? data.tabs : []
      const current = isObject(data) && typeof data.current === 'number' ? data.current : -1
      const tabs = found.filter(isObject).map((tab, i) => ({key: String(i), text: String(tab.text || ''),
        link: tab.link || null, categoryId: typeof tab.category_id === 'number' ? tab.category_id : 0,
        current: i === current}))
      const slides = (Array.isArray(p.slides) ? p.slides : []).filter(isObject)
        .map((slide, i) => ({key: String(i), src: imageUrl(slide.image, 702), link: slide.link || null}))
        .filter(slide => slide.src)
      const style = `color: ${color(p.text_color, '#ffffff')}; background: ${color(p.background, 'var(--color-primary, #ee0a24)')}`
      return {p, tabs, slides, logo: imageUrl(p.logo, 60), style}
    },
    onSearch() {
      open('/pages/search/index')
    },
    onTab(event) {
      const tab = this.data.tabs[Number(event.currentTarget.dataset.index)]
      if (!tab || tab.current) return
      if (tab.categoryId) open(`/pages/page/index?slug=category&id=${tab.categoryId}`)
      else navigate(tab.link)
    },
  },
})
