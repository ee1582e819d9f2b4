// page-tabs: a row of tabs that scrolls sideways (the server's tab list, the current one marked);
// a category tab opens the category layout for that category.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const {navigate, open} = require('../../../utils/links')

const DEFAULTS = {source: 'categories', style: 'line', color: '', active_color: '', background: '',
  sticky: true}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, tabs: [], style: '', activeColor: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const found = isObject(data) && Array.isArray(data.tabs) ? data.tabs : []
      const current = isObject(data) && typeof data.current === 'number' ? data.current : -1
      const tabs = found.filter(isObject).map((tab, i) => ({key: String(i), text: String(tab.text || ''),
        link: tab.link || null, categoryId: typeof tab.category_id === 'number' ? tab.category_id : 0,
        current: i === current}))
      const style = [`color: ${color(p.color, '#323233')}`]
      const bg = color(p.background)
      if (bg) style.push(`background: ${bg}`)
      return {p, tabs, style: style.join('; '), activeColor: color(p.active_color, 'var(--color-primary, #ee0a24)')}
    },
    onTab(event) {
      const tab = this.data.tabs[Number(event.currentTarget.dataset.index)]
      if (!tab || tab.current) return
      if (tab.categoryId) open(`/pages/page/index?slug=category&id=${tab.categoryId}`)
      else navigate(tab.link)
    },
  },
})
