// title (v2): a heading with an optional subtitle and a "more" link.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')

const DEFAULTS = {title: '标题文字', subtitle: '', align: 'left', size: 'medium', color: '',
  more_text: '', link: null}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, textColor: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      return {p, textColor: color(p.color)}
    },
  },
})
