// floating-button: a round button pinned to a corner: a link, or a menu of links it opens.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color, imageUrl} = require('../../../utils/format')
const {iconSrc} = require('../../../utils/icons')
const {navigate} = require('../../../utils/links')

const DEFAULTS = {mode: 'link', icon: 'cart', image: null, label: '', link: null, items: [],
  side: 'right', bottom: 180, color: ''}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, style: '', icon: '', items: [], open: false},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const side = p.side === 'left' ? 'left' : 'right'
      const style = [`${side}: 24rpx`, `bottom: ${Math.max(0, Math.round(p.bottom)) * 2}rpx`]
      const bg = color(p.color)
      if (bg) style.push(`background: ${bg}`)
      const items = (Array.isArray(p.items) ? p.items : []).filter(i => i && typeof i === 'object')
        .map((item, i) => ({key: String(i), text: String(item.text || ''), link: item.link || null}))
      return {p, style: style.join('; '), items, menuSide: side,
        icon: imageUrl(p.image, 100) || iconSrc(p.icon, '#ffffff') || iconSrc('grid', '#ffffff')}
    },
    onTap() {
      if (this.data.p.mode === 'menu') this.setData({open: !this.data.open})
      else navigate(this.data.p.link)
    },
    onItem(event) {
      this.setData({open: false})
      navigate(event.currentTarget.dataset.link)
    },
  },
})
