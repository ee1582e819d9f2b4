// rich-text: the server-cleaned HTML (small allow-list) in WeChat's rich-text component.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const {prepare} = require('../../../utils/rich-html')

const DEFAULTS = {content: '', background: '', padding: 12}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, html: '', boxStyle: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const bg = color(p.background)
      const style = [`padding: ${Math.max(0, Math.round(p.padding)) * 2}rpx`]
      if (bg) style.push(`background: ${bg}`)
      return {p, html: prepare(p.content), boxStyle: style.join('; ')}
    },
  },
})
