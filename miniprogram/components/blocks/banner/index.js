// banner: a swiper of slides (image, title, subtitle, link), autoplay, four indicator styles.
const block = require('../../../utils/block')
const {withDefaults, listOf} = require('../../../utils/props')
const {imageUrl, ratioPercent} = require('../../../utils/format')

const DEFAULTS = {slides: [], ratio: '2:1', style: 'card', show_text: true, autoplay: true,
  interval: 4, indicator: 'dots'}
const SLIDE = {image: null, link: null, title: '', subtitle: ''}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, slides: [], height: 0, current: 0},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const width = p.style === 'card' ? 702 : 750
      const slides = listOf(p.slides, SLIDE).map(slide => ({
        src: imageUrl(slide.image, width),
        alt: (slide.image && slide.image.alt) || slide.title,
        link: slide.link,
        title: slide.title,
        subtitle: slide.subtitle,
      }))
      const height = Math.round(width * ratioPercent(p.ratio, 50) / 100)
      return {p, slides, height, current: 0, intervalMs: Math.max(2, p.interval) * 1000}
    },
    onChange(event) {
      this.setData({current: event.detail.current})
    },
  },
})
