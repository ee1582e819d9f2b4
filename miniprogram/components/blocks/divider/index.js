// divider: a solid, dashed or dotted rule, optionally with a caption in the middle.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')

const DEFAULTS = {line_style: 'solid', color: '', thickness: 1, spacing: 12, inset: 16, text: ''}
const STYLES = ['solid', 'dashed', 'dotted']

Component({
  behaviors: [block],
  data: {p: DEFAULTS, boxStyle: '', lineStyle: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const kind = STYLES.indexOf(p.line_style) >= 0 ? p.line_style : 'solid'
      const thickness = Math.min(4, Math.max(1, Math.round(p.thickness)))
      return {
        p,
        boxStyle: `padding: ${Math.max(0, p.spacing) * 2}rpx ${Math.max(0, p.inset) * 2}rpx`,
        lineStyle: `border-top: ${thickness}px ${kind} ${color(p.color, '#dcdee0')}`,
      }
    },
  },
})
