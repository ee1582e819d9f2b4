// single-image: one image, the whole of it a link when one is set.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {imageUrl} = require('../../../utils/format')

const DEFAULTS = {image: null, link: null, style: 'full', radius: 0, spacing: 0}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, src: '', ratio: 50, padding: '0'},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const image = p.image || {}
      const ratio = image.width > 0 && image.height > 0 ? (image.height / image.width) * 100 : 50
      const side = p.style === 'card' ? 24 : 0
      return {
        p,
        src: imageUrl(p.image, p.style === 'card' ? 702 : 750),
        ratio: Math.round(ratio * 100) / 100,
        padding: `${Math.max(0, p.spacing) * 2}rpx ${side}rpx`,
      }
    },
  },
})
