// notice-bar: a one-line announcement, scrolling or static, with an optional link.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')

const DEFAULTS = {text: '', link: null, mode: 'scroll', show_icon: true, background: '#fff7e8',
  color: '#ed6a0c'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, barStyle: '', duration: 10},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const style = [`background: ${color(p.background, '#fff7e8')}`, `color: ${color(p.color, '#ed6a0c')}`]
      // Scroll at about 60 px a second whatever the length of the text.
      return {p, barStyle: style.join('; '), duration: Math.max(6, Math.round(p.text.length * 0.4))}
    },
  },
})
