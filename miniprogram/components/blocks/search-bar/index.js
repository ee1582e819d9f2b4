// search-bar: a search box that opens the search page; trending words search at once.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const {open} = require('../../../utils/links')

const DEFAULTS = {placeholder: '搜索店内商品', shape: 'round', align: 'left', background: '',
  field_background: '', sticky: false, hot_words: []}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, words: [], barStyle: '', fieldStyle: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const bg = color(p.background)
      const field = color(p.field_background)
      return {
        p,
        words: p.hot_words.filter(w => typeof w === 'string' && w),
        barStyle: bg ? `background: ${bg}` : '',
        fieldStyle: field ? `background: ${field}` : '',
      }
    },
    onSearch() {
      open('/pages/search/index')
    },
    onWord(event) {
      open(`/pages/search/index?keyword=${encodeURIComponent(event.currentTarget.dataset.word)}`)
    },
  },
})
