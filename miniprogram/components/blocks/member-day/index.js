/**
 * member-day: the member day's name, schedule and benefits (with the layout); whether today is
 * the day, the days left and whether the shopper takes part come from GET /memberday, so the
 * cached layout is right on every day.
 */
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const api = require('../../../utils/api')

const DEFAULTS = {subtitle: '', link: null, accent: ''}

/** The badge text for the day's status from GET /memberday. */
function whenText(day) {
  if (!isObject(day)) return ''
  let text = day.is_today ? '今天就是会员日' : `还有 ${Number(day.days_until) || 0} 天`
  if (day.eligible === false) text += '（等级未达到）'
  return text
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, d: {}, accentStyle: '', when: ''},
  lifetimes: {
    attached() {
      this.load()
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const accent = color(p.accent)
      const d = isObject(data) ? data : {}
      return {p, d, accentStyle: accent ? `--accent: ${accent}` : '', when: this.data.when || d.schedule_text || ''}
    },
    load() {
      const auth = Boolean(api.storedToken())
      return api.get('/memberday', {auth}).then(day => this.setData({when: whenText(day)}), () => null)
    },
  },
})
