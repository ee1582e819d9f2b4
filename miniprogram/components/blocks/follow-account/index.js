// follow-account: a bar inviting shoppers to follow the official account; the button opens the
// follow link, else shows the QR code (long-press to follow in WeChat).
const block = require('../../../utils/block')
const {withDefaults} = require('../../../utils/props')
const {imageUrl} = require('../../../utils/format')
const {navigate} = require('../../../utils/links')

const DEFAULTS = {account_name: '', avatar: null, description: '', button_text: '关注', qrcode: null,
  link: null}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, avatar: '', qrcode: '', name: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      return {
        p,
        name: p.account_name || (typeof data.shop_name === 'string' ? data.shop_name : '') || '公众号',
        avatar: imageUrl(p.avatar, 96),
        qrcode: imageUrl(p.qrcode, 750),
      }
    },
    onFollow() {
      if (navigate(this.data.p.link)) return
      if (this.data.qrcode) wx.previewImage({urls: [this.data.qrcode], current: this.data.qrcode})
    },
  },
})
