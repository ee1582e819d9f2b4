// page-popup: the page's popup ad over the page when it is due on this device (utils/popup.js);
// tapping the image follows its link, the close button hides it.
const {take} = require('../../utils/popup')
const {navigate} = require('../../utils/links')

Component({
  properties: {
    popup: {type: Object, value: null},
  },
  data: {shown: false},
  observers: {
    popup(popup) {
      this.decide(popup)
    },
  },
  methods: {
    decide(popup) {
      const shown = Boolean(popup && popup.key && popup.src) && take(popup.key, popup.frequency, Date.now())
      if (shown !== this.data.shown) this.setData({shown})
    },
    onImage() {
      const link = this.data.popup && this.data.popup.link
      this.setData({shown: false})
      if (link) navigate(link)
    },
    onClose() {
      this.setData({shown: false})
    },
  },
})
