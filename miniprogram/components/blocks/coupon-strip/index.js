// coupon-strip: a swipe row of the shop's coupons. Shown only while the coupons module is on;
// data.coupons[] comes from that module (id, title, kind "amount"|"discount", value_fen or
// discount_percent, threshold_fen, valid_text, claimed), as the H5 block reads it.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {color, yuan} = require('../../../utils/format')

const DEFAULTS = {source: 'available', coupon_ids: [], limit: 6, style: 'ticket', color: ''}

function coupon(c) {
  const discount = c.kind === 'discount' && typeof c.discount_percent === 'number'
  return {
    id: c.id,
    title: typeof c.title === 'string' ? c.title : '',
    amount: discount ? `${c.discount_percent / 10}` : yuan(c.value_fen).replace(/\.00$/, '').replace('¥', ''),
    unit: discount ? '折' : '¥',
    discount,
    rule: typeof c.threshold_fen === 'number' && c.threshold_fen > 0 ? `满 ${yuan(c.threshold_fen).slice(1)} 可用` : '无门槛',
    valid: typeof c.valid_text === 'string' ? c.valid_text : '',
    claimed: c.claimed === true,
  }
}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, coupons: [], tint: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      const list = (Array.isArray(data.coupons) ? data.coupons : [])
        .filter(c => isObject(c) && (typeof c.value_fen === 'number' || typeof c.discount_percent === 'number'))
      return {p, coupons: list.slice(0, Math.max(1, p.limit)).map(coupon), tint: color(p.color)}
    },
  },
})
