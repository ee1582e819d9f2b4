// store-info: name, photo, address, hours and phone, with "navigate" and "call" buttons.
const block = require('../../../utils/block')
const {withDefaults, isObject} = require('../../../utils/props')
const {imageUrl} = require('../../../utils/format')

const DEFAULTS = {name: '', image: null, address: '', hours: '', phone: '', latitude: null,
  longitude: null, show_map: true, show_call: true}

Component({
  behaviors: [block],
  data: {p: DEFAULTS, name: '', photo: '', location: null, phoneNumber: ''},
  methods: {
    view({props, data}) {
      const p = withDefaults(props, DEFAULTS)
      let location = isObject(data.location) ? data.location : null
      if (!location && typeof p.latitude === 'number' && typeof p.longitude === 'number') {
        location = {latitude: p.latitude, longitude: p.longitude, name: p.name, address: p.address}
      }
      const tel = typeof data.tel === 'string' ? data.tel.replace(/^tel:/, '') : ''
      return {
        p,
        name: (typeof data.name === 'string' && data.name) || p.name,
        photo: imageUrl(p.image, 160),
        location,
        phoneNumber: tel || p.phone.replace(/[^0-9+]/g, ''),
      }
    },
    onMap() {
      const loc = this.data.location
      if (!loc) return
      wx.openLocation({latitude: loc.latitude, longitude: loc.longitude, name: loc.name || this.data.name,
        address: loc.address || this.data.p.address, scale: 16})
    },
    onCall() {
      if (this.data.phoneNumber) wx.makePhoneCall({phoneNumber: this.data.phoneNumber})
    },
  },
})
