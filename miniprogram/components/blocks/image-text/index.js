// image-text: an image beside (or above) a heading, text and an optional button with a link.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {imageUrl, color} = require('../../../utils/format')

const DEFAULTS = {image: null, image_position: 'left', title: '', text: '', button_text: '', link: null,
  background: ''}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, src: '', boxStyle: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const bg = color(p.background)
      return {p, src: imageUrl(p.image, p.image_position === 'top' ? 702 : 320), boxStyle: bg ? `background: ${bg}` : ''}
    },
  },
})
