/**
 * invite: the shop's invite rewards (with the layout); for a logged-in shopper, their code,
 * how many they invited and the points it earned from GET /invite/me. The button shares the
 * page with the member's own path (`share_path`, `invite=<code>`; the page's
 * onShareAppMessage reads it from the button's dataset).
 */
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const api = require('../../../utils/api')

const DEFAULTS = {subtitle: '', button_text: '立即邀请', show_qr: true, accent: ''}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, d: {}, accentStyle: '', me: null},
  lifetimes: {
    attached() {
      this.load()
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const accent = color(p.accent)
      return {p, d: isObject(data) ? data : {}, accentStyle: accent ? `--accent: ${accent}` : ''}
    },
    load() {
      if (!api.storedToken()) return Promise.resolve(null)
      return api.get('/invite/me').then(me => {
        if (isObject(me)) this.setData({me})
        return me
      }, () => null)
    },
  },
})
