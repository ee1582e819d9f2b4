// image-ad: one image with tappable rectangles ("hot zones") placed in % of the image.
const block = require('../../../utils/block')
const {withDefaults, listOf} = require('../../../utils/props')
const {imageUrl} = require('../../../utils/format')

const DEFAULTS = {image: null, zones: [], style: 'full'}
const ZONE = {x: 0, y: 0, w: 50, h: 100, link: null, label: ''}

function clamp(n, low, high) {
  return Math.min(high, Math.max(low, n))
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, src: '', ratio: 50, zones: []},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const width = p.style === 'card' ? 702 : 750
      const image = p.image || {}
      const ratio = image.width > 0 && image.height > 0 ? (image.height / image.width) * 100 : 50
      const zones = listOf(p.zones, ZONE).filter(z => z.link).map(z => {
        const left = clamp(z.x, 0, 100)
        const top = clamp(z.y, 0, 100)
        return {
          link: z.link,
          label: z.label,
          style: `left: ${left}%; top: ${top}%; width: ${clamp(z.w, 0, 100 - left)}%; ` +
            `height: ${clamp(z.h, 0, 100 - top)}%`,
        }
      })
      return {p, src: imageUrl(p.image, width), ratio: Math.round(ratio * 100) / 100, zones}
    },
  },
})
