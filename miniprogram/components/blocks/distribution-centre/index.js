/**
 * distribution-centre: a distributor sees the earnings (预估, 提现中, 可提现, 已提现) and four
 * entries: 佣金明细 and 我的团队 open lists in the card, 提现 asks where to (the balance, or
 * WeChat change when the shop offers it: audited, then paid by merchant transfer) and how much,
 * 推广海报 previews the poster. Anyone else sees the pitch and the apply button; where the shop
 * approves applicants (enrolment "apply") the button opens the shop's form (me.form: key,
 * label, required) and the answers go with POST /distribution/apply. The rules
 * come with the layout (data); the member's centre from GET /distribution/me once logged in,
 * so the cached layout is the same for every shopper.
 */
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const api = require('../../../utils/api')
const referral = require('../../../utils/referral')

const DEFAULTS = {title: '分销中心', apply_text: '成为分销员', pitch: '', show_rates: true, accent: ''}
const FIGURES = [['pending_fen', '预估佣金'], ['frozen_fen', '提现中'], ['available_fen', '可提现'],
  ['withdrawn_fen', '已提现']]
const STATUS = {pending: '预估', settled: '已结算', cancelled: '已失效'}
// where a withdrawal can go from the mini-program (a bank account needs the H5 form)
const METHODS = {wallet: '提现到余额', wechat: '提现到微信零钱'}
const yuan = fen => (Number(fen || 0) / 100).toFixed(2)

/** The member's centre as template data. */
function centreView(me) {
  const d = isObject(me.distributor) ? me.distributor : null
  const earnings = isObject(me.earnings) ? me.earnings : {}
  const application = isObject(me.application) ? me.application : null
  let status = ''
  if (d) status = `推广码 ${d.code}${d.level ? ` · ${d.level}` : ''}`
  else if (application && application.status === 'pending') status = '申请审核中'
  else if (application && application.status === 'rejected') status = `申请未通过${application.reason ? `：${application.reason}` : ''}`
  return {
    distributor: !!d,
    canApply: !d && !(application && application.status === 'pending'),
    status,
    figures: FIGURES.map(([key, label]) => ({key, label, value: yuan(earnings[key])})),
    available: Number(earnings.available_fen) || 0,
    minFen: isObject(me.withdraw) ? Number(me.withdraw.min_fen) || 0 : 0,
    methods: isObject(me.withdraw) && Array.isArray(me.withdraw.methods)
      ? me.withdraw.methods.filter(m => METHODS[m]) : ['wallet'],
    form: me.enrolment === 'apply' && Array.isArray(me.form)
      ? me.form.filter(f => isObject(f) && typeof f.key === 'string' && f.key)
        .map(f => ({key: f.key, label: String(f.label || f.key), required: f.required !== false}))
      : [],
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, accentStyle: '', rates: '', centre: null, panel: '', rows: [], busy: false,
    asking: false, answers: {}},
  lifetimes: {
    attached() {
      if (api.storedToken()) this.load()
    },
  },
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const accent = color(p.accent)
      const level2 = data.level2_rate && data.level2_rate !== '0' ? ` · 二级佣金 ${data.level2_rate}%` : ''
      return {
        p,
        accentStyle: accent ? `--accent: ${accent}` : '',
        rates: p.show_rates && data.level1_rate ? `一级佣金 ${data.level1_rate}%${level2}` : '',
      }
    },
    show(me) {
      if (!isObject(me)) return
      referral.remember(isObject(me.distributor) ? me.distributor.code : null)
      this.setData({centre: centreView(me)})
    },
    load() {
      return api.get('/distribution/me').then(me => this.show(me), () => null)
    },
    onApply() {
      const form = this.data.centre ? this.data.centre.form : []
      if (form.length && !this.data.asking) {
        this.setData({asking: true})
        return Promise.resolve(null)
      }
      return this.apply({})
    },
    onAnswer(event) {
      this.setData({[`answers.${event.currentTarget.dataset.key}`]: event.detail.value})
    },
    onSubmitAnswers() {
      const answers = {}
      for (const field of this.data.centre.form) {
        const value = String(this.data.answers[field.key] || '').trim()
        if (field.required && !value) {
          wx.showToast({title: `请填写${field.label}`, icon: 'none'})
          return Promise.resolve(null)
        }
        if (value) answers[field.key] = value
      }
      return this.apply({answers})
    },
    apply(body) {
      if (this.data.busy) return Promise.resolve(null)
      this.setData({busy: true})
      return api.post('/distribution/apply', body).then(result => {
        this.setData({asking: false, answers: {}})
        this.show(result)
        wx.showToast({title: result.is_distributor ? '你已成为分销员' : '已提交申请，请等待审核', icon: 'none'})
      }, error => {
        api.showError(error)
        return this.load()
      }).then(() => this.setData({busy: false}))
    },
    onOpen(event) {
      const name = event.currentTarget.dataset.name
      if (name === 'withdraw') return this.withdraw()
      if (name === 'poster') return this.poster()
      if (this.data.panel === name) {
        this.setData({panel: '', rows: []})
        return Promise.resolve(null)
      }
      const load = name === 'team'
        ? api.get('/distribution/team').then(t => [].concat(
          (t.level1 || []).map(m => ({key: `1-${m.member_id}`, left: m.nickname || `会员 ${m.member_id}`, right: '一级'})),
          (t.level2 || []).map(m => ({key: `2-${m.member_id}`, left: m.nickname || `会员 ${m.member_id}`, right: '二级'}))))
        : api.get('/distribution/commissions').then(c => (c.items || []).map(x => ({key: String(x.id),
          left: `${x.order_no} · ${x.level === 1 ? '一级' : '二级'} · ${STATUS[x.status] || x.status}`,
          right: `+${yuan(x.amount_fen)}`})))
      return load.then(rows => this.setData({panel: name, rows}), api.showError)
    },
    /** Ask where to (when the shop offers WeChat change too), then how much. */
    chooseMethod(methods) {
      if (methods.length < 2) return Promise.resolve(methods[0] || null)
      return new Promise(resolve => wx.showActionSheet({
        itemList: methods.map(m => METHODS[m]),
        success: res => resolve(methods[res.tapIndex] || null),
        fail: () => resolve(null),
      }))
    },
    withdraw() {
      const centre = this.data.centre || {}
      let method = null
      return this.chooseMethod(centre.methods || ['wallet']).then(chosen => {
        method = chosen
        if (!method) return null
        return new Promise(resolve => {
          wx.showModal({
            title: METHODS[method],
            content: '',
            editable: true,
            placeholderText: `可提现 ${yuan(centre.available)} 元，最低 ${yuan(centre.minFen)} 元`,
            success: res => resolve(res && res.confirm ? res.content : null),
            fail: () => resolve(null),
          })
        })
      }).then(amount => {
        const fen = Math.round(parseFloat(amount) * 100)
        if (!method || !(fen > 0)) return null
        return api.post('/distribution/withdrawals', {amount_fen: fen, method}).then(w => {
          wx.showToast({title: w.status === 'paid' ? '已提现到余额' : '提现申请已提交，审核后到账', icon: 'none'})
          return this.load()
        }, api.showError)
      })
    },
    poster() {
      return api.ensureToken().then(token => new Promise((resolve, reject) => {
        wx.downloadFile({
          url: api.apiUrl('/distribution/poster'),
          header: {Authorization: `Bearer ${token}`},
          success: res => (res.statusCode === 200 ? resolve(res.tempFilePath)
            : reject(new api.ApiError({status: res.statusCode, detail: '海报生成失败'}))),
          fail: () => reject(new api.ApiError({status: 0, detail: '网络不给力'})),
        })
      })).then(file => wx.previewImage({urls: [file], current: file}), api.showError)
    },
  },
})
