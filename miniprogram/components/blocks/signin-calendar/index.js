/**
 * signin-calendar: title, streak and today's reward, the sign-in button, the cycle's rewards,
 * this month's calendar (missed days can be made up) and the monthly milestones. The rules
 * come with the layout (data); the member's month from GET /signin once logged in, so the
 * cached layout is the same for every shopper.
 */
const block = require('../../../utils/block')
const {withDefaults, listOf, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const api = require('../../../utils/api')

const DEFAULTS = {title: '每日签到', subtitle: '', button_text: '立即签到', show_calendar: true,
  show_rewards: true, show_milestones: true, accent: ''}
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

/** The member's month as template data: status line, cycle progress, calendar cells. */
function monthView(cal, cycleLength, buttonText) {
  const status = cal.signed_today
    ? `已连续签到 ${cal.streak} 天，今日 +${cal.today_points}`
    : `${cal.streak ? `已连续签到 ${cal.streak} 天，` : ''}今日签到 +${cal.today_points} 积分`
  let done = cal.streak && cycleLength ? ((cal.streak - 1) % cycleLength) + 1 : 0
  if (!cal.signed_today && done === cycleLength) done = 0
  const days = Array.isArray(cal.days) ? cal.days.filter(d => isObject(d) && typeof d.date === 'string') : []
  const cells = []
  if (days.length) {
    const first = new Date(`${days[0].date}T00:00:00`)
    for (let i = 0; i < first.getDay(); i++) cells.push({key: `blank-${i}`, text: '', cls: ''})
  }
  days.forEach(day => {
    let cls = day.signed ? (day.makeup ? 'day--makeup' : 'day--signed') : ''
    if (day.can_make_up) cls = 'day--missed'
    if (day.date === cal.today) cls += ' day--today'
    cells.push({key: day.date, text: String(Number(day.date.slice(8))), cls, date: day.date,
      canMakeUp: day.can_make_up === true})
  })
  return {
    status,
    signed: cal.signed_today === true,
    button: cal.signed_today ? '已签到' : buttonText,
    done,
    monthSigned: Number(cal.month_days_signed) || 0,
    cells,
    makeupCost: isObject(cal.makeup) ? cal.makeup.cost_points : 0,
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, accentStyle: '', cycle: [], milestones: [], weekdays: WEEKDAYS, month: null, busy: false},
  lifetimes: {
    attached() {
      if (api.storedToken()) this.load()
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const accent = color(p.accent)
      return {
        p,
        accentStyle: accent ? `--accent: ${accent}` : '',
        cycle: listOf(data.cycle, {day: 0, points: 0, bonus: false}),
        milestones: listOf(data.milestones, {days: 0, points: 0}),
      }
    },
    show(cal) {
      if (!isObject(cal)) return
      this.setData({month: monthView(cal, this.data.cycle.length, this.data.p.button_text)})
    },
    load() {
      return api.get('/signin').then(cal => this.show(cal), () => null)
    },
    onSign() {
      if (this.data.busy || (this.data.month && this.data.month.signed)) return null
      this.setData({busy: true})
      return api.post('/signin').then(result => {
        this.show(result.calendar)
        const bonus = (result.milestones || []).reduce((sum, m) => sum + (Number(m.points) || 0), 0)
        wx.showToast({title: `签到成功 +${result.points + bonus} 积分`, icon: 'none'})
      }, api.showError).then(() => this.setData({busy: false}))
    },
    onMakeup(event) {
      const {date, can} = event.currentTarget.dataset
      if (!can) return Promise.resolve(null)
      const cost = this.data.month ? this.data.month.makeupCost : 0
      return new Promise(resolve => {
        wx.showModal({
          title: '补签',
          content: `补签 ${date}，需要 ${cost} 积分`,
          success: res => resolve(res && res.confirm),
          fail: () => resolve(false),
        })
      }).then(confirmed => {
        if (!confirmed) return null
        return api.post('/signin/makeup', {date}).then(result => {
          this.show(result.calendar)
          wx.showToast({title: '补签成功', icon: 'none'})
        }, api.showError)
      })
    },
  },
})
