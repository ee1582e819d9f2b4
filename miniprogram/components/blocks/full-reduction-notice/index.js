// full-reduction-notice: the label and each running full reduction's rule in words
// (data.rules[] with the layout: id, name, summary, ends_at, scope), e.g. 满199减30；满299减50,
// tapping through to the block's link; nothing at all while none runs.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')

const DEFAULTS = {label: '满减', link: null}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, rules: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const rules = (Array.isArray(data.rules) ? data.rules : [])
        .filter(r => isObject(r) && typeof r.summary === 'string' && r.summary)
      return {p, rules: rules.map(r => r.summary).join('；')}
    },
  },
})
