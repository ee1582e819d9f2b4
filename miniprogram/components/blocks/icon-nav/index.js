// icon-nav: a grid (or a swipe row) of shortcuts: built-in line icon or own image, label, link.
const block = require('../../../utils/block')
const {withDefaults, listOf} = require('../../../utils/props')
const {imageUrl, color} = require('../../../utils/format')
const {iconSrc} = require('../../../utils/icons')

const DEFAULTS = {entries: [], columns: 5, icon_style: 'circle', layout: 'grid', background: '',
  text_color: ''}
const ENTRY = {title: '', icon: 'grid', image: null, color: '', link: null}
const PALETTE = ['linear-gradient(135deg,#ff7a45,#ee0a24)', 'linear-gradient(135deg,#ffc53d,#ff8a00)',
  'linear-gradient(135deg,#69c0ff,#1989fa)', 'linear-gradient(135deg,#b37feb,#7232dd)',
  'linear-gradient(135deg,#5cdbd3,#07c160)']

Component({
  behaviors: [block],
  data: {p: DEFAULTS, entries: [], itemWidth: 20, navStyle: '', textStyle: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const columns = Math.min(5, Math.max(3, Math.round(p.columns)))
      const plain = p.icon_style === 'plain'
      const entries = listOf(p.entries, ENTRY).map((entry, i) => {
        const image = imageUrl(entry.image, 88)
        return {
          title: entry.title,
          link: entry.link,
          image,
          icon: image ? '' : iconSrc(entry.icon, plain ? '#ee0a24' : '#ffffff') || iconSrc('grid', '#ffffff'),
          badge: plain ? 'transparent' : (color(entry.color) || PALETTE[i % PALETTE.length]),
        }
      })
      const bg = color(p.background)
      const text = color(p.text_color)
      return {
        p, entries, itemWidth: Math.floor(10000 / columns) / 100,
        navStyle: bg ? `background: ${bg}` : '',
        textStyle: text ? `color: ${text}` : '',
      }
    },
  },
})
