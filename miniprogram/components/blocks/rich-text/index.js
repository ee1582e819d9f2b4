// rich-text: the server-cleaned HTML (small allow-list) in WeChat's rich-text component.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color, absoluteUrl} = require('../../../utils/format')

const DEFAULTS = {content: '', background: '', padding: 12}

/** Relative image sources made absolute, and images kept inside the screen. */
function prepare(html) {
  return html
    .replace(/(<img\b[^>]*\ssrc=")(\/[^"]*)"/g, (all, head, src) => `${head}${absoluteUrl(src)}"`)
    .replace(/<img\b(?![^>]*\sstyle=)/g, '<img style="max-width:100%;height:auto"')
}

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
