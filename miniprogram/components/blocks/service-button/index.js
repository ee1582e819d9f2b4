// service-button: a round button pinned to a corner: WeChat customer-service chat, a call or a link.
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {color} = require('../../../utils/format')
const {navigate} = require('../../../utils/links')

const DEFAULTS = {action: 'contact', phone: '', link: null, label: '客服', side: 'right', bottom: 120,
  color: ''}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, buttonStyle: '', phoneNumber: ''},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const side = p.side === 'left' ? 'left' : 'right'
      const bg = color(p.color)
      const style = [`${side}: 24rpx`, `bottom: ${Math.max(0, Math.round(p.bottom)) * 2}rpx`]
      if (bg) style.push(`background: ${bg}`)
      return {p, buttonStyle: style.join('; '), phoneNumber: p.phone.replace(/[^0-9+]/g, '')}
    },
    onTap() {
      const {p, phoneNumber} = this.data
      if (p.action === 'phone' && phoneNumber) wx.makePhoneCall({phoneNumber})
      else if (p.action === 'link') navigate(p.link)
    },
  },
})
