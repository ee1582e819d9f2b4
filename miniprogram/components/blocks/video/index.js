// video: an mp4 (media library or https URL) with its cover, title, ratio, autoplay and loop.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {imageUrl, absoluteUrl, ratioPercent} = require('../../../utils/format')

const DEFAULTS = {video: null, poster: null, title: '', ratio: '16:9', autoplay: false, loop: false}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, src: '', poster: '', pad: 56.25},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const src = isObject(p.video) && typeof p.video.url === 'string' ? absoluteUrl(p.video.url) : ''
      return {p, src, poster: imageUrl(p.poster, 702), pad: ratioPercent(p.ratio, 56.25)}
    },
  },
})
