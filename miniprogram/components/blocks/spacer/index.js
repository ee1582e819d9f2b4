// spacer: vertical space, optionally with a hairline in the middle.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')

const DEFAULTS = {height: 16, line: false, line_color: '#e5e6eb'}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, heightRpx: 32, lineColor: '#e5e6eb'},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      return {p, heightRpx: Math.max(0, Math.round(p.height)) * 2, lineColor: color(p.line_color, '#e5e6eb')}
    },
  },
})
